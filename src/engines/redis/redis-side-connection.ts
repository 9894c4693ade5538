/**
 * dbx's own connection to a server, for what dbx asks for itself rather than the user: command docs and flags
 * (learner hints, safety, completion, cluster key positions), the server version, cluster topology. It never
 * shares the user's connection, where a lookup would be queued in the user's MULTI (EXEC then returns it as an
 * extra element), run under their WATCH, SELECT, CLIENT TRACKING or HELLO, or wait behind their subscription.
 *
 * Opened on first use (a script that never fails and needs no flags never opens it), on RESP3 and database 0,
 * with the user's credentials; re-opened after a cancel dropped it; closed with the engine.
 */
import { RespConnection, type ConnectionOptions } from './resp-connection.js';
import { replyText, type Arg, type Reply } from './resp-types.js';

export class SideConnection {
  private opening?: Promise<RespConnection>;

  /** `options` is read when the connection opens: the address (a cluster's seed) and a typed password may change */
  constructor(private readonly options: () => ConnectionOptions) {}

  /** the connection, opened if need be */
  async connection(): Promise<RespConnection> {
    const current = await this.opening?.catch(() => undefined);
    if (current && !current.closed) return current;
    const opening = RespConnection.open(this.options());
    this.opening = opening;
    opening.catch(() => {
      if (this.opening === opening) this.opening = undefined;
    });
    return opening;
  }

  async send(args: readonly Arg[]): Promise<Reply> {
    return (await this.connection()).send(args);
  }

  /** what is waiting on it fails with `code` (Ctrl-C, --timeout: a hint lookup must not outlive its statement) */
  cancel(code: string): void {
    void this.opening?.then((c) => c.cancel(code), () => undefined);
  }

  async close(): Promise<void> {
    const opening = this.opening;
    this.opening = undefined;
    await opening?.then((c) => c.close(), () => undefined);
  }
}

/** `7.0.15`, from the HELLO reply or from INFO server */
export async function serverVersionOf(conn: RespConnection): Promise<string> {
  if (conn.serverVersion) return conn.serverVersion;
  const text = replyText(await conn.send(['INFO', 'server']));
  return /^redis_version:(\S+)/m.exec(text)?.[1] ?? '';
}
