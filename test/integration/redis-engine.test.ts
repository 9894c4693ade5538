/**
 * The kv engine against the suite's own Redis (test/support/global-setup.ts), database 12 (flushed before and after): every Redis
 * command of reference/notes.md verbatim, plus errors, hints, batches, streaming, transactions and cancel.
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import net from 'node:net';
import { ConnectError, ParseError, StatementError, type DbxError } from '../../src/errors.js';
import type { Engine, Outcome, Result, RowsResult, Statement, ValueResult } from '../../src/engines/engine.js';
import { reviewedCommand } from '../../src/engines/redis/redis-command-safety.js';
import { createEngine } from '../../src/engines/redis/redis-engine.js';
import { splitRedisLine } from '../../src/engines/redis/redis-line-splitter.js';
import { flat } from '../support/flat.js';
import { testKvAddress, testKvUrl } from '../support/servers.js';

const DB = 12;
const URL = testKvUrl(DB);
const ADDR = testKvAddress();

/** typedValues: as for --json (RESP3); otherwise as for the text formats (RESP2, redis-cli's default) */
function makeEngine(endpoint: string | Record<string, unknown> = URL, connectTimeoutMs = 5000, typedValues = false): Engine {
  return createEngine({
    profile: 'test', endpoint, connectTimeoutMs, readonly: false, typedValues, verbose: () => undefined, warn: () => undefined,
  });
}

let kv: Engine;
/** the same database as dbx --json sees it */
let kvJson: Engine;
const stmt = (text: string): Statement => ({ text, line: 1 });
const run = (text: string): Promise<Result> => kv.execute(stmt(text));

/** what redis-cli would print, for a value; for rows, their JSON */
async function shown(text: string): Promise<string> {
  const r = await run(text);
  assert.equal(r.kind, 'value', `${text} → ${r.kind}`);
  return r.codec.display!(r.value);
}

async function jsonOf(r: Result): Promise<unknown> {
  if (r.kind === 'value') return r.codec.json(r.value);
  assert.equal(r.kind, 'rows');
  const rows: Record<string, unknown>[] = [];
  for await (const row of r.rows) rows.push(row);
  const cell = (v: unknown): unknown => r.codec.json(v);
  if (r.shape === 'values') return rows.map((x) => cell(x.value));
  if (r.shape === 'map') return Object.fromEntries(rows.map((x) => [r.codec.text(x.field), cell(x.value)]));
  return rows.map((x) => Object.fromEntries(Object.entries(x).map(([k, v]) => [k, cell(v)])));
}

const json = async (text: string): Promise<unknown> => jsonOf(await kvJson.execute(stmt(text)));

async function failure(text: string | Statement): Promise<StatementError> {
  try {
    await kv.execute(typeof text === 'string' ? stmt(text) : text);
  } catch (e) {
    assert.ok(e instanceof StatementError, `expected a StatementError, got ${String(e)}`);
    return e;
  }
  assert.fail(`${JSON.stringify(text)} should have failed`);
}

async function commandCalls(name: string): Promise<number> {
  const info = (await run('info commandstats')) as ValueResult;
  const m = new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(String(info.codec.raw!(info.value)));
  return m ? Number(m[1]) : 0;
}

beforeAll(async () => {
  kv = makeEngine();
  kvJson = makeEngine(URL, 5000, true);
  await kv.connect();
  await kvJson.connect();
  await run('flushdb');
});

afterAll(async () => {
  await run('flushdb');
  await kv.close();
  await kvJson.close();
});

