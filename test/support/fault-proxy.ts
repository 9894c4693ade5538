/**
 * A small TCP proxy for fault-injection tests: listens on a free loopback port, forwards every connection to a
 * target, and at a chosen byte offset of one direction misbehaves the way a bad network or a wrong service does.
 *
 *   const p = await startFaultProxy({ target: { host: '127.0.0.1', port }, fault: { kind: 'stall', after: 256 * 1024, direction: 'down' } });
 *   … dbx --url mysql://root@127.0.0.1:${p.port}/test …
 *   await p.faulted;  // the fault has struck on some connection
 *   await p.close();  // destroys every socket, stalled ones too
 *
 * Faults (offsets count the bytes of one direction of one connection; `down` is server→client, `up` client→server):
 * - `stall`: forward `after` bytes, then forward nothing more in that direction (the sockets stay open, the
 *   source is paused so TCP backpressure builds up as on a dead link). `release()` resumes forwarding (and the
 *   connections open then that have not reached the offset yet will not stall).
 * - `cut`: forward `after` bytes, then destroy both sockets (`reset: true` sends a TCP RST instead of a FIN).
 * - `delay`: from `after` on, every chunk is held `ms` before it is forwarded (order kept).
 * - `corrupt`: the `length` bytes (default 16) starting at offset `after` are XORed with 0xff.
 * - `blackhole`: accept the connection and never answer (nothing is forwarded, nothing read is answered).
 * - `service`: a non-database service on the port: `ssh` greets with an SSH banner and then says nothing more;
 *   `http` answers the first bytes it receives with an HTTP 400 and closes; `banner` sends the given bytes on
 *   connect and then ignores the client.
 * `connection` (0-based) limits a forwarding fault to the Nth connection accepted; the others pass untouched (a
 * second connection dbx opens to cancel a statement, say).
 * Loopback only: the proxy listens on 127.0.0.1 and the target must be a loopback address.
 */
import net from 'node:net';

type Direction = 'up' | 'down' | 'both';

interface AtOffset {
  /** byte offset (in `direction`, per connection) where the fault strikes; 0 = at once */
  after: number;
  /** 'down' = server→client (default), 'up' = client→server, 'both' = each direction at its own offset */
  direction?: Direction;
  /** only the Nth accepted connection (0-based) is faulted; default every connection */
  connection?: number;
}

export type Fault =
  | { kind: 'none' }
  | ({ kind: 'stall' } & AtOffset)
  | ({ kind: 'cut'; reset?: boolean } & AtOffset)
  | ({ kind: 'delay'; ms: number } & AtOffset)
  | ({ kind: 'corrupt'; length?: number } & AtOffset)
  | { kind: 'blackhole' }
  | { kind: 'service'; service: 'ssh' | 'http' | 'banner'; banner?: string | Buffer };

export interface FaultProxyOptions {
  /** where connections are forwarded (not needed for `blackhole` and `service`) */
  target?: { host: string; port: number };
  fault?: Fault;
}

export interface FaultProxy {
  host: '127.0.0.1';
  port: number;
  /** connections accepted so far */
  readonly connections: number;
  /** bytes forwarded so far, all connections: up = client→server, down = server→client */
  readonly bytes: { up: number; down: number };
  /** resolves when the fault first strikes (for `blackhole`/`service`: the first connection) */
  faulted: Promise<void>;
  /** the fault for connections accepted from now on (open connections keep theirs) */
  setFault(fault: Fault): void;
  /** a stall ends: paused directions resume forwarding */
  release(): void;
  /** destroy every socket and stop listening */
  close(): Promise<void>;
}

