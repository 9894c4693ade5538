/**
 * Redis Cluster failover, through the built CLI, on a six-node cluster (three masters, three replicas) the test
 * starts (test/support/cluster-set.ts): a replica promoted with CLUSTER FAILOVER between two commands of a shell
 * session and before a one-shot command, then a master killed (SIGKILL) — the profile's only seed node — and
 * commands to its slots succeeding once its replica has taken over, within dbx's bounded retries.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { freePort, startRedis, waitFor } from '../support/private-servers.js';
import { PtySession } from '../support/pty-session.js';
import { runDbx } from '../support/run-dbx.js';
import { scratchDir } from '../support/temp-dir.js';
import { startClusterSet, type ClusterSet } from '../support/cluster-set.js';
import { MAX_RETRIES } from '../../src/engines/redis/redis-cluster.js';

let cluster: ClusterSet;
let dir: string;
let config: string;
let seed: number;
const sessions: PtySession[] = [];

const dbx = (...args: string[]) => runDbx(['--config', config, '-p', 'cl', ...args], { timeoutMs: 60_000 });

/** CLUSTER FAILOVER on the replica of `master`; waits until every node sees it; returns the new master */
async function promoteReplicaOf(master: number): Promise<number> {
  const replica = await cluster.replicaOf(master);
  assert.equal(await cluster.cli(replica, 'cluster', 'failover'), 'OK');
  await waitFor(async () => (await cluster.cli(replica, 'role')).startsWith('master'), `${replica} promoted`, 30_000);
  await cluster.settled();
  return replica;
}

beforeAll(async () => {
  cluster = await startClusterSet();
  dir = scratchDir('dbx-cluster-failover-');
  config = join(dir, 'dbx.yaml');
  seed = (await cluster.masters())[0]!.port;
  // one seed only, the master killed last: dbx must then read the map from the nodes the map named
  writeFileSync(config, `profiles:\n  cl:\n    kv: { cluster: [ "redis://127.0.0.1:${seed}" ] }\n`);
}, 120_000);

afterAll(async () => {
  for (const s of sessions) s.close();
  await cluster?.stop();
});