describe('notes.md: string', () => {
  test('set / get', async () => {
    assert.equal(await shown('set name Sam'), 'OK');
    assert.equal(await shown('get name'), '"Sam"');
    assert.equal(await json('get name'), 'Sam');
    assert.equal(await shown('get nobody'), '(nil)');
    assert.equal(await json('get nobody'), null);
  });
  test('set key value ex xx: the template fails with the real syntax as hint; a real ttl works', async () => {
    const e = await failure('set key value ex xx');
    assert.equal(e.code, 'ERR');
    assert.match(e.hint ?? '', /SET key value .*EX seconds/);
    assert.equal(await shown('set code 1234 ex 60'), 'OK');
    const ttl = await json('ttl code');
    assert.ok(typeof ttl === 'number' && ttl > 0 && ttl <= 60);
  });
  test('mset key1 value1 key2 value2', async () => {
    assert.equal(await shown('mset key1 value1 key2 value2'), 'OK');
    assert.deepEqual(await json('mget key1 key2'), ['value1', 'value2']);
  });
  test('incr / incrby / decr / decrby', async () => {
    assert.equal(await shown('set count 0'), 'OK');
    assert.equal(await shown('incr count'), '(integer) 1');
    assert.equal(await shown('incrby count 30'), '(integer) 31');
    assert.equal(await shown('decr count'), '(integer) 30');
    assert.equal(await shown('decrby count 30'), '(integer) 0');
    assert.equal(await json('incrby count -5'), -5);
  });
  test('keys * runs as SCAN, sorted, same set as KEYS', async () => {
    const scans = await commandCalls('scan');
    const keysCalls = await commandCalls('keys');
    const r = await run('keys *');
    assert.equal(r.kind, 'rows');
    assert.deepEqual((r as RowsResult).columns, ['value']);
    const got = (await jsonOf(r)) as string[];
    assert.deepEqual(got, [...got].sort());
    for (const k of ['name', 'key1', 'key2', 'count', 'code']) assert.ok(got.includes(k), k);
    assert.ok((await commandCalls('scan')) > scans, 'SCAN was used');
    assert.equal(await commandCalls('keys'), keysCalls, 'KEYS was not used');
    assert.deepEqual(await json('keys key*'), ['key1', 'key2']);
    assert.equal(await shown('keys nothing-matches-*'), '(empty array)');
  });
});

describe('notes.md: list', () => {
  test('lpush / rpush / lrange / lpop / rpop', async () => {
    assert.equal(await shown('lpush l1 1 2 3 4 5'), '(integer) 5');
    assert.equal(await shown('rpush l1 4 6'), '(integer) 7');
    const r = await run('lrange l1 0 -1');
    assert.equal(r.kind, 'rows');
    assert.equal((r as RowsResult).shape, 'values');
    assert.deepEqual(await jsonOf(r), ['5', '4', '3', '2', '1', '4', '6']);
    assert.equal(await shown('lpop l1'), '"5"');
    assert.equal(await shown('rpop l1'), '"6"');
  });
  test('lrem -1 4 (the note forgot the key): hint shows LREM key count element', async () => {
    const e = await failure('lrem -1 4');
    assert.equal(e.code, 'ERR');
    assert.match(e.message, /wrong number of arguments/);
    assert.match(e.hint ?? '', /LREM key count element/);
    assert.equal(e.engine, 'kv');
    assert.equal(e.endpoint, `redis://${ADDR}/${DB}`);
  });
  test('lrem l1 -1 4 and lrem l1 0 4, negative numbers passed as words', async () => {
    assert.deepEqual(await json('lrange l1 0 -1'), ['4', '3', '2', '1', '4']);
    const e = await kv.execute({ text: 'lrem l1 -1 4', line: 1, args: ['lrem', 'l1', '-1', '4'] });
    assert.equal((e as ValueResult).codec.display!((e as ValueResult).value), '(integer) 1');
    assert.deepEqual(await json('lrange l1 0 -1'), ['4', '3', '2', '1']);
    assert.equal(await shown('lrem l1 0 4'), '(integer) 1');
    assert.deepEqual(await json('lrange l1 -2 -1'), ['2', '1']);
  });
  test('an empty list is (empty array), JSON []', async () => {
    assert.equal(await shown('lrange nolist 0 -1'), '(empty array)');
    assert.deepEqual(await json('lrange nolist 0 -1'), []);
  });
});

