/**
 * Where dbx kv differs from redis-cli on purpose (README "dbx kv and redis-cli"), asserted as designed, and the
 * byte-faithful raw output checked through the real process (bin/dbx): what a shell pipe receives.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { runDbx } from '../../support/run-dbx.js';
import { BINARY, fixtures } from './corpus.js';
import { dbxKv, load, redisCli, startConformanceServer, type Servers } from './harness.js';

let s: Servers;
let url: string;
beforeAll(async () => {
  s = await startConformanceServer();
  url = `redis://127.0.0.1:${s.server.port}/0`;
  await load(s.server, fixtures());
});
afterAll(async () => {
  await s?.stop();
});

describe('--format raw is the server\'s bytes (through bin/dbx, as a pipe receives them)', () => {
  test('a value that is not UTF-8, NUL included, is written unchanged', async () => {
    const r = await runDbx(['--url', url, '--format', 'raw', 'kv', 'get', 'bin'], { cwd: s.cwd });
    expect(r.code).toBe(0);
    expect(r.stdoutBytes).toEqual(Buffer.concat([BINARY, Buffer.from('\n')]));
    const cli = await redisCli(s.server, ['--raw', 'get', 'bin']);
    expect(r.stdoutBytes).toEqual(cli.stdout);
  });

  test('DUMP output feeds RESTORE: the value comes back byte for byte', async () => {
    const dumped = await runDbx(['--url', url, '--format', 'raw', 'kv', 'dump', 'bin'], { cwd: s.cwd });
    expect(dumped.code).toBe(0);
    const payload = dumped.stdoutBytes.subarray(0, -1); // the newline --raw ends every reply with
    expect(payload).toEqual((await redisCli(s.server, ['--raw', 'dump', 'bin'])).stdout.subarray(0, -1));
    const restore = spawnSync('redis-cli', ['-p', String(s.server.port), '-x', 'restore', 'restored', '0'], { input: payload });
    expect(restore.stdout.toString()).toBe('OK\n');
    const back = await dbxKv(s, ['get', 'restored'], { before: ['--format', 'raw'] });
    expect(back.stdout).toEqual(Buffer.concat([BINARY, Buffer.from('\n')]));
  });

  test('every collection reply too: LRANGE, HGETALL, SMEMBERS, XRANGE, KEYS, EVAL', async () => {
    for (const words of [['lrange', 'lbin', '0', '-1'], ['hgetall', 'hbin'], ['xrange', 'st', '-', '+'], ['keys', 'bi?'],
      ['eval', "return {redis.call('get','bin'),{redis.call('get','bin')}}", '0'], ['smembers', 'sbin']]) {
      const dbx = await runDbx(['--url', url, '--format', 'raw', 'kv', ...words], { cwd: s.cwd });
      const cli = await redisCli(s.server, ['--raw', ...words]);
      // KEYS: the same keys, sorted (see below)
      const order = (b: Buffer) => (words[0] === 'keys' ? b.toString('latin1').split('\n').sort().join('\n') : b.toString('latin1'));
      expect({ words, out: order(dbx.stdoutBytes) }).toEqual({ words, out: order(cli.stdout) });
    }
  });
});

describe('the display', () => {
  test('valid UTF-8 prints as characters (redis-cli writes \\xHH for each byte)', async () => {
    const r = await dbxKv(s, ['get', 'utf']);
    expect(r.stdout.toString()).toBe('"中文 ✓"\n');
    expect((await redisCli(s.server, ['--no-raw', 'get', 'utf'])).stdout.toString()).toBe('"\\xe4\\xb8\\xad\\xe6\\x96\\x87 \\xe2\\x9c\\x93"\n');
  });

  test('C1 controls are escaped as their UTF-8 bytes, as redis-cli does: nothing reaches the terminal raw', async () => {
    const r = await dbxKv(s, ['get', 'c1']);
    expect(r.stdout.toString('latin1')).toBe('"\\xc2\\x9b31mred"\n');
    expect(r.stdout.toString('latin1')).toBe((await redisCli(s.server, ['--no-raw', 'get', 'c1'])).stdout.toString('latin1'));
    const nested = await dbxKv(s, ['eval', "return {redis.call('get','c1'),1}", '0']);
    expect(nested.stdout.toString('latin1')).toBe('1) "\\xc2\\x9b31mred"\n2) (integer) 1\n');
    const cell = await dbxKv(s, ['mget', 'c1', 'name']);
    expect(cell.stdout.toString('latin1')).toContain('| \\xc2\\x9b31mred |');
  });

  test('controls in status and error replies are escaped too (redis-cli writes those raw)', async () => {
    const status = await dbxKv(s, ['eval', "return redis.status_reply('a\\27[2Jb\\194\\155')", '0']);
    expect(status.stdout.toString('latin1')).toBe('a\\x1b[2Jb\\xc2\\x9b\n');
    const nested = await dbxKv(s, ['eval', "return {redis.error_reply('ERR \\27[31mred')}", '0']);
    expect(nested.stdout.toString('latin1')).toBe('1) (error) ERR \\x1b[31mred\n');
    const top = await dbxKv(s, ['eval', "return redis.error_reply('ERR \\27[31mred')", '0']);
    expect(top.stderr).toContain('ERR: \\x1b[31mred');
    expect(top.stderr).not.toContain('\u001b');
  });

  test('a RESP3 big number prints as RESP2 prints it, quoted (redis-cli -3 cannot print it at all)', async () => {
    const r = await dbxKv(s, ['debug', 'protocol', 'bignum'], { query: '?protocol=3' });
    expect(r.stdout.toString()).toBe('"1234567999999999999999999999999999999"\n');
    expect((await redisCli(s.server, ['-3', 'debug', 'protocol', 'bignum'])).code).toBe(1);
    expect((await redisCli(s.server, ['debug', 'protocol', 'bignum'])).stdout.toString()).toBe('1234567999999999999999999999999999999\n');
  });

  test('RESP3 booleans: one rendering everywhere, redis-cli -3\'s (true)/(false)', async () => {
    const q = { query: '?protocol=3' };
    expect((await dbxKv(s, ['debug', 'protocol', 'true'], q)).stdout.toString()).toBe('(true)\n');
    const table = (await dbxKv(s, ['debug', 'protocol', 'map'], q)).stdout.toString();
    expect(table).toContain('|     1 | (true)  |');
    expect(table).toContain('|     0 | (false) |');
    expect((await dbxKv(s, ['debug', 'protocol', 'map'], { ...q, before: ['--format', 'raw'] })).stdout.toString()).toBe('0 (false)\n1 (true)\n2 (false)\n');
    // RESP2, redis-cli's default, has no booleans: the server sends 1 and 0
    expect((await dbxKv(s, ['debug', 'protocol', 'true'])).stdout.toString()).toBe('(integer) 1\n');
    expect((await dbxKv(s, ['debug', 'protocol', 'map'], { before: ['--json'] })).stdout.toString()).toBe('{"0":false,"1":true,"2":false}\n');
  });

  test('KEYS is sorted (it runs as a SCAN loop; redis-cli prints the server\'s order)', async () => {
    const r = await dbxKv(s, ['keys', '*'], { before: ['--format', 'raw'] });
    const keys = r.stdout.toString('latin1').split('\n').slice(0, -1);
    expect(keys).toEqual([...keys].sort((a, b) => Buffer.compare(Buffer.from(a, 'latin1'), Buffer.from(b, 'latin1'))));
    const cli = (await redisCli(s.server, ['--raw', 'keys', '*'])).stdout.toString('latin1').split('\n').slice(0, -1);
    expect([...keys].sort()).toEqual([...cli].sort());
  });
});

describe('JSON is always valid JSON', () => {
  test('bytes that are not UTF-8 are {"$base64"}; nested errors {"error"}; infinities strings; scores objects', async () => {
    const json = async (...words: string[]): Promise<string> => (await dbxKv(s, words, { before: ['--json'] })).stdout.toString();
    expect(await json('get', 'bin')).toBe(`{"$base64":"${BINARY.toString('base64')}"}\n`);
    expect(await json('eval', "return {1,redis.error_reply('E x')}", '0')).toBe('[1,{"error":"E x"}]\n');
    expect(await json('zscore', 'zinf', 'x')).toBe('"inf"\n');
    expect(await json('zrange', 'z1', '0', '1', 'withscores')).toBe('[{"member":"c","score":1},{"member":"d","score":2.5}]\n');
    expect(await json('get', 'big')).toBe('"12345678901234567890"\n');
  });
});

describe('exit codes', () => {
  test('an error reply exits 1, as redis-cli -e does (plain redis-cli exits 0)', async () => {
    expect((await redisCli(s.server, ['get'])).code).toBe(0);
    expect((await redisCli(s.server, ['-e', 'get'])).code).toBe(1);
    expect((await dbxKv(s, ['get'])).code).toBe(1);
    expect((await redisCli(s.server, ['-e', 'get', 'name'])).code).toBe(0);
    expect((await dbxKv(s, ['get', 'name'])).code).toBe(0);
  });

  test('a server that cannot be reached exits 3 (redis-cli: 1)', async () => {
    const r = await dbxKv({ ...s, server: { ...s.server, port: 1 } }, ['ping']);
    expect(r.code).toBe(3);
  });
});