const SSH_BANNER = 'SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13\r\n';
const HTTP_400 = 'HTTP/1.1 400 Bad Request\r\nServer: nginx\r\nContent-Type: text/html\r\nContent-Length: 11\r\nConnection: close\r\n\r\nBad Request';

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export async function startFaultProxy(opts: FaultProxyOptions = {}): Promise<FaultProxy> {
  if (opts.target && !isLoopback(opts.target.host)) throw new Error(`fault proxy: target ${opts.target.host} is not a loopback address`);
  let fault: Fault = opts.fault ?? { kind: 'none' };
  const sockets = new Set<net.Socket>();
  const releases = new Set<() => void>();
  const bytes = { up: 0, down: 0 };
  let connections = 0;
  let markFaulted!: () => void;
  const faulted = new Promise<void>((r) => (markFaulted = r));

  const track = (s: net.Socket): net.Socket => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {}); // a peer that goes away is part of the game
    return s;
  };

  const server = net.createServer((client) => {
    track(client);
    const index = connections++;
    const f = fault;
    if (f.kind === 'blackhole') {
      markFaulted();
      client.resume(); // read and drop: the client's writes succeed, no answer ever comes
      return;
    }
    if (f.kind === 'service') {
      markFaulted();
      if (f.service === 'ssh') client.write(SSH_BANNER);
      else if (f.service === 'banner') client.write(f.banner ?? '');
      if (f.service === 'http') client.once('data', () => client.end(HTTP_400));
      client.resume();
      return;
    }
    if (!opts.target) {
      client.destroy();
      return;
    }
    const upstream = track(net.connect({ host: opts.target.host, port: opts.target.port }));
    const strikes = (dir: 'up' | 'down'): boolean =>
      f.kind !== 'none' && (f.connection === undefined || f.connection === index) &&
      (f.direction ?? 'down') !== (dir === 'up' ? 'down' : 'up');
    const killBoth = (reset: boolean): void => {
      for (const s of [client, upstream]) {
        if (reset && typeof s.resetAndDestroy === 'function' && s.readyState !== 'opening') s.resetAndDestroy();
        else s.destroy();
      }
    };
    client.pause();
    upstream.once('connect', () => client.resume());
    pipe(client, upstream, 'up');
    pipe(upstream, client, 'down');

    function pipe(from: net.Socket, to: net.Socket, dir: 'up' | 'down'): void {
      let seen = 0;
      let stalled = false;
      /** a stall that release() ended: everything passes from then on */
      let released = false;
      let held: Buffer[] = [];
      /** how `from` finished while stalled: 'end' (FIN) or 'close' (gone without one) */
      let heldFinish: 'end' | 'close' | undefined;
      let finished = false;
      let delayChain = Promise.resolve();
      let delaying = false;
      let draining = false;
      const faultHere = strikes(dir) ? (f as Exclude<Fault, { kind: 'none' | 'blackhole' | 'service' }>) : undefined;
      const send = (chunk: Buffer): void => {
        if (chunk.length === 0 || to.destroyed) return;
        bytes[dir] += chunk.length;
        if (!to.write(chunk) && !draining) {
          draining = true;
          from.pause();
          to.once('drain', () => {
            draining = false;
            if (!stalled) from.resume();
          });
        }
      };
      /** runs after every chunk already queued has been forwarded */
      const after = (fn: () => void): void => {
        if (delaying) delayChain = delayChain.then(fn);
        else fn();
      };
      const finish = (how: 'end' | 'close'): void => {
        if (finished) return;
        if (stalled) {
          heldFinish ??= how;
          return;
        }
        finished = true;
        after(() => (how === 'end' ? to.end() : to.destroy()));
      };
      const release = (): void => {
        // a stall that has not struck yet on this connection never will: release() may come first on a slow machine
        released = true;
        if (!stalled) return;
        stalled = false;
        released = true;
        const rest = held;
        held = [];
        for (const c of rest) send(c);
        if (heldFinish) finish(heldFinish);
        else from.resume();
      };
      releases.add(release);
      from.on('end', () => finish('end'));
      from.on('close', () => finish('close'));
      from.on('data', (chunk: Buffer) => {
        if (stalled) {
          held.push(chunk);
          return;
        }
        const start = seen;
        seen += chunk.length;
        if (!faultHere || released || (seen <= faultHere.after && faultHere.kind !== 'delay')) {
          send(chunk);
          return;
        }
        const cutAt = Math.max(0, faultHere.after - start); // offset of the fault inside this chunk
        switch (faultHere.kind) {
          case 'stall': {
            send(chunk.subarray(0, cutAt));
            stalled = true;
            held.push(chunk.subarray(cutAt));
            from.pause();
            markFaulted();
            return;
          }
          case 'cut': {
            send(chunk.subarray(0, cutAt));
            markFaulted();
            // let the bytes before the cut leave first, then tear both sides down
            setImmediate(() => killBoth(faultHere.reset === true));
            from.pause();
            return;
          }
          case 'corrupt': {
            const length = faultHere.length ?? 16;
            const copy = Buffer.from(chunk);
            const endAt = Math.min(copy.length, faultHere.after + length - start);
            if (endAt > cutAt) {
              for (let i = cutAt; i < endAt; i++) copy[i] ^= 0xff;
              markFaulted();
            }
            send(copy);
            return;
          }
          case 'delay': {
            if (seen <= faultHere.after) {
              send(chunk);
              return;
            }
            markFaulted();
            delaying = true;
            const due = Date.now() + faultHere.ms; // latency: each chunk leaves ms after it came, order kept
            delayChain = delayChain
              .then(() => new Promise<void>((r) => setTimeout(r, Math.max(0, due - Date.now()))))
              .then(() => send(chunk));
            return;
          }
        }
      });
    }
  });
  server.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    host: '127.0.0.1',
    port,
    get connections() {
      return connections;
    },
    bytes,
    faulted,
    setFault(next: Fault) {
      fault = next;
    },
    release() {
      for (const r of [...releases]) r();
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}