describe('notes.md: hash', () => {
  test('hset / hget; hget key (no field) hints HGET key field', async () => {
    assert.equal(await shown('hset user name Sam'), '(integer) 1');
    const e = await failure('hget user');
    assert.match(e.hint ?? '', /HGET key field/);
    assert.equal(await shown('hget user name'), '"Sam"');
  });
  test('hmset / hmget / hkeys / hvals / hlen / hgetall', async () => {
    assert.equal(await shown('hmset user age 3 city Paris'), 'OK');
    assert.deepEqual(await json('hmget user name nope age'), ['Sam', null, '3']);
    assert.deepEqual(await json('hkeys user'), ['name', 'age', 'city']);
    assert.deepEqual(await json('hvals user'), ['Sam', '3', 'Paris']);
    assert.equal(await shown('hlen user'), '(integer) 3');
    const all = await run('hgetall user');
    assert.equal(all.kind, 'rows');
    assert.deepEqual((all as RowsResult).columns, ['field', 'value']);
    assert.equal((all as RowsResult).shape, 'map');
    assert.deepEqual(await jsonOf(all), { name: 'Sam', age: '3', city: 'Paris' });
  });
});

describe('notes.md: set', () => {
  const sorted = async (text: string): Promise<string[]> => ((await json(text)) as string[]).sort();
  test('sadd / smembers / srem / spop / smove', async () => {
    assert.equal(await shown('sadd s1 1 2 3'), '(integer) 3');
    const members = await run('smembers s1');
    assert.equal(members.kind, 'rows');
    assert.deepEqual(((await jsonOf(members)) as string[]).sort(), ['1', '2', '3']);
    assert.equal(await shown('srem s1 5'), '(integer) 0');
    const popped = await json('spop s1');
    assert.ok(['1', '2', '3'].includes(popped as string));
    await run('sadd s1 1 2 3');
    assert.equal(await shown('smove s1 s2 1'), '(integer) 1');
    assert.deepEqual(await sorted('smembers s2'), ['1']);
  });
  test('sinter / sinterstore / sunion / sdiff / scard / srandmember', async () => {
    await run('del s1 s2');
    await run('sadd s1 1 2 3');
    await run('sadd s2 2 3 4');
    assert.deepEqual(await sorted('sinter s1 s2'), ['2', '3']);
    assert.equal(await shown('sinterstore s3 s1 s2'), '(integer) 2');
    assert.deepEqual(await sorted('sunion s1 s2'), ['1', '2', '3', '4']);
    assert.deepEqual(await sorted('sdiff s1 s2'), ['1']);
    assert.equal(await shown('scard s1'), '(integer) 3');
    assert.match(await shown('srandmember s1'), /^"[123]"$/);
    const two = await run('srandmember s1 2');
    assert.equal(two.kind, 'rows');
    assert.equal(((await jsonOf(two)) as string[]).length, 2);
  });
});

describe('notes.md: zset', () => {
  test('zadd / zrange / zrevrange withscores / zrem / zcard / zcount / zscore', async () => {
    assert.equal(await shown('zadd z1 3 a 4 b 1 c'), '(integer) 3');
    assert.deepEqual(await json('zrange z1 0 -1'), ['c', 'a', 'b']);
    const ws = await run('zrevrange z1 0 -1 withscores');
    assert.equal(ws.kind, 'rows');
    assert.deepEqual((ws as RowsResult).columns, ['member', 'score']);
    assert.deepEqual(await jsonOf(ws), [{ member: 'b', score: 4 }, { member: 'a', score: 3 }, { member: 'c', score: 1 }]);
    assert.equal(await shown('zrem z1 a'), '(integer) 1');
    assert.equal(await shown('zcard z1'), '(integer) 2');
    assert.equal(await shown('zcount z1 1 10'), '(integer) 2');
    assert.equal(await shown('zscore z1 c'), '"1"');
    assert.equal(await json('zscore z1 c'), 1);
    assert.equal(await shown('zadd z1 2.5 d'), '(integer) 1');
    assert.deepEqual(await json('zrange z1 0 -1 withscores'), [
      { member: 'c', score: 1 }, { member: 'd', score: 2.5 }, { member: 'b', score: 4 }]);
  });
});

