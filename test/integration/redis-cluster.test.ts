/**
 * Redis Cluster: starts three `redis-server --cluster-enabled yes` nodes on free loopback ports (private-servers.ts),
 * joins them with `redis-cli --cluster create`, drives the kv engine across slots (and through a MOVED after a
 * slot migration), then stops the nodes.
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Engine, Result } from '../../src/engines/engine.js';
import { createEngine } from '../../src/engines/redis/redis-engine.js';
import { keySlot } from '../../src/engines/redis/redis-slot-map.js';
import { flat } from '../support/flat.js';
import { freePort, startRedis, waitFor, type PrivateServer } from '../support/private-servers.js';

const exec = promisify(execFile);
const servers: PrivateServer[] = [];
let ports: number[] = [];
let kv: Engine;
const notes: string[] = [];

const cli = async (port: number, ...args: string[]): Promise<string> =>
  (await exec('redis-cli', ['-p', String(port), ...args])).stdout.trim();

async function json(text: string): Promise<unknown> {
  const r: Result = await kv.execute({ text, line: 1 });
  if (r.kind === 'value') return r.codec.json(r.value);
  assert.equal(r.kind, 'rows');
  const out: unknown[] = [];
  for await (const row of r.rows) out.push(r.codec.json(row.value));
  return out;
}

beforeAll(async () => {
  for (let i = 0; i < 3; i++) {
    const port = await freePort(10000); // the cluster bus listens on port + 10000
    servers.push(await startRedis({ port, args: ['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`] }));
  }
  ports = servers.map((s) => s.port);
  await exec('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
  for (const port of ports) {
    await waitFor(async () => (await cli(port, 'cluster', 'info')).includes('cluster_state:ok'), `cluster state on ${port}`);
  }
  kv = createEngine({
    profile: 'cluster', endpoint: { cluster: [`redis://127.0.0.1:${ports[0]}`] }, connectTimeoutMs: 5000,
    readonly: false, verbose: () => undefined, warn: () => undefined, note: (line) => notes.push(line),
  });
  await kv.connect();
});

afterAll(async () => {
  await kv?.close();
  await Promise.all(servers.map((s) => s.stop()));
});

describe('Redis Cluster', () => {
  const keys = Array.from({ length: 30 }, (_, i) => `key:${i}`);

  test('set / get across slots, one command at a time', async () => {
    for (const k of keys) assert.equal(await json(`set ${k} v-${k}`), 'OK');
    for (const k of keys) assert.equal(await json(`get ${k}`), `v-${k}`);
    // each key lives on exactly one node, and the keys are spread over several nodes
    const owners = new Set<number>();
    for (const k of keys) {
      const counts = await Promise.all(ports.map((p) => cli(p, 'cluster', 'countkeysinslot', String(keySlot(k)))));
      assert.equal(counts.filter((c) => c !== '0').length, 1, k);
      owners.add(counts.findIndex((c) => c !== '0'));
    }
    assert.ok(owners.size > 1, 'keys on more than one node');
  });

  test('a pipelined batch across nodes keeps its order', async () => {
    const stmts = kv.split(keys.map((k) => `incr n:${k}`).concat(keys.map((k) => `get n:${k}`)).join('\n'));
    const got: unknown[] = [];
    for await (const o of flat(kv.executeBatch!(stmts))) {
      assert.equal(o.error, undefined);
      got.push(o.result!.kind === 'value' ? o.result!.codec.json(o.result!.value) : undefined);
    }
    assert.deepEqual(got, [...keys.map(() => 1), ...keys.map(() => '1')]);
  });

  test('stopAtError: a failing line stops the pipeline; at most 999 lines after it (one pipeline of 1,000) had been sent', async () => {
    await json('set cluster-str x');
    const stmts = kv.split(['lpush cluster-str x', ...Array.from({ length: 2000 }, (_, i) => `incr bound:${i % 50}`)].join('\n'));
    let after = 0;
    let failed = 0;
    for await (const o of flat(kv.executeBatch!(stmts, { stopAtError: true }))) {
      if (o.afterFailure) after++;
      else if (o.error) failed++;
    }
    assert.equal(failed, 1);
    assert.equal(after, 999);
    let total = 0;
    for (let i = 0; i < 50; i++) total += Number(await json(`get bound:${i}`));
    assert.equal(total, 999, 'the lines after the failing one that ran, and no more');
  });

  test('keys * visits every master', async () => {
    const all = (await json('keys key:*')) as string[];
    assert.deepEqual(all, [...keys].sort());
  });

  test('MULTI / EXEC on one slot (hash tag)', async () => {
    await kv.transaction!.begin();
    assert.equal(await json('set {t}a 1'), 'QUEUED');
    assert.equal(await json('incr {t}a'), 'QUEUED');
    const r = await kv.transaction!.commit();
    assert.deepEqual(r && r.kind === 'value' ? r.codec.json(r.value) : undefined, ['OK', 2]);
  });

  test('a MULTI pinned to the seed node: key positions are looked up on dbx\'s own connection, not queued in it', async () => {
    // a hash tag the seed node owns: before, COMMAND INFO went to the seed's connection, inside the MULTI
    let n = 0;
    while (!(await cli(ports[0]!, 'set', `{seed${n}}probe`, '1')).startsWith('OK')) n++;
    const tag = `{seed${n}}`;
    await kv.transaction!.begin();
    assert.equal(await json(`hset ${tag}h f v`), 'QUEUED');
    assert.equal(await json(`zadd ${tag}z 1 m`), 'QUEUED');
    const r = await kv.transaction!.commit();
    assert.deepEqual(r && r.kind === 'value' ? r.codec.json(r.value) : undefined, [1, 1]);
  });

  test('after a slot moves, MOVED is followed', async () => {
    const key = 'moving-key';
    await json(`set ${key} before`);
    const slot = String(keySlot(key));
    const ids = await Promise.all(ports.map((p) => cli(p, 'cluster', 'myid')));
    const counts = await Promise.all(ports.map((p) => cli(p, 'cluster', 'countkeysinslot', slot)));
    const from = counts.indexOf('1');
    const to = (from + 1) % 3;
    await cli(ports[to]!, 'cluster', 'setslot', slot, 'importing', ids[from]!);
    await cli(ports[from]!, 'cluster', 'setslot', slot, 'migrating', ids[to]!);
    await cli(ports[from]!, 'migrate', '127.0.0.1', String(ports[to]), key, '0', '5000');
    for (const p of ports) await cli(p, 'cluster', 'setslot', slot, 'node', ids[to]!);
    assert.equal(await json(`get ${key}`), 'before');
    assert.equal(await json(`set ${key} after`), 'OK');
    assert.equal(await cli(ports[to]!, 'get', key), 'after');
  });

  describe('cluster-wide commands', () => {
    const total = async (): Promise<number> => {
      let n = 0;
      for (const p of ports) n += Number(await cli(p, 'dbsize'));
      return n;
    };

    test('DBSIZE is the sum over every master, and says so', async () => {
      notes.length = 0;
      assert.equal(await json('dbsize'), await total());
      assert.deepEqual(notes, ['kv: DBSIZE on a Redis Cluster: the sum over its 3 masters']);
    });

    test('SCAN walks every master with one cursor, to 0', async () => {
      notes.length = 0;
      const seen = new Set<string>();
      let cursor = '0';
      let calls = 0;
      do {
        const [next, keys] = (await json(`scan ${cursor} match key:* count 5`)) as [string, string[]];
        for (const k of keys) seen.add(k);
        cursor = next;
        calls++;
      } while (cursor !== '0' && calls < 1000);
      assert.deepEqual([...seen].sort(), [...keys].sort());
      assert.ok(calls >= 3, 'at least one call per master');
      assert.deepEqual(notes, ['kv: SCAN on a Redis Cluster: the cursor walks its 3 masters in turn']);
    });

    test('KEYS says it is cluster-wide', async () => {
      notes.length = 0;
      await json('keys key:*');
      assert.deepEqual(notes, ['kv: KEYS on a Redis Cluster: a SCAN over every master']);
    });

    test('FLUSHALL must be confirmed whatever the safety, and empties every master', async () => {
      assert.equal(kv.confirmAlways!({ text: 'flushall', line: 1 }), 'FLUSHALL on a Redis Cluster empties every master');
      assert.equal(kv.confirmAlways!({ text: 'get x', line: 1 }), undefined);
      assert.ok((await total()) > 0);
      notes.length = 0;
      assert.equal(await json('flushall'), 'OK');
      assert.equal(await total(), 0);
      assert.deepEqual(notes, ['kv: FLUSHALL on a Redis Cluster: sent to its 3 masters']);
    });
  });
});