describe('Redis Cluster failover', () => {
  test('cluster-wide commands say so on stderr; FLUSHALL asks for confirmation even under safety: off', async () => {
    const masters = await cluster.masters();
    for (const [i, m] of masters.entries()) await cluster.cli(m.port, 'set', await cluster.keyOn(m.port, `wide${i}:`), 'x');
    const size = await dbx('kv', 'dbsize');
    assert.equal(size.code, 0, size.stderr);
    assert.equal(size.stdout, '(integer) 3\n');
    assert.match(size.stderr, /^note: kv: DBSIZE on a Redis Cluster: the sum over its 3 masters$/m);
    // a note, not a warning: -q leaves only the reply; --json makes it a JSON line
    const quiet = await dbx('-q', 'kv', 'dbsize');
    assert.equal(quiet.stderr, '');
    const json = await dbx('--json', 'kv', 'dbsize');
    assert.deepEqual(JSON.parse(json.stderr.trim().split('\n')[0]!), { note: { message: 'kv: DBSIZE on a Redis Cluster: the sum over its 3 masters' } });
    const refused = await dbx('kv', 'flushall');
    assert.equal(refused.code, 4, refused.stderr);
    assert.match(refused.stderr, /NOT_CONFIRMED: refused: these must be confirmed \(FLUSHALL on a Redis Cluster empties every master\) and there is no TTY to ask/);
    assert.equal((await dbx('kv', 'dbsize')).stdout, '(integer) 3\n');
    const flushed = await dbx('--yes', 'kv', 'flushall');
    assert.equal(flushed.code, 0, flushed.stderr);
    assert.match(flushed.stderr, /FLUSHALL on a Redis Cluster: sent to its 3 masters/);
    assert.equal((await dbx('kv', 'dbsize')).stdout, '(integer) 0\n');
  }, 60_000);

  test('fan-out over cluster profiles: FLUSHALL is asked about once on the terminal for the set, whatever the safety', async () => {
    const other = (await cluster.masters()).find((m) => m.port !== seed)!.port;
    const fanConfig = join(dir, 'fan.yaml');
    writeFileSync(fanConfig, `profiles:\n  c1:\n    kv: { cluster: [ "redis://127.0.0.1:${seed}" ] }\n  c2:\n    kv: { cluster: [ "redis://127.0.0.1:${other}" ] }\n`);
    await cluster.cli(seed, 'set', await cluster.keyOn(seed, 'fanflush:'), 'x');
    const s = new PtySession(['--config', fanConfig, '-p', 'c1,c2', 'kv', 'flushall'], { env: { XDG_STATE_HOME: dir } });
    sessions.push(s);
    await s.expect(/Profiles 'c1' \(.*\), 'c2' \(.*\): about to run\n\s+flushall\nType yes to continue: $/, 20_000);
    s.send('no\r');
    assert.equal(await s.exited(), 4);
    assert.equal(s.output.match(/Type yes/g)!.length, 1);
    assert.equal((await dbx('kv', 'dbsize')).stdout, '(integer) 1\n', 'nothing was flushed');
    await dbx('--yes', '-q', 'kv', 'flushall');
  }, 60_000);

  test('CLUSTER FAILOVER between two commands of a shell session', async () => {
    const masters = await cluster.masters();
    const victim = masters[1]!.port;
    const key = await cluster.keyOn(victim, 'fo:shell:');
    const s = new PtySession(['--config', config, '-p', 'cl', 'kv'], { env: { PAGER: 'cat', XDG_STATE_HOME: dir } });
    sessions.push(s);
    await s.expect(/dbx kv cl:0> $/, 20_000);
    s.send(`set ${key} before\r`);
    await s.expect(/OK\ndbx kv cl:0> $/);
    const promoted = await promoteReplicaOf(victim);
    s.send(`set ${key} after\r`);
    await s.expect(/OK\ndbx kv cl:0> $/, 30_000);
    s.send(`get ${key}\r`);
    await s.expect(/"after"\ndbx kv cl:0> $/, 30_000);
    assert.equal(await cluster.cli(promoted, 'get', key), 'after');
    s.send('exit\r');
    assert.equal(await s.exited(), 0);
  }, 120_000);

  test('CLUSTER FAILOVER before a one-shot command', async () => {
    const victim = (await cluster.masters())[2]!.port;
    const key = await cluster.keyOn(victim, 'fo:oneshot:');
    assert.equal((await dbx('kv', 'set', key, 'one')).code, 0);
    const promoted = await promoteReplicaOf(victim);
    const r = await dbx('kv', 'incr', `{${key}}n`);
    assert.equal(r.code, 0, r.stderr);
    const g = await dbx('kv', 'get', key);
    assert.equal(g.stdout, '"one"\n', g.stderr);
    assert.equal(await cluster.cli(promoted, 'get', key), 'one');
  }, 120_000);

  test('a master killed (SIGKILL): commands to its slots succeed once its replica took over, in the shell and one-shot', async () => {
    const victim = cluster.nodes.find((n) => n.port === seed)!;
    const key = await cluster.keyOn(seed, 'fo:kill:');
    const other = await cluster.keyOn((await cluster.masters()).find((m) => m.port !== seed)!.port, 'fo:kill-other:');
    const replica = await cluster.replicaOf(seed);
    const s = new PtySession(['--config', config, '-p', 'cl', 'kv'], { env: { PAGER: 'cat', XDG_STATE_HOME: dir } });
    sessions.push(s);
    await s.expect(/dbx kv cl:0> $/, 20_000);
    s.send(`set ${key} v1\r`);
    await s.expect(/OK\ndbx kv cl:0> $/);
    await cluster.cli(seed, 'wait', '1', '5000');
    process.kill(victim.pid, 'SIGKILL');
    // at once: dbx retries (connection refused, CLUSTERDOWN) until the replica is master
    s.send(`get ${key}\r`);
    await s.expect(/"v1"\ndbx kv cl:0> $/, 30_000);
    s.send(`set ${other} v2\r`);
    await s.expect(/OK\ndbx kv cl:0> $/, 30_000);
    s.send('exit\r');
    assert.equal(await s.exited(), 0);
    assert.ok((await cluster.cli(replica, 'role')).startsWith('master'));
    // a one-shot command whose only seed is the dead node: the map comes from no node it can reach
    const dead = await dbx('kv', 'get', key);
    assert.equal(dead.code, 3, dead.stderr);
    assert.match(dead.stderr, new RegExp(`127\\.0\\.0\\.1:${seed}.*connection refused`));
    // with a live seed listed as well, it reaches the new master
    writeFileSync(config, `profiles:\n  cl:\n    kv: { cluster: [ "redis://127.0.0.1:${seed}", "redis://127.0.0.1:${replica}" ] }\n`);
    const r = await dbx('kv', 'get', key);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '"v1"\n');
  }, 120_000);
});

describe('a cluster that stays down', () => {
  test('CLUSTERDOWN is retried MAX_RETRIES times with backoff, then reported (exit 1); --timeout cuts the retries short', async () => {
    // one cluster node serving no slot: every command is answered CLUSTERDOWN, for ever
    const node = await startRedis({ port: await freePort(10000), args: ['--cluster-enabled', 'yes'] });
    try {
      const downConfig = join(dir, 'down.yaml');
      writeFileSync(downConfig, `profiles:\n  down:\n    kv: { cluster: [ "redis://127.0.0.1:${node.port}" ] }\n`);
      const r = await runDbx(['--config', downConfig, '-p', 'down', '-v', 'kv', 'get', 'k'], { timeoutMs: 60_000 });
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stderr.match(/CLUSTERDOWN Hash slot not served; retrying/g)?.length, MAX_RETRIES);
      assert.match(r.stderr, /ERROR \[kv .*\] CLUSTERDOWN: Hash slot not served/);
      const cut = await runDbx(['--config', downConfig, '-p', 'down', '--timeout', '800', 'kv', 'get', 'k'], { timeoutMs: 60_000 });
      assert.equal(cut.code, 1, cut.stderr);
      assert.match(cut.stderr, /TIMEOUT/);
    } finally {
      await node.stop();
    }
  }, 90_000);
});