describe('notes.md: general', () => {
  test('type / append / ttl / expire / del', async () => {
    assert.equal(await shown('type user'), 'hash');
    assert.equal(await shown('type name'), 'string');
    assert.equal(await shown('type nothing'), 'none');
    assert.equal(await shown('append greeting hello'), '(integer) 5');
    assert.equal(await shown('append greeting " world"'), '(integer) 11');
    assert.equal(await shown('get greeting'), '"hello world"');
    assert.equal(await shown('ttl greeting'), '(integer) -1');
    assert.equal(await shown('expire greeting 100'), '(integer) 1');
    const ttl = await json('ttl greeting');
    assert.ok(typeof ttl === 'number' && ttl > 90);
    assert.equal(await shown('del greeting'), '(integer) 1');
    assert.equal(await shown('ttl greeting'), '(integer) -2');
  });
});

describe('values and words', () => {
  test('binary values round-trip; JSON gives $base64', async () => {
    assert.equal(await shown('set bin "\\xff\\x00\\x01"'), 'OK');
    assert.equal(await shown('get bin'), '"\\xff\\x00\\x01"');
    assert.deepEqual(await json('get bin'), { $base64: '/wAB' });
    assert.equal(await shown('strlen bin'), '(integer) 3');
  });
  test('UTF-8 values print as text', async () => {
    await run('set cn 中文');
    assert.equal(await shown('get cn'), '"中文"');
    assert.equal(await json('get cn'), '中文');
  });
  test('one quoted string as the runner splits it', async () => {
    const args = splitRedisLine("set name 'Sam Lee'");
    await kv.execute({ text: args.join(' '), line: 1, args });
    assert.equal(await shown('get name'), '"Sam Lee"');
    await run('set name "Sam \\"the\\" Lee"');
    assert.equal(await json('get name'), 'Sam "the" Lee');
  });
  test('bad quoting is a ParseError before anything is sent', async () => {
    await assert.rejects(kv.execute(stmt('set k "oops')), ParseError);
    assert.throws(() => kv.split('get a\nset k "oops'), ParseError);
  });
});

