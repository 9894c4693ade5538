/**
 * Where a command goes. A standalone server has one connection (re-opened after a cancel dropped it, on the
 * database last SELECTed); Redis Cluster (redis-cluster.ts) picks the node owning the key's slot.
 */
import type { RedisEndpoint } from './redis-endpoint.js';
import { RespConnection, type ConnectionOptions } from './resp-connection.js';
import type { Arg, Reply } from './resp-types.js';

export interface Router {
  readonly protocol: 2 | 3;
  connect(): Promise<void>;
  send(args: readonly Arg[]): Promise<Reply>;
  /** pipelined; replies in the order of cmds */
  pipeline(cmds: readonly (readonly Arg[])[]): Promise<Reply[]>;
  /** standalone only: already encoded requests (inline command lines), `count` replies */
  pipelineRaw?(payload: string, count: number): Promise<Reply[]>;
  /** one connection per master, for commands that must visit every node (KEYS as SCAN) */
  masters(): Promise<RespConnection[]>;
  /** the connection a command would use: SUBSCRIBE / MONITOR take it over */
  connectionFor(args: readonly Arg[]): Promise<RespConnection>;
  /** the database for later reconnects (standalone only) */
  selected(db: number): void;
  /** HELLO switched the protocol of the connection (standalone only; a reconnect keeps it) */
  protocolChanged?(protocol: 2 | 3): void;
  cancel(code: string): void;
  close(): Promise<void>;
}

export interface RouterOptions {
  endpoint: RedisEndpoint;
  /** the RESP version of the user's connections */
  protocol: 2 | 3;
  timeoutMs: number;
  verbose(line: string): void;
  askPassword?: (prompt: string) => Promise<string>;
}

export function connectionOptions(o: RouterOptions, host: string, port: number, db: number): ConnectionOptions {
  const ep = o.endpoint;
  return {
    host, port, db,
    protocol: o.protocol,
    tls: ep.tls ? { ...ep.tls, servername: ep.tls.servername ?? host } : undefined,
    timeoutMs: o.timeoutMs,
    username: ep.username,
    password: ep.password,
    display: ep.display,
    verbose: o.verbose,
    askPassword: o.askPassword,
  };
}

export class StandaloneRouter implements Router {
  private conn?: RespConnection;
  private opening?: Promise<RespConnection>;
  private db: number;
  /** the protocol asked for, or the one the user's HELLO switched to: kept for reconnects */
  private wanted: 2 | 3;
  private password?: string;

  constructor(private readonly o: RouterOptions) {
    this.db = o.endpoint.db;
    this.wanted = o.protocol;
  }

  get protocol(): 2 | 3 {
    return this.conn?.protocol ?? this.wanted;
  }

  async connect(): Promise<void> {
    await this.connection();
  }

  async send(args: readonly Arg[]): Promise<Reply> {
    return (await this.connection()).send(args);
  }

  async pipeline(cmds: readonly (readonly Arg[])[]): Promise<Reply[]> {
    return (await this.connection()).pipeline(cmds);
  }

  async pipelineRaw(payload: string, count: number): Promise<Reply[]> {
    return (await this.connection()).pipelineRaw(payload, count);
  }

  async masters(): Promise<RespConnection[]> {
    return [await this.connection()];
  }

  connectionFor(): Promise<RespConnection> {
    return this.connection();
  }

  selected(db: number): void {
    this.db = db;
  }

  protocolChanged(protocol: 2 | 3): void {
    this.wanted = protocol;
    if (this.conn) this.conn.protocol = protocol;
  }

  cancel(code: string): void {
    this.conn?.cancel(code);
  }

  async close(): Promise<void> {
    const c = this.conn;
    this.conn = undefined;
    await c?.close();
  }

  private connection(): Promise<RespConnection> {
    if (this.conn && !this.conn.closed) return Promise.resolve(this.conn);
    this.opening ??= (async () => {
      try {
        // a password typed at the prompt is kept for reconnects, so it is asked once
        const ask = this.o.askPassword
          ? async (p: string) => (this.password ??= await this.o.askPassword!(p))
          : undefined;
        const base = this.o.endpoint.nodes[0]!;
        const opts = connectionOptions({ ...this.o, protocol: this.wanted, askPassword: ask }, base.host, base.port, this.db);
        if (this.password !== undefined) opts.password ??= this.password;
        this.conn = await RespConnection.open(opts);
        return this.conn;
      } finally {
        this.opening = undefined;
      }
    })();
    return this.opening;
  }
}
