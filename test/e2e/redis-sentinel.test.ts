/**
 * Redis behind Sentinel, through the built CLI: a master, its replica and three `redis-server --sentinel` on free
 * loopback ports (test/support/sentinel-set.ts). dbx asks the Sentinels where the master is (`dbx ping` shows it),
 * `role: replica` reaches the replica and refuses writes (exit 4), an unknown name and unreachable Sentinels are
 * exit 3 saying so, and a failover (SENTINEL FAILOVER) between two commands of a shell session and before a
 * one-shot command is followed to the new master.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { freePort } from '../support/private-servers.js';
import { PtySession } from '../support/pty-session.js';
import { runDbx } from '../support/run-dbx.js';
import { scratchDir } from '../support/temp-dir.js';
import { DATA_PASSWORD, SENTINEL_NAME, SENTINEL_PASSWORD, startSentinelSet, type SentinelSet } from '../support/sentinel-set.js';

let set: SentinelSet;
let dir: string;
let config: string;
let deadPorts: number[];
const env = { CACHE_PW: DATA_PASSWORD, SENTINEL_PW: SENTINEL_PASSWORD };
const sessions: PtySession[] = [];

const dbx = (...args: string[]) => runDbx(['--config', config, ...args], { env });

beforeAll(async () => {
  set = await startSentinelSet();
  dir = scratchDir('dbx-sentinel-e2e-');
  config = join(dir, 'dbx.yaml');
  deadPorts = [await freePort(), await freePort()];
  const sentinels = set.sentinels.map((s) => `"redis://127.0.0.1:${s.port}"`).join(', ');
  const auth = 'password: "${CACHE_PW}", sentinelPassword: "${SENTINEL_PW}"';
  writeFileSync(config, [
    'profiles:',
    '  cache:',
    `    kv: { sentinels: [ ${sentinels} ], name: ${SENTINEL_NAME}, ${auth} }`,
    '  cache-ro:',
    `    kv: { sentinels: [ ${sentinels} ], name: ${SENTINEL_NAME}, role: replica, ${auth} }`,
    '  unknown-name:',
    `    kv: { sentinels: [ ${sentinels} ], name: nosuchmaster, ${auth} }`,
    '  no-sentinel:',
    `    kv: { sentinels: [ ${deadPorts.map((p) => `"redis://127.0.0.1:${p}"`).join(', ')} ], name: ${SENTINEL_NAME} }`,
    '',
  ].join('\n'));
}, 90_000);

afterAll(async () => {
  for (const s of sessions) s.close();
  await set?.stop();
});

describe('Redis Sentinel', () => {
  test('dbx ping shows the master the Sentinels named', async () => {
    const master = await set.masterPort();
    const r = await dbx('ping', '-p', 'cache');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^kv\\s+ok\\s+redis://127\\.0\\.0\\.1:${master}/0 \\(master of ${SENTINEL_NAME}, via Sentinel\\)`));
  });

  test('commands go to the master; the URL form does the same', async () => {
    const master = await set.masterPort();
    const r = await dbx('kv', '-p', 'cache', 'set', 'sentinel:a', 'one');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await set.cli(master, 'get', 'sentinel:a'), 'one');
    const hosts = set.sentinels.map((s) => `127.0.0.1:${s.port}`).join(',');
    const url = `redis-sentinel://:${DATA_PASSWORD}@${hosts}/0?name=${SENTINEL_NAME}&sentinelPassword=${SENTINEL_PASSWORD}`;
    const viaUrl = await runDbx(['--url', url, 'kv', 'get', 'sentinel:a']);
    assert.equal(viaUrl.code, 0, viaUrl.stderr);
    assert.equal(viaUrl.stdout, '"one"\n');
  });

  test('role: replica reads from a replica and refuses writes before sending them (exit 4)', async () => {
    const master = await set.masterPort();
    const replica = set.nodes.find((n) => n.port !== master)!.port;
    await set.cli(master, 'set', 'sentinel:ro', 'x');
    await set.cli(master, 'wait', '1', '5000');
    const role = await dbx('kv', '-p', 'cache-ro', 'role');
    assert.equal(role.code, 0, role.stderr);
    assert.match(role.stdout, /^1\) "slave"/);
    const ping = await dbx('ping', '-p', 'cache-ro');
    assert.match(ping.stdout, new RegExp(`redis://127\\.0\\.0\\.1:${replica}/0 \\(a replica of ${SENTINEL_NAME}, via Sentinel\\)`));
    const write = await dbx('kv', '-p', 'cache-ro', 'set', 'sentinel:ro', 'y');
    assert.equal(write.code, 4, write.stderr);
    assert.match(write.stderr, /READ_ONLY: refused: profile 'cache-ro' reaches a replica of mymaster \(role: replica\) and this statement writes: set sentinel:ro y/);
    assert.equal(await set.cli(master, 'get', 'sentinel:ro'), 'x');
  });

  test('a master name the Sentinels do not know: exit 3 saying so', async () => {
    const r = await dbx('kv', '-p', 'unknown-name', 'get', 'k');
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /the Sentinels know no master named 'nosuchmaster'/);
  });

  test('no Sentinel reachable: exit 3 naming them', async () => {
    const r = await dbx('kv', '-p', 'no-sentinel', 'get', 'k');
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, new RegExp(`no Sentinel reachable \\(127\\.0\\.0\\.1:${deadPorts[0]}, 127\\.0\\.0\\.1:${deadPorts[1]}\\)`));
  });

  test('profile show masks both passwords', async () => {
    const r = await runDbx(['--config', config, 'profile', 'show', 'cache', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const shown = JSON.parse(r.stdout) as { kv: Record<string, unknown> };
    assert.equal(shown.kv.password, '***');
    assert.equal(shown.kv.sentinelPassword, '***');
  });

  test('a failover between two commands of a shell session: the next command reaches the new master', async () => {
    const before = await set.masterPort();
    const s = new PtySession(['--config', config, '-p', 'cache', 'kv'], { env: { ...env, PAGER: 'cat', XDG_STATE_HOME: dir } });
    sessions.push(s);
    await s.expect(/dbx kv cache:0> $/, 20_000);
    s.send('set sentinel:shell before\r');
    await s.expect(/OK\ndbx kv cache:0> $/);
    const after = await set.failover();
    assert.notEqual(after, before);
    s.send('set sentinel:shell after\r');
    await s.expect(/OK\ndbx kv cache:0> $/, 20_000);
    assert.equal(await set.cli(after, 'get', 'sentinel:shell'), 'after');
    s.send('role\r');
    await s.expect(/1\) "master"[\s\S]*dbx kv cache:0> $/);
    s.send('exit\r');
    assert.equal(await s.exited(), 0);
    assert.match(s.output, new RegExp(`mymaster has failed over: the master is now 127\\.0\\.0\\.1:${after} \\(was 127\\.0\\.0\\.1:${before}\\)`));
  }, 120_000);

  test('a one-shot command after a failover goes to the new master', async () => {
    const after = await set.failover();
    const r = await dbx('kv', '-p', 'cache', 'set', 'sentinel:oneshot', 'yes');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await set.cli(after, 'get', 'sentinel:oneshot'), 'yes');
    const ping = await dbx('ping', '-p', 'cache');
    assert.match(ping.stdout, new RegExp(`redis://127\\.0\\.0\\.1:${after}/0 \\(master of`));
  }, 120_000);
});