describe('errors', () => {
  test('WRONGTYPE', async () => {
    const e = await failure('lpush user x');
    assert.equal(e.code, 'WRONGTYPE');
    assert.match(e.message, /wrong kind of value/);
    assert.equal(e.exitCode, 1);
    assert.equal(e.statement, 'lpush user x');
  });
  test('incr on a text value blames the value, incrby with a bad increment shows the syntax', async () => {
    await run('set incr_text Sam');
    const stored = await failure('incr incr_text');
    assert.match(stored.hint ?? '', /value stored at 'incr_text' is not a number/);
    const arg = await failure('incrby incr_text abc');
    assert.match(arg.hint ?? '', /INCRBY key increment/);
  });
  test('unknown command, with the closest real one as a hint', async () => {
    const e = await failure('hgte user name');
    assert.equal(e.code, 'ERR');
    assert.match(e.message, /unknown command/);
    assert.match(e.hint ?? '', /HGET key field/);
    const far = await failure('frobnicate x');
    assert.equal(far.hint, undefined);
  });
  test('unknown subcommand hints the closest subcommand', async () => {
    const e = await failure('config gte maxmemory');
    assert.match(e.hint ?? '', /CONFIG GET parameter/);
  });
  test('a refused connection is a ConnectError within the connect timeout', async () => {
    const bad = makeEngine('redis://127.0.0.1:1/0', 2000);
    const t0 = Date.now();
    await assert.rejects(bad.connect(), (e: DbxError) => {
      assert.ok(e instanceof ConnectError);
      assert.equal(e.exitCode, 3);
      assert.equal(e.code, 'ECONNREFUSED');
      return true;
    });
    assert.ok(Date.now() - t0 < 2000);
  });
  test('a server that accepts but never answers: ConnectError ETIMEDOUT after the connect timeout', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const t0 = Date.now();
      await assert.rejects(makeEngine(`redis://127.0.0.1:${port}/0`, 400).connect(), (e: DbxError) => {
        assert.ok(e instanceof ConnectError);
        assert.equal(e.code, 'ETIMEDOUT');
        return true;
      });
      const took = Date.now() - t0;
      assert.ok(took >= 350 && took < 2000, `${took} ms`);
    } finally {
      silent.close();
    }
  });
  test('user and password (HELLO 3 AUTH)', async () => {
    await run('acl setuser dbx_engine_test on >s3cret-pw ~* &* +@all');
    try {
      const other = makeEngine(`redis://dbx_engine_test:s3cret-pw@${ADDR}/${DB}`);
      await other.connect();
      assert.equal(other.endpoint, `redis://dbx_engine_test@${ADDR}/${DB}`);
      const r = await other.execute(stmt('acl whoami'));
      assert.equal(r.kind === 'value' && r.codec.json(r.value), 'dbx_engine_test');
      await other.close();
    } finally {
      await run('acl deluser dbx_engine_test');
    }
  });
  test('a wrong password is a ConnectError that never shows the password', async () => {
    const bad = makeEngine(`redis://nobody:hunter2@${ADDR}/0`, 2000);
    await assert.rejects(bad.connect(), (e: DbxError) => {
      assert.ok(e instanceof ConnectError);
      assert.equal(e.code, 'WRONGPASS');
      assert.ok(!JSON.stringify(e.toJSON()).includes('hunter2'));
      assert.ok(!bad.endpoint.includes('hunter2'));
      return true;
    });
  });
});

