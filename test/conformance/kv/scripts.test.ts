/**
 * kv scripts (stdin, one command per line): the same script through redis-cli and dbx, MULTI/EXEC included; the
 * pipeline window's bound after a failing line (README states it); EXEC whose transaction held a failure.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { createEngine, PIPELINE_WINDOW } from '../../../src/engines/redis/redis-engine.js';
import { firstDifference } from './compare.js';
import { dbxKv, load, redisCli, startConformanceServer, type Servers } from './harness.js';

let s: Servers;
beforeAll(async () => {
  s = await startConformanceServer();
});
afterAll(async () => {
  await s?.stop();
});
beforeEach(async () => {
  await load(s.server, [['FLUSHALL'], ['SET', 'name', 'Sam'], ['HSET', 'h', 'a', '1']]);
});

const get = async (key: string): Promise<string> => (await redisCli(s.server, ['get', key])).stdout.toString().trim();

const SCRIPT = [
  'set a 1', 'incr a', 'multi', 'set b x', 'lpush l a b', 'lrange l 0 -1', 'hgetall h', 'incrbyfloat f 1.5', 'exec',
  'get b', 'eval "return {1,{2,\'x\'},{},redis.status_reply(\'S\')}" 0', 'mget a b nope', 'hgetall h',
  'zadd z 1 m 2 n', 'zrange z 0 -1 withscores', 'debug protocol double', 'set bin "a\\xff\\x00b"', 'get bin', 'lrange l 0 -1',
].join('\n') + '\n';

describe('the same script through redis-cli and dbx', () => {
  test('--format raw: byte for byte, MULTI/EXEC and all', async () => {
    const cli = await redisCli(s.server, ['--raw'], SCRIPT);
    await load(s.server, [['FLUSHALL'], ['HSET', 'h', 'a', '1']]);
    const dbx = await dbxKv(s, [], { before: ['--format', 'raw'], input: SCRIPT });
    expect(dbx.code).toBe(0);
    expect(firstDifference(dbx.stdout, cli.stdout)).toBeUndefined();
  });

  test('the display: replies as redis-cli prints them (collections are tables: compared cell by cell elsewhere)', async () => {
    const script = 'set a 1\nincr a\nmulti\nset b x\nlpush l a b\nexec\neval "return {1,{2,\'x\'}}" 0\nget b\nincrbyfloat f 1.5\n';
    const cli = await redisCli(s.server, ['--no-raw'], script);
    await load(s.server, [['FLUSHALL']]);
    const dbx = await dbxKv(s, [], { input: script });
    expect(dbx.stdout.toString()).toBe(cli.stdout.toString());
  });

  test('--force: every reply and error in order; dbx writes the errors to stderr (redis-cli goes on by itself)', async () => {
    const script = 'set a 1\nhget h\nincr a\nlpush name x\nget a\n';
    const cli = await redisCli(s.server, ['--no-raw'], script);
    await load(s.server, [['FLUSHALL'], ['SET', 'name', 'Sam'], ['HSET', 'h', 'a', '1']]);
    const dbx = await dbxKv(s, [], { before: ['--force'], input: script });
    expect(dbx.code).toBe(1);
    const lines = cli.stdout.toString().split('\n');
    expect(dbx.stdout.toString()).toBe(lines.filter((l) => !l.startsWith('(error) ')).join('\n'));
    for (const e of lines.filter((l) => l.startsWith('(error) '))) {
      const [code, ...rest] = e.slice(8).split(' ');
      expect(dbx.stderr).toContain(`${code}: ${rest.join(' ')}`);
    }
    expect(dbx.stderr).not.toContain('note:');
  });
});

describe('a failing line stops the pipeline window', () => {
  test('the replies before it, then the error, which says which lines after it had already run', async () => {
    const r = await dbxKv(s, [], { input: 'set b 1\nlpush b x\nincr b\nset after yes\n' });
    expect(r.code).toBe(1);
    expect(r.stdout.toString()).toBe('OK\n');
    expect(r.stderr).toContain('WRONGTYPE: Operation against a key holding the wrong kind of value');
    expect(r.stderr).toContain('note: 2 lines after line 2 had already been sent and ran (lines 3 to 4); their replies are not shown');
    expect(await get('after')).toBe('yes');
  });

  test(`the bound: at most ${PIPELINE_WINDOW - 1} lines after the failing one run (README: 4,249)`, async () => {
    expect(PIPELINE_WINDOW).toBe(4250);
    const script = `lpush name x\n${'incr c\n'.repeat(10_000)}`;
    const r = await dbxKv(s, [], { input: script, before: ['--json'] });
    expect(r.code).toBe(1);
    expect(r.stdout.toString()).toBe('');
    const error = JSON.parse(r.stderr).error;
    expect(error.note).toBe('4249 lines after line 1 had already been sent and ran (lines 2 to 4250); their replies are not shown');
    expect(await get('c')).toBe('4249');
  });

  test('a failure in the middle of a part: the rest of its part and the parts ahead ran, nothing more', async () => {
    const script = `${'incr c\n'.repeat(300)}lpush name x\n${'incr c\n'.repeat(10_000)}`;
    const r = await dbxKv(s, [], { input: script, before: ['--format', 'raw'] });
    expect(r.code).toBe(1);
    expect(r.stdout.toString()).toBe(Array.from({ length: 300 }, (_, i) => `${i + 1}\n`).join(''));
    // part 2 holds lines 251–500: 199 lines after line 301, then 16 parts of 250
    expect(r.stderr).toContain('note: 4199 lines after line 301 had already been sent and ran (lines 302 to 4500)');
    expect(await get('c')).toBe(String(300 + 4199));
  });

  test('failures among the lines that ran after are counted', async () => {
    const r = await dbxKv(s, [], { input: 'lpush name x\nset ok 1\nhget h\n' });
    expect(r.stderr).toContain('note: 2 lines after line 1 had already been sent and ran (lines 2 to 3); 1 of them failed too (first: line 3)');
  });

  test('a line that runs on its own (LRANGE) is not sent after a failure', async () => {
    const r = await dbxKv(s, [], { input: 'lpush name x\nrpush l a\nlrange l 0 -1\nrpush l b\n' });
    expect(r.code).toBe(1);
    expect((await redisCli(s.server, ['lrange', 'l', '0', '-1'])).stdout.toString()).toBe('a\n');
  });
});

describe('EXEC whose transaction held a failing command', () => {
  test('a script: EXEC\'s reply is printed, then the failure (exit 1); the script stops there', async () => {
    const r = await dbxKv(s, [], { input: 'multi\nset t 1\nincr name\nset u 2\nexec\nset after 1\n' });
    expect(r.code).toBe(1);
    expect(r.stdout.toString()).toBe('OK\nQUEUED\nQUEUED\nQUEUED\n1) OK\n2) (error) ERR value is not an integer or out of range\n3) OK\n');
    expect(r.stderr).toContain('ERR: the transaction ran, but command 2 of 3 (incr name) failed: ERR value is not an integer or out of range');
    expect(r.stderr).toContain('hint: Redis has no rollback: nothing was rolled back, the changes of the other 2 commands stay');
    expect(await get('u')).toBe('2');
    // in the same pipeline as EXEC: sent before EXEC's reply came back, so it ran, and the error says so
    expect(r.stderr).toContain('note: 1 line after line 5 had already been sent and ran (line 6)');
    expect(await get('after')).toBe('1');
  });

  test('--transaction: exit 1, and it says that nothing was rolled back', async () => {
    const r = await dbxKv(s, [], { before: ['--transaction', '--json'], input: 'set t 1\nlpush name x\n' });
    expect(r.code).toBe(1);
    expect(r.stdout.toString()).toBe('"QUEUED"\n"QUEUED"\n["OK",{"error":"WRONGTYPE Operation against a key holding the wrong kind of value"}]\n');
    const error = JSON.parse(r.stderr).error;
    expect(error.code).toBe('WRONGTYPE');
    expect(error.hint).toBe('Redis has no rollback: nothing was rolled back, the changes of the other command stay');
    expect(await get('t')).toBe('1');
    const ok = await dbxKv(s, [], { before: ['--transaction'], input: 'set t 2\nincr n\n' });
    expect(ok.code).toBe(0);
  });

  test('a transaction a WATCHed key aborted (EXEC answers nil) ran nothing: exit 1', async () => {
    const kv = createEngine({
      profile: 't', endpoint: `redis://127.0.0.1:${s.server.port}/0`, connectTimeoutMs: 5000, readonly: false,
      verbose: () => undefined, warn: () => undefined,
    });
    try {
      await kv.execute({ text: 'watch w', line: 1 });
      await redisCli(s.server, ['set', 'w', 'theirs']);
      await kv.execute({ text: 'multi', line: 2 });
      await kv.execute({ text: 'set w mine', line: 3 });
      const exec = await kv.execute({ text: 'exec', line: 4 });
      expect(exec.kind === 'value' && exec.failure?.code).toBe('EXEC_ABORTED');
      expect(exec.kind === 'value' && exec.codec.display!(exec.value)).toBe('(nil)');
      expect(await get('w')).toBe('theirs');
    } finally {
      await kv.close();
    }
  });
});

describe('messages name the database the session is on', () => {
  test('after SELECT, an error names the new database', async () => {
    const r = await dbxKv(s, [], { input: 'select 2\nget\n' });
    expect(r.stderr).toContain(`ERROR [kv redis://127.0.0.1:${s.server.port}/2] ERR: wrong number of arguments`);
  });
});
