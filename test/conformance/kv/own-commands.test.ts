/**
 * dbx never adds its own commands to the user's: hint lookups (COMMAND DOCS / INFO), safety flags, completion and
 * the server version go over a connection of dbx's own, opened only when needed, so they are never queued in the
 * user's MULTI nor run under their SELECT, WATCH or RESP version.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../../../src/engines/engine.js';
import { createEngine } from '../../../src/engines/redis/redis-engine.js';
import { Completer } from '../../../src/repl/repl-completer.js';
import { dbxIn, dbxKv, load, redisCli, startConformanceServer, type Servers } from './harness.js';

let s: Servers;
beforeAll(async () => {
  s = await startConformanceServer();
  await load(s.server, [['FLUSHALL'], ['HSET', 'h', 'a', '1']]);
});
afterAll(async () => {
  await s?.stop();
});

async function connectionsReceived(): Promise<number> {
  const info = (await redisCli(s.server, ['info', 'stats'])).stdout.toString();
  return Number(/total_connections_received:(\d+)/.exec(info)![1]);
}

describe("a failing line's hint lookup is not queued in a later MULTI", () => {
  test('EXEC returns only the user\'s commands (the defect: an extra {"get": docs} element)', async () => {
    const r = await dbxKv(s, [], { before: ['--force', '--json'], input: 'GET\nMULTI\nHGETALL h\nEXEC\n' });
    expect(r.code).toBe(1);
    expect(r.stdout.toString().split('\n')).toEqual(['"OK"', '"QUEUED"', '[{"a":"1"}]', '']);
    expect(JSON.parse(r.stderr.split('\n')[0]!).error.hint).toBe('usage: GET key');
  });

  test('inside the MULTI too: the hint still comes, EXECABORT discards only what the user queued', async () => {
    const r = await dbxKv(s, [], { before: ['--force'], input: 'MULTI\nSET k 1\nGET\nEXEC\nGET k\n' });
    expect(r.stderr).toContain('hint: usage: GET key');
    expect(r.stderr).toContain('EXECABORT');
    expect(r.stdout.toString()).toBe('OK\nQUEUED\n(nil)\n');
  });

  test('--transaction: a command refused at queue time gets its hint, and DISCARD leaves nothing behind', async () => {
    const r = await dbxKv(s, [], { before: ['--transaction'], input: 'set t1 1\nhget h\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('hint: usage: HGET key field');
    expect((await redisCli(s.server, ['exists', 't1'])).stdout.toString()).toBe('0\n');
  });
});

describe('the engine: classify and completion inside the user\'s MULTI', () => {
  let kv: Engine;
  beforeAll(async () => {
    kv = createEngine({
      profile: 't', endpoint: `redis://127.0.0.1:${s.server.port}/0`, connectTimeoutMs: 5000, readonly: false,
      verbose: () => undefined, warn: () => undefined,
    });
    await kv.connect();
  });
  afterAll(async () => {
    await kv.close();
  });

  test('COMMAND INFO for safety and COMMAND LIST for Tab are not queued', async () => {
    await kv.execute({ text: 'multi', line: 1 });
    await kv.execute({ text: 'set x 1', line: 2 });
    expect(await kv.classify({ text: 'flushdb', line: 3 })).toEqual({ write: true, destructive: true });
    const [names] = await new Completer(kv).complete('hgeta');
    expect(names).toEqual(['hgetall']);
    const exec = await kv.execute({ text: 'exec', line: 4 });
    expect(exec.kind === 'value' && exec.codec.display!(exec.value)).toBe('1) OK');
  });

  test('the server version comes from the handshake', async () => {
    expect(await kv.serverVersion!()).toMatch(/^7\.\d+\.\d+$/);
  });
});

describe('the connection of dbx\'s own is opened only when needed', () => {
  test('a command that succeeds opens one connection, a failing one a second for its hint', async () => {
    let before = await connectionsReceived();
    expect((await dbxKv(s, ['get', 'x'])).code).toBe(0);
    expect(await connectionsReceived()).toBe(before + 2); // dbx's, and this INFO's own redis-cli
    before = await connectionsReceived();
    expect((await dbxKv(s, ['get'])).code).toBe(1);
    expect(await connectionsReceived()).toBe(before + 3);
  });

  test('dbx ping shows the Redis version', async () => {
    const config = join(s.cwd, 'ping.yaml');
    writeFileSync(config, `profiles:\n  r:\n    kv: redis://127.0.0.1:${s.server.port}/0\n`);
    const r = await dbxIn(['--config', config, '-p', 'r', 'ping']);
    rmSync(config);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toMatch(/^kv\s+ok\s+redis:\/\/127\.0\.0\.1:\d+\/0\s+7\.\d+\.\d+\s+\d+ ms\n$/);
  });
});