describe('batches', () => {
  test('outcomes come back in order, an error in the middle does not stop the batch', async () => {
    const stmts = kv.split('set b1 1\nincr b1\nlpush b1 x\nkeys b?\nget b1\nselect 12');
    const outcomes: Outcome[] = [];
    for await (const o of flat(kv.executeBatch!(stmts))) outcomes.push(o);
    assert.deepEqual(outcomes.map((o) => o.statement.line), [1, 2, 3, 4, 5, 6]);
    assert.equal(outcomes[1]!.result!.kind, 'value');
    assert.equal(await jsonOf(outcomes[1]!.result!), 2);
    assert.ok(outcomes[2]!.error instanceof StatementError);
    assert.equal(outcomes[2]!.error.code, 'WRONGTYPE');
    assert.deepEqual(await jsonOf(outcomes[3]!.result!), ['b1']);
    assert.equal(await jsonOf(outcomes[4]!.result!), '2');
    assert.equal(kv.database, '12');
  });
  test('command-line words (args) pipeline too', async () => {
    const outcomes: Outcome[] = [];
    for await (const o of flat(kv.executeBatch!([
      { text: 'set b2 "a b"', line: 1, args: ['set', 'b2', 'a b'] },
      { text: 'get b2', line: 2, args: ['get', 'b2'] },
    ]))) outcomes.push(o);
    assert.equal(await jsonOf(outcomes[1]!.result!), 'a b');
  });
  test('lines too long for an inline command (by bytes, not characters) still work', async () => {
    const ascii = 'x'.repeat(100_000);
    const cjk = '中'.repeat(30_000); // 30,000 characters, 90,000 bytes
    const outcomes: Outcome[] = [];
    for await (const o of flat(kv.executeBatch!(kv.split(`set long1 ${ascii}\nset long2 ${cjk}\nstrlen long1\nstrlen long2`)))) {
      outcomes.push(o);
    }
    assert.deepEqual(outcomes.map((o) => o.error?.message), [undefined, undefined, undefined, undefined]);
    assert.equal(await jsonOf(outcomes[2]!.result!), 100_000);
    assert.equal(await jsonOf(outcomes[3]!.result!), 90_000);
  });
  test('a connection that breaks mid-pipeline (QUIT) first yields the replies that came, then fails', async () => {
    const own = makeEngine();
    try {
      await own.connect();
      const seen: Outcome[] = [];
      await assert.rejects(
        async () => {
          for await (const o of flat(own.executeBatch!(own.split('set quit1 1\nquit\nget quit1\nset quit2 2')))) seen.push(o);
        },
        (e: unknown) => e instanceof ConnectError && e.code === 'CONNECTION_LOST',
      );
      assert.deepEqual(seen.map((o) => o.statement.line), [1, 2]);
      assert.deepEqual(await Promise.all(seen.map((o) => jsonOf(o.result!))), ['OK', 'OK']);
      assert.equal(await json('exists quit2'), 0);
    } finally {
      await own.close();
    }
  });
  test('CLIENT REPLY OFF / SKIP are refused before anything is sent (the next reply would never come)', async () => {
    assert.throws(() => kv.split('set crs 1\nclient reply off\nget crs'), (e: unknown) => (e as DbxError).exitCode === 2);
    assert.throws(() => kv.split('CLIENT Reply Skip'), (e: unknown) => (e as DbxError).code === 'UNSUPPORTED');
    await assert.rejects(kv.execute({ text: 'client reply off', line: 1, args: ['client', 'reply', 'off'] }), (e: unknown) => (e as DbxError).exitCode === 2);
    assert.equal(await json('exists crs'), 0);
    assert.equal(await json('client reply on'), 'OK');
  });
  test('HELLO 2 switches the session to RESP2 and replies keep their shapes (HGETALL still a map)', async () => {
    const own = makeEngine();
    try {
      await own.connect();
      await own.execute({ text: 'hset hello2 f v', line: 1 });
      const outcomes: Outcome[] = [];
      for await (const o of flat(own.executeBatch!(own.split('hello 2\nhgetall hello2\nconfig get maxmemory\nhello 3\nhgetall hello2')))) {
        outcomes.push(o);
      }
      assert.deepEqual(outcomes.map((o) => o.error?.message), [undefined, undefined, undefined, undefined, undefined]);
      assert.deepEqual(await jsonOf(outcomes[1]!.result!), { f: 'v' });
      assert.deepEqual(await jsonOf(outcomes[2]!.result!), { maxmemory: '0' });
      assert.deepEqual(await jsonOf(outcomes[4]!.result!), { f: 'v' });
      await own.execute({ text: 'del hello2', line: 1 });
    } finally {
      await own.close();
    }
  });
  test('a thousand statements', async () => {
    const script = Array.from({ length: 1000 }, (_, i) => `rpush many ${i}`).join('\n');
    let n = 0;
    for await (const o of flat(kv.executeBatch!(kv.split(script)))) {
      assert.equal(o.result && (await jsonOf(o.result)), ++n);
    }
    assert.equal(n, 1000);
  });
});

