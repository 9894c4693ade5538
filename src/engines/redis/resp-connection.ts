/**
 * One connection to one Redis node: a socket, the streaming parser, and a FIFO of requests waiting for replies.
 * Requests are pipelined (written at once, answered in order). Error replies resolve like any reply: the caller
 * decides what an error means, so a pipeline carries on past one.
 */
import net from 'node:net';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { ConnectError, DbxError, StatementError } from '../../errors.js';
import { encodeCommands } from './resp-encoder.js';
import type { BulkArray } from './resp-bulk-array.js';
import { RespParser } from './resp-parser.js';
import { Push, ReplyError, replyRecord, replyText, type Arg, type Reply } from './resp-types.js';
import { certificateHint, networkHint, networkMessage } from '../network-errors.js';

export interface ConnectionOptions {
  host: string;
  port: number;
  tls?: TlsOptions;
  /** covers TCP, TLS and the HELLO/AUTH/SELECT handshake */
  timeoutMs: number;
  username?: string;
  password?: string;
  db: number;
  /** the RESP version to speak: 2 as redis-cli does by default, 3 for typed replies (redis-cli -3, --json) */
  protocol: 2 | 3;
  /** for messages, without a password */
  display: string;
  verbose(line: string): void;
  /** asked once when the server wants a password and none was configured */
  askPassword?: (prompt: string) => Promise<string>;
}

/** the replies that arrived before a connection broke, keyed by the error their pipeline was rejected with */
const answeredBefore = new WeakMap<DbxError, Reply[]>();

/**
 * The replies a pipeline did get before `err` (its rejection) broke the connection: the first commands of the
 * pipeline ran and were answered. Empty for any other error.
 */
export function repliesBefore(err: unknown): Reply[] {
  return (err instanceof DbxError && answeredBefore.get(err)) || [];
}

interface Pending {
  need: number;
  replies: Reply[];
  /** one command whose array reply is wanted as a BulkArray */
  bulkArray?: boolean;
  resolve(replies: Reply[]): void;
  reject(err: DbxError): void;
}

export class RespConnection {
  /** what HELLO agreed on; 2 on servers without HELLO (Redis < 6) */
  protocol: 2 | 3 = 2;
  /** the server's version from the HELLO reply, `7.0.15` (undefined on servers without HELLO) */
  serverVersion?: string;
  /** replies nobody asked for: RESP3 pushes (pub/sub), MONITOR lines */
  onUnsolicited?: (reply: Reply) => void;
  /** called once when the connection is gone (closed, cancelled, lost) */
  onClose?: (reason: DbxError) => void;
  private readonly pending: Pending[] = [];
  // a BulkArray comes only for a request that asked for one (sendBulkArray), which is the one it resolves
  private readonly parser = new RespParser((r) => this.onReply(r as Reply), () => this.pending[0]?.bulkArray === true);
  private closedWith?: DbxError;
  private cancelCode?: string;

  /** `reader`: a plain socket's bytes, read into one reused buffer (see open()); a TLS socket's come as 'data' */
  private constructor(private readonly socket: net.Socket, readonly address: string, reader?: Reader) {
    const feed = (chunk: Buffer): void => {
      try {
        this.parser.feed(chunk);
      } catch (e) {
        this.fail(new ConnectError(`protocol error from ${address}: ${(e as Error).message}`, {
          code: 'PROTOCOL', engine: 'kv', endpoint: address,
        }));
      }
    };
    if (reader) {
      for (const chunk of reader.early.splice(0)) feed(chunk);
      reader.feed = feed;
    } else {
      socket.on('data', feed);
    }
    socket.on('error', (e: NodeJS.ErrnoException) => this.fail(connectError(e, address)));
    // The server's end of the connection (its FIN) ends it: nothing more will be answered. Node's 'close' follows
    // only once dbx's own side is shut — not before what dbx was writing is flushed, possibly never — and a
    // command written in between (a failover, a CLIENT KILL) failed with EPIPE as one that may have run, where the
    // engine now sees the connection gone before writing and opens another.
    const lost = () => this.fail(new ConnectError(`the connection to ${address} was closed`, {
      code: 'CONNECTION_LOST', engine: 'kv', endpoint: address,
    }));
    socket.on('end', lost);
    socket.on('close', lost);
  }

  get closed(): boolean {
    return this.closedWith !== undefined;
  }

