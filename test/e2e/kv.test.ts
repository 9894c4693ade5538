/**
 * Every Redis command of the study note (shared/reference/notes.md), typed verbatim, through the built dbx against
 * the real Redis (database 11, flushed before and after): stdout, stderr and exit code, in table, --json and raw
 * output; scripts from stdin and -f; the note's typos with their hints; safety; connect failure.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDbx, type DbxRun } from '../support/run-dbx.js';
import { testKvAddress, testKvUrl } from '../support/servers.js';

const DB = 11;
const url = testKvUrl(DB);
const dir = mkdtempSync(join(tmpdir(), 'dbx-kv-e2e-'));

function kv(words: string[], extra: string[] = [], input?: string): Promise<DbxRun> {
  return runDbx(['--no-color', '--url', url, ...extra, 'kv', ...words], { input });
}

/** runs a note line verbatim (split on blanks, as a shell would), expects exit 0 and returns stdout */
async function ok(line: string, extra: string[] = []): Promise<string> {
  const r = await kv(line.split(' '), extra);
  assert.equal(r.code, 0, `${line}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /ERROR/);
  return r.stdout;
}

async function json(line: string): Promise<unknown> {
  const out = await ok(line, ['--json']);
  return JSON.parse(out);
}

async function fails(line: string | string[], code: number, pattern: RegExp, extra: string[] = [], input?: string): Promise<DbxRun> {
  const r = await kv(Array.isArray(line) ? line : line.split(' '), extra, input);
  assert.equal(r.code, code, `${String(line)}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.match(r.stderr, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at .*\.js:\d+/, 'no stack trace');
  return r;
}

const table = (...rows: string[][]): string => {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const row = (r: string[]): string => `| ${r.map((v, c) => v.padEnd(widths[c]!)).join(' | ')} |`;
  return [line, row(rows[0]!), line, ...rows.slice(1).map(row), line].join('\n') + '\n';
};

beforeAll(async () => {
  await ok('flushdb');
});

afterAll(async () => {
  await ok('flushdb');
  rmSync(dir, { recursive: true, force: true });
});

describe('notes.md: string', () => {
  test('set name Sam / get name', async () => {
    assert.equal(await ok('set name Sam'), 'OK\n');
    assert.equal(await ok('get name'), '"Sam"\n');
    assert.equal(await json('get name'), 'Sam');
    assert.equal(await ok('get nobody'), '(nil)\n');
    assert.equal(await json('get nobody'), null);
  });
  test('set key value ex xx: the template fails with the real syntax', async () => {
    const r = await fails('set key value ex xx', 1, /value is not an integer/);
    assert.match(r.stderr, /hint: usage: SET key value .*EX seconds/);
    assert.equal(await ok('set code 1234 ex 100'), 'OK\n');
    assert.match(await ok('ttl code'), /^\(integer\) (9\d|100)\n$/);
  });
  test('mset key1 value1 key2 value2', async () => {
    assert.equal(await ok('mset key1 value1 key2 value2'), 'OK\n');
    assert.deepEqual(await json('mget key1 key2'), ['value1', 'value2']);
  });
  test('incr / incrby / decr / decrby', async () => {
    assert.equal(await ok('set count 0'), 'OK\n');
    assert.equal(await ok('incr count'), '(integer) 1\n');
    assert.equal(await ok('incrby count 30'), '(integer) 31\n');
    assert.equal(await ok('decr count'), '(integer) 30\n');
    assert.equal(await ok('decrby count 30'), '(integer) 0\n');
    assert.equal(await json('incr count'), 1);
  });
  test('keys *', async () => {
    assert.equal(await ok('keys *'), table(['value'], ['code'], ['count'], ['key1'], ['key2'], ['name']));
    assert.deepEqual(await json('keys key*'), ['key1', 'key2']);
  });
});

describe('notes.md: list', () => {
  test('lpush l1 1 2 3 4 5 / rpush / lrange / lpop / rpop', async () => {
    assert.equal(await ok('lpush l1 1 2 3 4 5'), '(integer) 5\n');
    assert.equal(await ok('rpush l1 4 6'), '(integer) 7\n');
    assert.equal(await ok('lrange l1 0 -1'), table(['value'], ['5'], ['4'], ['3'], ['2'], ['1'], ['4'], ['6']));
    assert.deepEqual(await json('lrange l1 0 -1'), ['5', '4', '3', '2', '1', '4', '6']);
    assert.equal(await ok('lpop l1'), '"5"\n');
    assert.equal(await ok('rpop l1'), '"6"\n');
  });
  test('lrem -1 4, as the note has it: exit 1 with the real syntax', async () => {
    const r = await fails('lrem -1 4', 1, /ERR.*wrong number of arguments for 'lrem' command/);
    assert.match(r.stderr, /hint: usage: LREM key count element/);
    assert.ok(r.stderr.includes(`redis://${testKvAddress()}/11`), r.stderr);
    assert.equal(r.stdout, '');
  });
  test('lrem -1 4 with --json: one JSON error line on stderr', async () => {
    const r = await fails('lrem -1 4', 1, /^\{"error"/, ['--json']);
    const e = JSON.parse(r.stderr.trim()) as { error: Record<string, unknown> };
    assert.equal(e.error.engine, 'kv');
    assert.equal(e.error.code, 'ERR');
    assert.equal(e.error.hint, 'usage: LREM key count element');
  });
  test('lrem l1 -1 4 / lrem l1 0 4: negative numbers are words, not options', async () => {
    assert.equal(await ok('lrem l1 -1 4'), '(integer) 1\n');
    assert.equal(await ok('lrem l1 0 4'), '(integer) 1\n');
    assert.deepEqual(await json('lrange l1 0 -1'), ['3', '2', '1']);
  });
  test('an empty list', async () => {
    assert.equal(await ok('lrange nolist 0 -1'), '(empty array)\n');
    assert.deepEqual(await json('lrange nolist 0 -1'), []);
  });
});

describe('notes.md: hash', () => {
  test('hset user name Sam / hget user (typo) / hget user name', async () => {
    assert.equal(await ok('hset user name Sam'), '(integer) 1\n');
    const r = await fails('hget user', 1, /wrong number of arguments for 'hget' command/);
    assert.match(r.stderr, /hint: usage: HGET key field/);
    assert.equal(await ok('hget user name'), '"Sam"\n');
  });
  test('hmset / hmget / hkeys / hvals / hlen / hgetall', async () => {
    assert.equal(await ok('hmset user age 3 city Paris'), 'OK\n');
    assert.deepEqual(await json('hmget user name age'), ['Sam', '3']);
    assert.equal(await ok('hkeys user'), table(['value'], ['name'], ['age'], ['city']));
    assert.equal(await ok('hvals user'), table(['value'], ['Sam'], ['3'], ['Paris']));
    assert.equal(await ok('hlen user'), '(integer) 3\n');
    assert.equal(await ok('hgetall user'), table(['field', 'value'], ['name', 'Sam'], ['age', '3'], ['city', 'Paris']));
    assert.deepEqual(await json('hgetall user'), { name: 'Sam', age: '3', city: 'Paris' });
  });
});

describe('notes.md: set', () => {
  const sorted = async (line: string): Promise<string[]> => ((await json(line)) as string[]).sort();
  test('sadd / smembers / srem / spop / smove', async () => {
    assert.equal(await ok('sadd s1 1 2 3'), '(integer) 3\n');
    assert.match(await ok('smembers s1'), /^\+-------\+\n\| value \|\n\+-------\+\n(\| [123]     \|\n){3}\+-------\+\n$/);
    assert.deepEqual(await sorted('smembers s1'), ['1', '2', '3']);
    assert.equal(await ok('srem s1 5'), '(integer) 0\n');
    assert.match(await ok('spop s1'), /^"[123]"\n$/);
    await ok('sadd s1 1 2 3');
    assert.equal(await ok('smove s1 s2 1'), '(integer) 1\n');
  });
  test('sinter / sinterstore / sunion / sdiff / scard / srandmember', async () => {
    await ok('sadd s2 2 3 4');
    assert.deepEqual(await sorted('sinter s1 s2'), ['2', '3']);
    assert.equal(await ok('sinterstore s3 s1 s2'), '(integer) 2\n');
    assert.deepEqual(await sorted('sunion s1 s2'), ['1', '2', '3', '4']);
    assert.deepEqual(await sorted('sdiff s2 s1'), ['1', '4']);
    assert.equal(await ok('scard s1'), '(integer) 2\n');
    assert.match(await ok('srandmember s1'), /^"[23]"\n$/);
  });
});

describe('notes.md: zset', () => {
  test('zadd / zrange / zrevrange withscores / zrem / zcard / zcount / zscore', async () => {
    assert.equal(await ok('zadd z1 3 a 4 b 1 c'), '(integer) 3\n');
    assert.deepEqual(await json('zrange z1 0 -1'), ['c', 'a', 'b']);
    assert.equal(await ok('zrevrange z1 0 -1 withscores'), table(['member', 'score'], ['b', '4'], ['a', '3'], ['c', '1']));
    assert.deepEqual(await json('zrevrange z1 0 -1 withscores'), [
      { member: 'b', score: 4 }, { member: 'a', score: 3 }, { member: 'c', score: 1 }]);
    assert.equal(await ok('zrem z1 a'), '(integer) 1\n');
    assert.equal(await ok('zcard z1'), '(integer) 2\n');
    assert.equal(await ok('zcount z1 1 10'), '(integer) 2\n');
    assert.equal(await ok('zscore z1 c'), '"1"\n');
    assert.equal(await json('zscore z1 c'), 1);
  });
});

describe('notes.md: general', () => {
  test('type / append / ttl / expire / del', async () => {
    assert.equal(await ok('type user'), 'hash\n');
    assert.equal(await ok('append key value'), '(integer) 5\n');
    assert.equal(await ok('append key value'), '(integer) 10\n');
    assert.equal(await ok('get key'), '"valuevalue"\n');
    assert.equal(await ok('ttl key'), '(integer) -1\n');
    assert.equal(await ok('expire key 100'), '(integer) 1\n');
    assert.match(await ok('ttl key'), /^\(integer\) (9\d|100)\n$/);
    assert.equal(await ok('del key'), '(integer) 1\n');
    assert.equal(await ok('ttl key'), '(integer) -2\n');
  });
});

describe('words and scripts', () => {
  test('one word with spaces is split like redis-cli', async () => {
    const r = await kv(["set name 'Sam Lee'"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await ok('get name'), '"Sam Lee"\n');
    assert.equal(await ok('get name', ['--format', 'raw']), 'Sam Lee\n');
  });
  test('a script on stdin stops at the first failure; --force goes on', async () => {
    const script = 'set a 1\nincr a\nlpush a x\nget a\n';
    const stop = await kv([], [], script);
    assert.equal(stop.code, 1);
    assert.equal(stop.stdout, 'OK\n(integer) 2\n');
    assert.match(stop.stderr, /WRONGTYPE/);
    const force = await kv([], ['--force'], script);
    assert.equal(force.code, 1);
    assert.equal(force.stdout, 'OK\n(integer) 2\n"2"\n');
  });
  test('-f with comments, blank lines and JSON Lines output', async () => {
    const file = join(dir, 'script.redis');
    writeFileSync(file, '# warm up\nset greeting "hello world"\n\nget greeting\nlrange l1 0 -1\n');
    const r = await kv(['-f', file], ['--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '"OK"\n"hello world"\n["3","2","1"]\n');
  });
  test('an unterminated quote is exit 2 and nothing runs', async () => {
    const r = await fails([], 2, /unterminated quote at line 2, column 8/, [], 'set q1 1\nset q2 "oops\n');
    assert.equal(r.stdout, '');
    assert.equal(await ok('exists q1'), '(integer) 0\n');
  });
  test('--transaction wraps the script in MULTI/EXEC', async () => {
    const r = await kv([], ['--transaction'], 'set t 1\nincr t\n');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /1\) OK\n2\) \(integer\) 2\n$/);
  });
  test('binary values come out as $base64 in JSON', async () => {
    const r = await kv(['set bin "\\xff\\x00"']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await json('get bin'), { $base64: '/wA=' });
    assert.equal(await ok('get bin'), '"\\xff\\x00"\n');
  });
});

describe('errors and safety', () => {
  test('unknown command: the closest real one is the hint', async () => {
    const r = await fails('hgte user name', 1, /unknown command/);
    assert.match(r.stderr, /hint: did you mean HGET\? usage: HGET key field/);
  });
  test('a refused connection is exit 3, quickly', async () => {
    const t0 = Date.now();
    const r = await runDbx(['--no-color', '--url', 'redis://:hunter2@127.0.0.1:1/0', 'kv', 'get', 'a']);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /connection refused/);
    assert.doesNotMatch(r.stderr, /hunter2/);
    assert.ok(Date.now() - t0 < 5000);
  });
  test('a readonly profile refuses writes (exit 4) and allows reads', async () => {
    const config = join(dir, 'dbx.yaml');
    writeFileSync(config, `default: ro\nprofiles:\n  ro:\n    safety: readonly\n    kv: ${url}\n  careful:\n    safety: confirm\n    kv: ${url}\n`);
    const w = await runDbx(['--no-color', '--config', config, 'kv', 'set', 'name', 'Eve']);
    assert.equal(w.code, 4, w.stderr);
    const cfg = await runDbx(['--no-color', '--config', config, 'kv', 'config', 'set', 'maxmemory', '0']);
    assert.equal(cfg.code, 4, cfg.stderr);
    const r = await runDbx(['--no-color', '--config', config, 'kv', 'get', 'name']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '"Sam Lee"\n');
    const f = await runDbx(['--no-color', '--config', config, '-p', 'careful', 'kv', 'flushdb']);
    assert.equal(f.code, 4, f.stderr);
    assert.equal(await ok('get name'), '"Sam Lee"\n');
  });
});

describe("notes.md: the redis-py example (re.set('testtest', '111'); re.get('testtest').decode('utf8'))", () => {
  test('set testtest 111 / get testtest, in table, --json and --format raw', async () => {
    assert.equal(await ok('set testtest 111'), 'OK\n');
    assert.equal(await ok('get testtest'), '"111"\n');
    assert.equal(await json('get testtest'), '111');
    assert.equal(await ok('get testtest', ['--format', 'raw']), '111\n');
  });
});

describe('SUBSCRIBE in the table format', () => {
  test('each message shows as it arrives, before --timeout ends the subscription', async () => {
    const { spawn } = await import('node:child_process');
    const { DBX_BIN, baseEnv } = await import('../support/run-dbx.js');
    const channel = `dbx_e2e_ch_${process.pid}`;
    const child = spawn(DBX_BIN, ['--url', url, '--timeout', '8000', 'kv', 'subscribe', channel], {
      env: baseEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    const seen = new Promise<void>((resolve) => child.stdout.on('data', () => stdout.includes('hello-live') && resolve()));
    // publish once the subscription is in place (a fixed wait loses the message on a busy machine)
    for (let i = 0; i < 200; i++) {
      const reply = JSON.parse((await kv(['pubsub', 'numsub', channel], ['--json'])).stdout) as unknown;
      if ((Array.isArray(reply) ? reply[1] : (reply as Record<string, unknown>)[channel]) === 1) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await kv(['publish', channel, 'hello-live']);
    const shownEarly = await Promise.race([seen.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000))]);
    assert.ok(shownEarly, `the message was not shown while subscribed: ${stdout}`);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 1); // ended by --timeout
    assert.match(stdout, /\| message +\| \(nil\) +\| dbx_e2e_ch_\d+ \| hello-live +\|/);
  });
});