describe('huge replies stream', () => {
  test('LRANGE over 50,000 items is fetched in ranges, in order', async () => {
    const n = 50_000;
    for (let i = 0; i < n; i += 5000) {
      const args = ['rpush', 'big', ...Array.from({ length: 5000 }, (_, k) => `item-${i + k}`)];
      await kv.execute({ text: 'rpush big …', line: 1, args });
    }
    const before = await commandCalls('lrange');
    const r = await run('lrange big 0 -1');
    assert.equal(r.kind, 'rows');
    let i = 0;
    for await (const row of r.rows) {
      assert.equal(r.codec.json(row.value), `item-${i}`);
      i++;
    }
    assert.equal(i, n);
    assert.ok((await commandCalls('lrange')) - before >= 5, 'several LRANGE chunks');
    const tail = (await jsonOf(await run('lrange big -15000 -2'))) as string[];
    assert.equal(tail.length, 14_999);
    assert.equal(tail[0], `item-${n - 15_000}`);
    assert.equal(tail.at(-1), `item-${n - 2}`);
    assert.deepEqual(await json('lrange big 49998 100000'), ['item-49998', 'item-49999']);
  });
  test('SMEMBERS / HGETALL / ZRANGE WITHSCORES over 20,000 elements', async () => {
    const n = 20_000;
    const members = Array.from({ length: n }, (_, i) => String(i));
    await kv.execute({ text: 'sadd', line: 1, args: ['sadd', 'bigset', ...members] });
    await kv.execute({ text: 'hset', line: 1, args: ['hset', 'bighash', ...members.flatMap((m) => [`f${m}`, m])] });
    await kv.execute({ text: 'zadd', line: 1, args: ['zadd', 'bigz', ...members.flatMap((m) => [m, `m${m}`])] });
    const set = (await jsonOf(await run('smembers bigset'))) as string[];
    assert.equal(new Set(set).size, n);
    const hash = (await jsonOf(await run('hgetall bighash'))) as Record<string, string>;
    assert.equal(Object.keys(hash).length, n);
    assert.equal(hash.f123, '123');
    const z = (await jsonOf(await run('zrevrange bigz 0 -1 withscores'))) as { member: string; score: number }[];
    assert.equal(z.length, n);
    assert.deepEqual(z[0], { member: `m${n - 1}`, score: n - 1 });
    assert.deepEqual(z.at(-1), { member: 'm0', score: 0 });
  });
});