  static async open(opts: ConnectionOptions): Promise<RespConnection> {
    const display = opts.display;
    let timer: NodeJS.Timeout | undefined;
    let socket: net.Socket | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        socket?.destroy();
        reject(new ConnectError(`cannot connect to ${display}: no answer within ${opts.timeoutMs} ms`, {
          code: 'ETIMEDOUT', engine: 'kv', endpoint: display,
          // a plain server never answers a TLS handshake: it waits for the end of an inline command
          hint: opts.tls ? 'rediss:// needs a server that speaks TLS on this port; for a plain one use redis://' : undefined,
        }));
      }, opts.timeoutMs);
    });
    try {
      opts.verbose(`kv: connecting to ${opts.host}:${opts.port}${opts.tls ? ' (TLS)' : ''}`);
      // node:tls (and crypto with it) only for rediss://: loading them costs every plain run a few ms
      const tls = opts.tls ? await import('node:tls') : undefined;
      const reader = tls ? undefined : newReader();
      const connected = new Promise<net.Socket>((resolve, reject) => {
        const s = tls && opts.tls
          ? tls.connect({ host: opts.host, port: opts.port, ...withoutIpServername(opts.tls) }, () => resolve(s))
          : net.connect({ host: opts.host, port: opts.port, onread: reader!.onread }, () => resolve(s));
        socket = s;
        s.once('error', (e: NodeJS.ErrnoException) => reject(connectError(e, display)));
      });
      const s = await Promise.race([connected, timeout]);
      s.setNoDelay(true);
      s.setKeepAlive(true);
      const conn = new RespConnection(s, display, reader);
      await Promise.race([conn.handshake(opts), timeout]).catch((e: unknown) => {
        // a TLS-only port drops a plain client's first bytes: the handshake is cut, never answered
        if (!opts.tls && e instanceof DbxError && e.hint === undefined && ['ECONNRESET', 'CONNECTION_LOST', 'EPIPE'].includes(e.code)) {
          e.hint = 'the server closed the connection before answering: if this port speaks TLS, use rediss://';
        }
        throw e;
      });
      return conn;
    } catch (e) {
      socket?.destroy();
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  /** HELLO 2|3 (with AUTH), falling back to RESP2 + AUTH on servers older than Redis 6; then SELECT. */
  private async handshake(opts: ConnectionOptions): Promise<void> {
    let password = opts.password;
    const user = opts.username ?? 'default';
    const version = String(opts.protocol);
    const hello = (): Arg[] => (password === undefined ? ['HELLO', version] : ['HELLO', version, 'AUTH', user, password]);
    let reply = await this.send(hello());
    if (reply instanceof ReplyError && reply.prefix === 'NOAUTH' && password === undefined && opts.askPassword) {
      password = await opts.askPassword(`Password for ${opts.display}: `);
      reply = await this.send(hello());
    }
    if (!(reply instanceof ReplyError)) {
      const info = replyRecord(reply);
      this.protocol = info.get('proto') === 3 ? 3 : 2;
      const version = info.get('version');
      if (version !== undefined) this.serverVersion = replyText(version);
    } else {
      if (reply.prefix === 'NOPROTO' || /unknown command/i.test(reply.text)) {
        this.protocol = 2;
        opts.verbose(opts.protocol === 3 ? 'kv: the server does not speak RESP3; using RESP2' : 'kv: the server has no HELLO (Redis < 6)');
        if (password !== undefined) {
          const auth = await this.send(opts.username ? ['AUTH', opts.username, password] : ['AUTH', password]);
          if (auth instanceof ReplyError) throw authError(auth, opts.display);
        }
      } else {
        throw authError(reply, opts.display);
      }
    }
    if (opts.db !== 0) {
      const sel = await this.send(['SELECT', String(opts.db)]);
      if (sel instanceof ReplyError) {
        throw new ConnectError(`cannot select database ${opts.db} on ${opts.display}: ${sel.message}`, {
          code: sel.prefix, engine: 'kv', endpoint: opts.display,
        });
      }
    }
    opts.verbose(`kv: connected to ${opts.display} (RESP${this.protocol})`);
  }

  send(args: readonly Arg[]): Promise<Reply> {
    return this.pipeline([args]).then((r) => r[0]!);
  }

  /** Writes all commands at once; resolves with their replies in order (error replies included). */
  pipeline(cmds: readonly (readonly Arg[])[]): Promise<Reply[]> {
    return this.pipelineRaw(encodeCommands(cmds), cmds.length);
  }

  /** Writes already encoded requests (RESP or inline commands) and waits for `count` replies. */
  pipelineRaw(payload: string | Buffer, count: number): Promise<Reply[]> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    if (count === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.pending.push({ need: count, replies: [], resolve, reject });
      this.socket.write(payload);
    });
  }

  /**
   * One command whose reply, when it is an array of bulk strings, comes back as a BulkArray (their bytes, no
   * string each: LRANGE's ranges); any other reply comes back as usual.
   */
  sendBulkArray(args: readonly Arg[]): Promise<Reply | BulkArray> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    return new Promise<Reply[]>((resolve, reject) => {
      this.pending.push({ need: 1, replies: [], resolve, reject, bulkArray: true });
      this.socket.write(encodeCommands([args]));
    }).then((r) => r[0]!);
  }

  /** Sends without waiting for a reply: the replies of SUBSCRIBE / MONITOR arrive through onUnsolicited. */
  sendUnanswered(args: readonly Arg[]): void {
    if (this.closedWith) throw this.closedWith;
    this.socket.write(encodeCommands([args]));
  }

  /** Drops the connection: whatever is waiting rejects with a StatementError carrying `code`. */
  cancel(code: string): void {
    if (this.closedWith) return;
    this.cancelCode = code;
    this.socket.destroy();
  }

  async close(): Promise<void> {
    if (this.closedWith) return;
    this.closedWith = new ConnectError(`the connection to ${this.address} is closed`, {
      code: 'CLOSED', engine: 'kv', endpoint: this.address,
    });
    await new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end();
      setTimeout(() => {
        this.socket.destroy();
        resolve();
      }, 1000).unref();
    });
  }

  private onReply(reply: Reply): void {
    const head = this.pending[0];
    if (!head || reply instanceof Push) {
      this.onUnsolicited?.(reply);
      return;
    }
    head.replies.push(reply);
    if (head.replies.length === head.need) {
      this.pending.shift();
      head.resolve(head.replies);
    }
  }

  private fail(err: DbxError): void {
    if (this.closedWith) return;
    const reason = this.cancelCode
      ? new StatementError(this.cancelCode === 'TIMEOUT' ? 'the statement timed out and was cancelled'
        : 'the statement was cancelled', { code: this.cancelCode, engine: 'kv', endpoint: this.address })
      : err;
    this.closedWith = reason;
    this.parser.reset();
    this.socket.destroy();
    // only the oldest waiting pipeline can have been partly answered: the reason then tells its replies
    const head = this.pending[0];
    if (head && head.replies.length > 0) answeredBefore.set(reason, head.replies);
    for (const p of this.pending.splice(0)) p.reject(reason);
    this.onClose?.(reason);
  }
}


