/**
 * The fault-injection proxy (test/support/fault-proxy.ts) against a loopback server that sends a known byte stream
 * and echoes what it receives: each fault strikes at its offset, in its direction, and close() ends everything.
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startFaultProxy, type Fault, type FaultProxy } from '../support/fault-proxy.js';

const SIZE = 1024 * 1024;
/** byte i of the server's stream is i % 251 (made once: building it on every request took longer than a quiet
 * period on a loaded machine) */
const STREAM = Buffer.alloc(SIZE);
for (let i = 0; i < SIZE; i++) STREAM[i] = i % 251;
const pattern = (n: number): Buffer => STREAM.subarray(0, n);

let target: net.Server;
let targetPort: number;
const received: Buffer[] = []; // what the target got from clients ("up")

beforeAll(async () => {
  target = net.createServer((s) => {
    s.on('error', () => {});
    s.on('data', (d: Buffer) => {
      received.push(d);
      if (d.toString() === 'send') s.end(pattern(SIZE));
    });
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', () => r()));
  targetPort = (target.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await new Promise((r) => target.close(r));
});

interface Outcome {
  data: Buffer;
  /** 'end' | 'close' (destroyed) | 'timeout' (nothing happened for `quietMs`) */
  how: 'end' | 'close' | 'timeout';
  ms: number;
}

/**
 * Connect through the proxy, say `send`, collect what comes back until the stream ends, closes or goes quiet for
 * `quietMs` (short where silence is the expected outcome; long where an end is, so a loaded machine's pause is no
 * false 'timeout').
 */
function fetchThrough(proxy: FaultProxy, quietMs = 10_000, hello = 'send'): Promise<Outcome> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const chunks: Buffer[] = [];
    const sock = net.connect({ host: '127.0.0.1', port: proxy.port });
    let quiet: NodeJS.Timeout;
    const done = (how: Outcome['how']): void => {
      clearTimeout(quiet);
      sock.destroy();
      resolve({ data: Buffer.concat(chunks), how, ms: Date.now() - t0 });
    };
    const arm = (): void => {
      clearTimeout(quiet);
      quiet = setTimeout(() => done('timeout'), quietMs);
    };
    sock.on('connect', () => {
      sock.write(hello);
      arm();
    });
    sock.on('data', (d: Buffer) => {
      chunks.push(d);
      arm();
    });
    sock.on('end', () => done('end'));
    sock.on('close', () => done('close'));
    sock.on('error', () => {});
  });
}

async function withProxy<T>(fault: Fault, fn: (p: FaultProxy) => Promise<T>): Promise<T> {
  const p = await startFaultProxy({ target: { host: '127.0.0.1', port: targetPort }, fault });
  try {
    return await fn(p);
  } finally {
    await p.close();
  }
}

describe('fault proxy', () => {
  test('no fault: the stream passes byte for byte', async () => {
    const out = await withProxy({ kind: 'none' }, (p) => fetchThrough(p));
    assert.equal(out.how, 'end');
    assert.ok(out.data.equals(pattern(SIZE)));
  });

  test('stall down at 256 KiB: exactly that many bytes arrive, the socket stays open; release() lets the rest through', async () => {
    await withProxy({ kind: 'stall', after: 256 * 1024, direction: 'down' }, async (p) => {
      const out = await fetchThrough(p, 700);
      assert.equal(out.how, 'timeout');
      assert.equal(out.data.length, 256 * 1024);
      assert.ok(out.data.equals(pattern(256 * 1024)));
      await p.faulted;
      // a second connection stalls too; this time release it
      const second = fetchThrough(p);
      await new Promise((r) => setTimeout(r, 300));
      p.release();
      const out2 = await second;
      assert.equal(out2.how, 'end');
      assert.ok(out2.data.equals(pattern(SIZE)));
    });
  });

  test('cut down at 100000: the client gets those bytes, then its socket is closed', async () => {
    const out = await withProxy({ kind: 'cut', after: 100_000, direction: 'down' }, (p) => fetchThrough(p, 3000));
    assert.notEqual(out.how, 'timeout');
    assert.equal(out.data.length, 100_000);
  });

  test('cut with reset', async () => {
    const out = await withProxy({ kind: 'cut', after: 10, direction: 'down', reset: true }, (p) => fetchThrough(p, 3000));
    assert.notEqual(out.how, 'timeout');
    assert.ok(out.data.length <= 10);
  });

  test('stall up: the request never reaches the server', async () => {
    const before = received.length;
    const out = await withProxy({ kind: 'stall', after: 0, direction: 'up' }, (p) => fetchThrough(p, 500));
    assert.equal(out.how, 'timeout');
    assert.equal(out.data.length, 0);
    assert.equal(received.length, before);
  });

  test('corrupt: 8 bytes at offset 1000 are flipped, the rest is intact', async () => {
    const out = await withProxy({ kind: 'corrupt', after: 1000, length: 8, direction: 'down' }, (p) => fetchThrough(p));
    assert.equal(out.data.length, SIZE);
    const want = pattern(SIZE);
    for (let i = 1000; i < 1008; i++) want[i] ^= 0xff;
    assert.ok(out.data.equals(want));
  });

  test('delay: bytes after the offset arrive late but complete', async () => {
    const out = await withProxy({ kind: 'delay', after: 0, ms: 400, direction: 'down' }, (p) => fetchThrough(p));
    assert.equal(out.how, 'end');
    assert.ok(out.data.equals(pattern(SIZE)));
    assert.ok(out.ms >= 380, `took ${out.ms} ms`);
  });

  test('connection: only the chosen connection is faulted', async () => {
    await withProxy({ kind: 'stall', after: 0, direction: 'down', connection: 1 }, async (p) => {
      const first = await fetchThrough(p);
      assert.equal(first.data.length, SIZE);
      const second = await fetchThrough(p, 400);
      assert.equal(second.data.length, 0);
      assert.equal(p.connections, 2);
    });
  });

  test('blackhole: accepts, reads, never answers', async () => {
    const p = await startFaultProxy({ fault: { kind: 'blackhole' } });
    try {
      const out = await fetchThrough(p, 500);
      assert.equal(out.how, 'timeout');
      assert.equal(out.data.length, 0);
      await p.faulted;
    } finally {
      await p.close();
    }
  });

  test('service ssh greets with a banner; http answers 400 and closes', async () => {
    const ssh = await startFaultProxy({ fault: { kind: 'service', service: 'ssh' } });
    const http = await startFaultProxy({ fault: { kind: 'service', service: 'http' } });
    try {
      const a = await fetchThrough(ssh, 400);
      assert.match(a.data.toString(), /^SSH-2\.0-/);
      const b = await fetchThrough(http, 10_000, 'GET / HTTP/1.1\r\n\r\n');
      assert.equal(b.how === 'end' || b.how === 'close', true);
      assert.match(b.data.toString(), /^HTTP\/1\.1 400/);
    } finally {
      await ssh.close();
      await http.close();
    }
  });

  test('close() ends stalled connections and refuses a non-loopback target', async () => {
    const p = await startFaultProxy({ target: { host: '127.0.0.1', port: targetPort }, fault: { kind: 'stall', after: 0 } });
    const pending = fetchThrough(p, 5000);
    await p.faulted;
    await p.close();
    const out = await pending;
    assert.notEqual(out.how, 'timeout');
    await assert.rejects(startFaultProxy({ target: { host: '10.0.0.1', port: 1 } }), /loopback/);
  });
});