describe('session', () => {
  test('MULTI / EXEC through the transaction hooks', async () => {
    await kv.transaction!.begin();
    assert.equal(await shown('set tx 1'), 'QUEUED');
    assert.equal(await shown('incr tx'), 'QUEUED');
    const r = await kv.transaction!.commit();
    assert.ok(r && r.kind === 'value');
    assert.equal(r.codec.display!(r.value), '1) OK\n2) (integer) 2');
    assert.deepEqual(r.codec.json(r.value), ['OK', 2]);
  });
  test('inside MULTI, KEYS and a LRANGE of a big list are queued as typed (no SCAN, no LLEN probe)', async () => {
    await kv.transaction!.begin();
    assert.equal(await shown('keys tx'), 'QUEUED');
    assert.equal(await shown('lrange big 0 2'), 'QUEUED');
    const r = await kv.transaction!.commit();
    assert.ok(r && r.kind === 'value');
    assert.deepEqual(r.codec.json(r.value), [['tx'], ['item-0', 'item-1', 'item-2']]);
    // after EXEC, KEYS is a SCAN loop again
    assert.deepEqual(await json('keys tx'), ['tx']);
  });
  test('DISCARD through rollback', async () => {
    await kv.transaction!.begin();
    await run('set tx 100');
    await kv.transaction!.rollback();
    assert.equal(await json('get tx'), '2');
  });
  test('SELECT changes the database', async () => {
    await run('select 13');
    assert.equal(kv.database, '13');
    await run(`select ${DB}`);
    assert.equal(kv.database, String(DB));
  });
  test('cancel drops a blocked command; the next one reconnects on the same database', async () => {
    const pending = run('blpop never-filled 0');
    setTimeout(() => void kv.cancel(), 100);
    await assert.rejects(pending, (e: DbxError) => e instanceof StatementError && e.code === 'CANCELLED');
    assert.equal(await json('get tx'), '2');
  });
  test('classify from the server flags', async () => {
    assert.deepEqual(await kv.classify(stmt('set a 1')), { write: true, destructive: false });
    assert.deepEqual(await kv.classify(stmt('get a')), { write: false, destructive: false });
    assert.deepEqual(await kv.classify(stmt('keys *')), { write: false, destructive: false });
    assert.deepEqual(await kv.classify(stmt('flushdb')), { write: true, destructive: true });
    assert.deepEqual(await kv.classify(stmt('FLUSHALL')), { write: true, destructive: true });
    assert.deepEqual(await kv.classify(stmt('script flush')), { write: true, destructive: true });
    assert.equal((await kv.classify(stmt('config set maxmemory 0'))).write, true);
    assert.equal((await kv.classify(stmt('config get maxmemory'))).write, false);
    assert.equal((await kv.classify(stmt('nosuchcommand'))).write, false);
  });
  test('scripts, functions, administration and publishing are writes; the _RO forms and connection state are not', async () => {
    const WRITE = { write: true, destructive: false };
    const READ = { write: false, destructive: false };
    const DESTRUCTIVE = { write: true, destructive: true };
    const cases: [string, typeof READ][] = [
      // a script may run any command, FLUSHALL included: confirmed under safety: confirm
      ["eval \"return redis.call('set','x','1')\" 0", DESTRUCTIVE],
      ['evalsha e0e1f9fabfc9d4800c877a703b823ac0578ff8db 0', DESTRUCTIVE],
      ['fcall f 0', DESTRUCTIVE],
      ['eval_ro "return 1" 0', READ],
      ['evalsha_ro e0e1f9fabfc9d4800c877a703b823ac0578ff8db 0', READ],
      ['fcall_ro f 0', READ],
      ['script load "return 1"', WRITE],
      ['script flush', DESTRUCTIVE],
      ['script exists e0e1f9fabfc9d4800c877a703b823ac0578ff8db', READ],
      ["function load \"#!lua name=l\nredis.register_function('f', function() return 1 end)\"", WRITE],
      ['function delete l', WRITE],
      ['function flush', DESTRUCTIVE],
      ['function restore x', DESTRUCTIVE],
      ['function list', READ],
      ['publish ch hello', WRITE],
      ['client kill id 1', WRITE],
      ['client pause 10', WRITE],
      ['client setname me', READ],
      ['acl setuser u on', WRITE],
      ['acl log', READ],
      ['acl log reset', WRITE],
      ['slowlog get', READ],
      ['slowlog reset', WRITE],
      ['swapdb 0 1', DESTRUCTIVE],
      ['replicaof 127.0.0.1 1', DESTRUCTIVE],
      ['shutdown', DESTRUCTIVE],
      ['multi', READ],
      ['exec', READ],
      ['select 3', READ],
      ['hello 3', READ],
    ];
    for (const [text, expected] of cases) assert.deepEqual(await kv.classify(stmt(text)), expected, text);
  });
  test("every command of the server's COMMAND table is classified: flagged write or readonly, or reviewed by hand", async () => {
    const table = (await json('command')) as unknown[][];
    const unreviewed: string[] = [];
    const walk = (entry: unknown[]): void => {
      const name = String(entry[0]).toLowerCase();
      const flags = (entry[2] as string[]).map((f) => f.toLowerCase());
      const flagged = flags.includes('write') || flags.includes('may_replicate') || flags.includes('readonly');
      if (!flagged && !reviewedCommand(name)) unreviewed.push(`${name} (${flags.join(', ')})`);
      for (const sub of (entry[9] as unknown[][] | undefined) ?? []) walk(sub);
    };
    for (const entry of table) walk(entry);
    assert.ok(table.length > 200, `COMMAND answered ${table.length} commands`);
    assert.deepEqual(unreviewed, [], 'review these in src/engines/redis/redis-command-safety.ts');
  });
  test('redact', () => {
    assert.equal(kv.redact!(stmt('AUTH hunter2')), 'AUTH ***');
    assert.equal(kv.redact!({ text: '', line: 1, args: ['config', 'set', 'requirepass', 'x y'] }), 'config set requirepass ***');
    assert.equal(kv.redact!(stmt('set a "b c"')), 'set a "b c"');
  });
});