/** bytes each read of a plain socket can take */
const READ_BUFFER = 256 * 1024;

/**
 * A plain socket's reads go into one buffer of READ_BUFFER bytes, reused (net.connect's `onread`): Node then makes
 * neither a Buffer nor a stream event per read, which a pipeline of 100,000 replies or an LRANGE of a million items
 * reads hundreds of times. The parser keeps no view of it past a feed (RespParser.feed copies what is left over).
 * What arrives before the connection is made (nothing, from a Redis server) waits, copied, in `early`.
 */
interface Reader {
  onread: { buffer: Buffer; callback: (bytes: number, buffer: Uint8Array) => boolean };
  feed: (chunk: Buffer) => void;
  early: Buffer[];
}

function newReader(): Reader {
  const reader: Reader = {
    early: [],
    feed: (chunk) => reader.early.push(Buffer.from(chunk)),
    onread: {
      buffer: Buffer.allocUnsafe(READ_BUFFER),
      // the buffer given above, filled with `bytes` bytes; true: go on reading
      callback: (bytes, buffer) => {
        reader.feed((buffer as Buffer).subarray(0, bytes));
        return true;
      },
    },
  };
  return reader;
}

function connectError(e: NodeJS.ErrnoException, display: string): ConnectError {
  const code = e.code ?? 'ECONNECT';
  const tlsFailure = /SSL|TLS|CERT/i.test(code);
  const what = networkMessage(code) ?? (tlsFailure ? `TLS failure (${e.message})` : e.message);
  const hint = (tlsFailure ? certificateHint(e.message) : undefined) ?? networkHint(code, 'kv');
  return new ConnectError(`cannot connect to ${display}: ${what}`, { code, engine: 'kv', endpoint: display, hint });
}

function authError(reply: ReplyError, display: string): ConnectError {
  const hint = reply.prefix === 'NOAUTH'
    ? 'the server needs a password: put it in the profile (redis://:PASSWORD@host) or in a ${VAR}'
    : reply.prefix === 'WRONGPASS' ? 'check the user name and password of the profile' : undefined;
  return new ConnectError(`cannot log in to ${display}: ${reply.message}`, {
    code: reply.prefix, engine: 'kv', endpoint: display, hint,
  });
}

/**
 * SNI carries host names only: Node warns on stderr (DEP0123) when servername is an IP address. Without it the
 * certificate is still checked against the host that was dialled.
 */
function withoutIpServername(tls: TlsOptions): TlsOptions {
  if (tls.servername === undefined || net.isIP(tls.servername) === 0) return tls;
  const { servername: _ip, ...rest } = tls;
  return rest;
}
