/**
 * Where a command goes. A standalone server has one connection for the user (re-opened after a cancel dropped
 * it, on the database last SELECTed); Redis Cluster (redis-cluster.ts) picks the node owning the key's slot.
 * What dbx asks for itself goes over a side connection (redis-side-connection.ts), never the user's.
 */
import { CommandCatalog } from './redis-command-docs.js';
import { displayOf, type NodeAddress, type RedisEndpoint } from './redis-endpoint.js';
import { SideConnection, serverVersionOf } from './redis-side-connection.js';
import { RespConnection, type ConnectionOptions } from './resp-connection.js';
import type { BulkArray } from './resp-bulk-array.js';
import type { Arg, Reply } from './resp-types.js';

export interface Router {
  readonly protocol: 2 | 3;
  /** the server's command docs and flags, asked on the side connection */
  readonly catalog: CommandCatalog;
  /** dbx's own connection: for what dbx asks for itself (see redis-side-connection.ts) */
  readonly side: SideConnection;
  /** `7.0.15` */
  serverVersion(): Promise<string>;
  /** where it connects, for messages, on database `db` (Sentinel: the server it found, once found) */
  display(db: number): string;
  connect(): Promise<void>;
  send(args: readonly Arg[]): Promise<Reply>;
  /** pipelined; replies in the order of cmds */
  pipeline(cmds: readonly (readonly Arg[])[]): Promise<Reply[]>;
  /** standalone only: already encoded requests (inline command lines), `count` replies */
  pipelineRaw?(payload: string | Buffer, count: number): Promise<Reply[]>;
  /** standalone only: send(), with an array of bulk strings coming back as their bytes (resp-bulk-array.ts) */
  sendBulkArray?(args: readonly Arg[]): Promise<Reply | BulkArray>;
  /** one connection per master, for commands that must visit every node (KEYS as SCAN), in slot order */
  masters(): Promise<RespConnection[]>;
  /** Redis Cluster only: `args` sent to every master (retried as a failover needs), their replies */
  sendToMasters?(args: readonly Arg[]): Promise<Reply[]>;
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
  /** a line for stderr the user should see (Sentinel: the server moved) */
  notice?(line: string): void;
  askPassword?: (prompt: string) => Promise<string>;
}

/** `db` is the database the connection selects; messages name it (the side connection's name the profile's) */
export function connectionOptions(o: RouterOptions, host: string, port: number, db: number, displayDb = db): ConnectionOptions {
  const ep = o.endpoint;
  return {
    host, port, db,
    protocol: o.protocol,
    tls: ep.tls ? { ...ep.tls, servername: ep.tls.servername ?? host } : undefined,
    timeoutMs: o.timeoutMs,
    username: ep.username,
    password: ep.password,
    display: displayOf(ep, displayDb),
    verbose: o.verbose,
    askPassword: o.askPassword,
  };
}

export class StandaloneRouter implements Router {
  /** the server the user's connection goes to (Sentinel: found by locate()) */
  protected target: NodeAddress;
  private conn?: RespConnection;
  private opening?: Promise<RespConnection>;
  private db: number;
  /** the protocol asked for, or the one the user's HELLO switched to: kept for reconnects */
  private wanted: 2 | 3;
  private password?: string;
  readonly side: SideConnection;
  readonly catalog: CommandCatalog;

  constructor(protected readonly o: RouterOptions) {
    this.target = o.endpoint.nodes[0]!;
    this.db = o.endpoint.db;
    this.wanted = o.protocol;
    this.side = new SideConnection(() => this.options(3, 0, o.endpoint.db));
    this.catalog = new CommandCatalog((args) => this.side.send(args));
  }

  async serverVersion(): Promise<string> {
    const user = this.conn && !this.conn.closed ? this.conn : undefined;
    return serverVersionOf(user?.serverVersion ? user : await this.side.connection());
  }

  get protocol(): 2 | 3 {
    return this.conn?.protocol ?? this.wanted;
  }

  display(db: number): string {
    return displayOf(this.o.endpoint, db);
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

  async pipelineRaw(payload: string | Buffer, count: number): Promise<Reply[]> {
    return (await this.connection()).pipelineRaw(payload, count);
  }

  async sendBulkArray(args: readonly Arg[]): Promise<Reply | BulkArray> {
    return (await this.connection()).sendBulkArray(args);
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
    this.side.cancel(code);
  }

  async close(): Promise<void> {
    const c = this.conn;
    this.conn = undefined;
    await Promise.all([c?.close(), this.side.close()]);
  }

  /** Closes the user's connection: the next command opens it again (locate() first), on the same database. */
  protected async dropConnection(): Promise<void> {
    const c = this.conn;
    this.conn = undefined;
    await c?.close();
  }

  /**
   * Called before the user's connection is (re-)opened: sets `target`. A plain server's address is the profile's;
   * Sentinel asks where the master is now (redis-sentinel.ts), so a reconnect follows a failover.
   */
  protected async locate(): Promise<void> {}

  /** the connection options for the server; a password typed at the prompt is kept, so it is asked once */
  private options(protocol: 2 | 3, db: number, displayDb = db): ConnectionOptions {
    const ask = this.o.askPassword
      ? async (p: string) => (this.password ??= await this.o.askPassword!(p))
      : undefined;
    const opts = connectionOptions({ ...this.o, protocol, askPassword: ask }, this.target.host, this.target.port, db, displayDb);
    opts.display = this.display(displayDb);
    if (this.password !== undefined) opts.password ??= this.password;
    return opts;
  }

  private connection(): Promise<RespConnection> {
    if (this.conn && !this.conn.closed) return Promise.resolve(this.conn);
    this.opening ??= (async () => {
      try {
        await this.locate();
        this.conn = await RespConnection.open(this.options(this.wanted, this.db));
        return this.conn;
      } finally {
        this.opening = undefined;
      }
    })();
    return this.opening;
  }
}
