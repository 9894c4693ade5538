/**
 * The connection handshake against a scripted fake server on a loopback port: RESP2 fallback for servers without
 * HELLO, the password prompt on NOAUTH, what the commands on the wire look like, and a Sentinel master demoted
 * without closing its clients (fake Sentinel and masters).
 */
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import net from 'node:net';
import { ConnectError } from '../../src/errors.js';
import type { Engine, Result } from '../../src/engines/engine.js';
import { createEngine } from '../../src/engines/redis/redis-engine.js';
import { flat } from '../support/flat.js';

type Answer = (words: string[]) => string;

/**
 * A server that reads RESP commands and inline lines (as Redis does: a request not starting with `*` is one
 * line), answers each with answer(words), and logs them (inline ones prefixed "inline:").
 */
async function fakeServer(answer: Answer): Promise<{ port: number; seen: string[][]; close(): void }> {
  const seen: string[][] = [];
  const server = net.createServer((socket) => {
    let pending = '';
    socket.on('data', (d: Buffer) => {
      pending += d.toString('latin1');
      for (;;) {
        const cmd = takeCommand();
        if (!cmd) return;
        seen.push(cmd);
        socket.write(answer(cmd[0] === 'inline:' ? cmd.slice(1) : cmd));
      }
    });
    socket.on('error', () => undefined);
    function takeCommand(): string[] | undefined {
      if (pending === '') return undefined;
      if (pending[0] !== '*') {
        const end = pending.indexOf('\r\n');
        if (end < 0) return undefined;
        const line = pending.slice(0, end);
        pending = pending.slice(end + 2);
        return ['inline:', line];
      }
      const m = /^\*(\d+)\r\n/.exec(pending);
      if (!m) return undefined;
      let at = m[0].length;
      const words: string[] = [];
      for (let i = 0; i < Number(m[1]); i++) {
        const h = /^\$(\d+)\r\n/.exec(pending.slice(at));
        if (!h) return undefined;
        const start = at + h[0].length;
        const len = Number(h[1]);
        if (pending.length < start + len + 2) return undefined;
        words.push(Buffer.from(pending.slice(start, start + len), 'latin1').toString('utf8'));
        at = start + len + 2;
      }
      pending = pending.slice(at);
      return words;
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, seen, close: () => server.close() };
}

function engine(url: string, askPassword?: (p: string) => Promise<string>): Engine {
  return createEngine({
    profile: 't', endpoint: url, connectTimeoutMs: 2000, readonly: false, verbose: () => undefined,
    warn: () => undefined, askPassword,
  });
}

async function rowsOf(r: Result): Promise<unknown[]> {
  assert.equal(r.kind, 'rows');
  const out: unknown[] = [];
  for await (const row of r.rows) out.push(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, r.codec.json(v)])));
  return out;
}

describe('handshake', () => {
  test('a server without HELLO: RESP2, AUTH, SELECT; HGETALL pairs still become a map', async () => {
    const srv = await fakeServer(([cmd]) => {
      switch (cmd!.toUpperCase()) {
        case 'HELLO': return "-ERR unknown command 'HELLO', with args beginning with: '3'\r\n";
        case 'AUTH': return '+OK\r\n';
        case 'SELECT': return '+OK\r\n';
        case 'HGETALL': return '*4\r\n$4\r\nname\r\n$3\r\nSam\r\n$3\r\nage\r\n$1\r\n3\r\n';
        default: return '-ERR unexpected\r\n';
      }
    });
    try {
      const kv = engine(`redis://:pw@127.0.0.1:${srv.port}/2?protocol=3`);
      await kv.connect();
      const r = await kv.execute({ text: 'hgetall user', line: 1 });
      assert.deepEqual(await rowsOf(r), [{ field: 'name', value: 'Sam' }, { field: 'age', value: '3' }]);
      assert.deepEqual(srv.seen.slice(0, 3), [['HELLO', '3', 'AUTH', 'default', 'pw'], ['AUTH', 'pw'], ['SELECT', '2']]);
      assert.equal(kv.database, '2');
      await kv.close();
    } finally {
      srv.close();
    }
  });

  test('NOAUTH without a configured password asks for one, once, and retries HELLO with it', async () => {
    const srv = await fakeServer((words) => {
      if (words[0] === 'HELLO') return words.includes('AUTH') ? (words[4] === 'typed' ? '%1\r\n$6\r\nserver\r\n$5\r\nredis\r\n' : '-WRONGPASS invalid\r\n')
        : '-NOAUTH HELLO must be called with the client already authenticated\r\n';
      return '+PONG\r\n';
    });
    try {
      const prompts: string[] = [];
      const kv = engine(`redis://127.0.0.1:${srv.port}/0`, async (p) => {
        prompts.push(p);
        return 'typed';
      });
      await kv.connect();
      assert.equal(prompts.length, 1);
      assert.match(prompts[0]!, /Password for redis:\/\/127\.0\.0\.1:\d+\/0/);
      const r = await kv.execute({ text: 'ping', line: 1 });
      assert.equal(r.kind === 'value' && r.codec.display!(r.value), 'PONG');
      await kv.close();
    } finally {
      srv.close();
    }
  });

  test('NOAUTH and no way to ask: ConnectError (exit 3) with a hint', async () => {
    const srv = await fakeServer(() => '-NOAUTH Authentication required.\r\n');
    try {
      await assert.rejects(engine(`redis://127.0.0.1:${srv.port}/0`).connect(), (e: unknown) => {
        assert.ok(e instanceof ConnectError);
        assert.equal(e.code, 'NOAUTH');
        assert.match(e.hint ?? '', /password/);
        return true;
      });
    } finally {
      srv.close();
    }
  });

  test('script lines go out as inline commands, command-line words as RESP', async () => {
    const srv = await fakeServer(() => '+OK\r\n');
    const raw: string[] = [];
    try {
      const kv = engine(`redis://127.0.0.1:${srv.port}/0`);
      await kv.connect();
      for await (const o of flat(kv.executeBatch!([
        ...kv.split('set a "x y"\nset b 1'),
        { text: 'set c d', line: 3, args: ['set', 'c', 'd'] },
      ]))) raw.push(o.result && o.result.kind === 'value' ? String(o.result.codec.json(o.result.value)) : 'error');
      assert.deepEqual(raw, ['OK', 'OK', 'OK']);
      assert.deepEqual(srv.seen.slice(1), [['inline:', 'set a "x y"'], ['inline:', 'set b 1'], ['set', 'c', 'd']]);
      await kv.close();
    } finally {
      srv.close();
    }
  });
});

