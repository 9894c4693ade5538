/**
 * The kv engine behind Sentinel (redis-sentinel.ts), against a master, its replica and three real Sentinels
 * (test/support/sentinel-set.ts), plus Sentinels that give wrong answers: one that names the replica as the
 * master (the role check must catch it and ask the next Sentinel), a plain Redis that is no Sentinel, a port
 * nobody listens on.
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { Engine } from '../../src/engines/engine.js';
import { createEngine } from '../../src/engines/redis/redis-engine.js';
import { RespParser } from '../../src/engines/redis/resp-parser.js';
import { replyItems, replyText } from '../../src/engines/redis/resp-types.js';
import { freePort } from '../support/private-servers.js';
import { DATA_PASSWORD, SENTINEL_NAME, SENTINEL_PASSWORD, startSentinelSet, type SentinelSet } from '../support/sentinel-set.js';
import { testKvUrl } from '../support/servers.js';

let set: SentinelSet;
let liar: net.Server;
let liarPort: number;
const engines: Engine[] = [];

/** a "Sentinel" that names `port` as the master of any name, whatever that server is */
function lyingSentinel(port: () => number): net.Server {
  return net.createServer((sock) => {
    const parser = new RespParser((req) => {
      const words = replyItems(req).map((w) => replyText(w).toLowerCase());
      if (words[0] === 'hello') sock.write("-ERR unknown command 'HELLO'\r\n");
      else if (words[0] === 'sentinel') sock.write(`*2\r\n$9\r\n127.0.0.1\r\n$${String(port()).length}\r\n${port()}\r\n`);
      else sock.write('+OK\r\n');
    });
    sock.on('data', (d: Buffer) => parser.feed(d));
    sock.on('error', () => undefined);
  });
}

function engine(sentinels: string[], extra: Record<string, unknown> = {}, log?: string[]): Engine {
  const e = createEngine({
    profile: 'cache',
    endpoint: { sentinels, name: SENTINEL_NAME, password: DATA_PASSWORD, sentinelPassword: SENTINEL_PASSWORD, ...extra },
    connectTimeoutMs: 5000, readonly: false,
    verbose: (line) => log?.push(line), warn: () => undefined,
  });
  engines.push(e);
  return e;
}

const real = (): string[] => set.sentinels.map((s) => s.url);
const replicaPort = async (): Promise<number> => {
  const master = await set.masterPort();
  return set.nodes.find((n) => n.port !== master)!.port;
};
/** the first word of ROLE's reply */
async function roleOf(kv: Engine): Promise<unknown> {
  const r = await kv.execute({ text: 'role', line: 1 });
  return r.kind === 'value' ? (r.codec.json(r.value) as unknown[])[0] : undefined;
}

beforeAll(async () => {
  set = await startSentinelSet();
  const replica = await replicaPort();
  liar = lyingSentinel(() => replica);
  liarPort = await freePort();
  await new Promise<void>((r) => liar.listen(liarPort, '127.0.0.1', () => r()));
}, 90_000);

afterAll(async () => {
  for (const e of engines) await e.close().catch(() => undefined);
  await new Promise((r) => liar?.close(r));
  await set?.stop();
});

describe('kv behind Sentinel', () => {
  test('a Sentinel naming a replica as the master: ROLE says so, the next Sentinel is asked', async () => {
    const log: string[] = [];
    const kv = engine([`redis://127.0.0.1:${liarPort}`, ...real()], {}, log);
    await kv.connect();
    const master = await set.masterPort();
    assert.equal(kv.endpoint, `redis://127.0.0.1:${master}/0 (master of ${SENTINEL_NAME}, via Sentinel)`);
    assert.equal(await roleOf(kv), 'master');
    const replica = await replicaPort();
    assert.ok(log.some((l) => l.includes(`Sentinel 127.0.0.1:${liarPort}: the master of ${SENTINEL_NAME} is 127.0.0.1:${replica}`)), log.join('\n'));
  });

  test('a port nobody listens on and a Redis that is no Sentinel are passed over', async () => {
    const kv = engine([`redis://127.0.0.1:${await freePort()}`, testKvUrl(), ...real()]);
    await kv.connect();
    assert.match(kv.endpoint, /\(master of mymaster, via Sentinel\)$/);
  });

  test('only wrong answers: exit 3 after the bounded rounds, saying what each Sentinel said', async () => {
    const kv = engine([`redis://127.0.0.1:${liarPort}`]);
    await assert.rejects(kv.connect(), (e: Error & { exitCode?: number }) => {
      assert.equal(e.exitCode, 3);
      assert.match(e.message, /no Sentinel gave a reachable master of 'mymaster' after 5 rounds: .* named 127\.0\.0\.1:\d+, which is a replica/);
      return true;
    });
  });

  test('role: replica: the engine says it is read-only; reads work; writes classify as writes', async () => {
    const kv = engine(real(), { role: 'replica' });
    await kv.connect();
    assert.equal(kv.readOnlyReason, `profile 'cache' reaches a replica of ${SENTINEL_NAME} (role: replica)`);
    assert.equal((await kv.classify({ text: 'set a b', line: 1 })).write, true);
    assert.equal((await kv.classify({ text: 'get a', line: 1 })).write, false);
    assert.equal(await roleOf(kv), 'slave');
  });

  test('a wrong Sentinel password is a login error naming the Sentinel', async () => {
    const kv = engine(real().slice(0, 1), { sentinelPassword: 'wrong' });
    await assert.rejects(kv.connect(), (e: Error & { exitCode?: number }) => {
      assert.equal(e.exitCode, 3);
      assert.match(e.message, /no Sentinel reachable .*cannot log in to Sentinel 127\.0\.0\.1:\d+/);
      assert.ok(!e.message.includes('wrong'));
      return true;
    });
  });
});