describe('Sentinel: a master demoted without closing its clients', () => {
  test('READONLY makes dbx ask the Sentinels again and send the write once more, to the new master', async () => {
    let demoted = false;
    const server = (isNew: boolean): Answer => ([cmd]) => {
      switch (cmd!.toUpperCase()) {
        case 'HELLO': return "-ERR unknown command 'HELLO'\r\n";
        case 'ROLE': return !isNew && demoted ? '*5\r\n$5\r\nslave\r\n$9\r\n127.0.0.1\r\n:1\r\n$9\r\nconnected\r\n:0\r\n' : '*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n';
        case 'SET': return !isNew && demoted ? "-READONLY You can't write against a read only replica.\r\n" : '+OK\r\n';
        case 'COMMAND': return '*0\r\n';
        default: return '+OK\r\n';
      }
    };
    const oldMaster = await fakeServer(server(false));
    const newMaster = await fakeServer(server(true));
    const sentinel = await fakeServer(([cmd, sub]) => {
      if (cmd!.toUpperCase() === 'HELLO') return "-ERR unknown command 'HELLO'\r\n";
      if (cmd!.toUpperCase() !== 'SENTINEL' || sub!.toUpperCase() !== 'GET-MASTER-ADDR-BY-NAME') return '+OK\r\n';
      const port = String(demoted ? newMaster.port : oldMaster.port);
      return `*2\r\n$9\r\n127.0.0.1\r\n$${port.length}\r\n${port}\r\n`;
    });
    const notes: string[] = [];
    const kv = createEngine({
      profile: 't', endpoint: `redis-sentinel://127.0.0.1:${sentinel.port}/0?name=mymaster`, connectTimeoutMs: 2000,
      readonly: false, verbose: () => undefined, warn: () => undefined, note: (line) => notes.push(line),
    });
    try {
      await kv.connect();
      const value = async (text: string): Promise<unknown> => {
        const r = await kv.execute({ text, line: 1 });
        assert.equal(r.kind, 'value');
        return r.kind === 'value' ? r.codec.json(r.value) : undefined;
      };
      assert.equal(await value('set k v1'), 'OK');
      demoted = true; // the old master now answers as a replica, and its connection stays open
      assert.equal(await value('set k v2'), 'OK');
      const wrote = (srv: { seen: string[][] }) => srv.seen.some((c) => c[0]!.toUpperCase() === 'SET' && c[2] === 'v2');
      assert.ok(wrote(oldMaster), 'refused by the old master first');
      assert.ok(wrote(newMaster), 'then sent to the new one');
      assert.match(notes.join('\n'), /mymaster has failed over: the master is now 127\.0\.0\.1:\d+/);
    } finally {
      await kv.close();
      for (const s of [oldMaster, newMaster, sentinel]) s.close();
    }
  });
});

describe('the server ends the connection', () => {
  test('while a command is still being written: it fails at once as connection lost, not when the write gives up', async () => {
    // the server stops reading after the handshake, then ends its side: dbx's write cannot be flushed, so Node's
    // close never comes; the end (FIN) alone must fail the command
    let ended: (() => void) | undefined;
    const sockets: net.Socket[] = [];
    const server = net.createServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => undefined);
      socket.once('data', () => {
        socket.write('%1\r\n$6\r\nserver\r\n$5\r\nredis\r\n');
        socket.pause();
        ended = () => socket.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const kv = engine(`redis://127.0.0.1:${port}/0`);
      await kv.connect();
      const big = 'x'.repeat(32 * 1024 * 1024);
      const running = kv.execute({ text: `set k ${big}`, line: 1, args: ['set', 'k', big] });
      await new Promise((r) => setTimeout(r, 200));
      ended!();
      const outcome = await Promise.race([
        running.then(() => 'answered', (e: unknown) => e),
        new Promise((r) => setTimeout(() => r('still waiting after 3 s'), 3000)),
      ]);
      assert.ok(outcome instanceof ConnectError, String(outcome));
      assert.equal(outcome.code, 'CONNECTION_LOST');
    } finally {
      for (const s of sockets) s.destroy();
      server.close();
    }
  });
});
