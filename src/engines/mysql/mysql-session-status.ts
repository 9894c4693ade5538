/**
 * What the shell's `status` / `\s` and `warnings` / `\W` ask of a MySQL/MariaDB session, as the mysql client shows
 * them. The session's own facts (connection id, version, database, TLS) come from the connection dbx holds; the
 * server's (user, character sets, uptime, counters) from the side connection, so that the user's session keeps
 * its diagnostics area, FOUND_ROWS() and variables. SHOW WARNINGS is the one exception: warnings live in the
 * user's session, and reading them does not clear them.
 */
import type { Connection } from 'mysql2';
import type { SessionStatus } from '../engine.js';
import { formatSeconds } from './mysql-status.js';

export interface StatusSource {
  conn: Connection;
  /** the greeting's version text, without MariaDB's 5.5.5- prefix */
  version: string;
  protocolVersion?: number;
  database?: string;
  /** host:port or a socket path, from the profile */
  host?: string;
  port?: number;
  socketPath?: string;
  /** a query on the side connection, in the user's current database */
  side(sql: string): Promise<unknown[][]>;
}

export async function sessionStatus(src: StatusSource): Promise<SessionStatus> {
  const [[user, versionComment, serverCharset, dbCharset, clientCharset, connCharset]] = (await src.side(
    'select user(), @@version_comment, @@character_set_server, @@character_set_database, @@character_set_client, @@character_set_connection',
  )) as string[][] as [string[]];
  const counters = new Map(
    ((await src.side(
      "show global status where variable_name in ('Uptime', 'Threads_connected', 'Questions', 'Slow_queries', 'Opened_tables', 'Open_tables')",
    )) as string[][]).map(([k, v]) => [String(k).toLowerCase(), Number(v)]),
  );
  const stream = (src.conn as unknown as { stream?: { encrypted?: boolean; getCipher?: () => { name?: string } } }).stream;
  const cipher = stream?.encrypted ? stream.getCipher?.()?.name : undefined;
  const uptime = counters.get('uptime') ?? 0;
  const fields: Array<[string, string]> = [
    ['Connection id', String(src.conn.threadId)],
    ['Current database', src.database ?? ''],
    ['Current user', String(user ?? '')],
    ['SSL', stream?.encrypted ? `Cipher in use is ${cipher ?? 'unknown'}` : 'Not in use'],
    ['Server', /mariadb/i.test(src.version) ? 'MariaDB' : 'MySQL'],
    ['Server version', `${src.version}${versionComment ? ` ${versionComment}` : ''}`],
  ];
  if (src.protocolVersion !== undefined) fields.push(['Protocol version', String(src.protocolVersion)]);
  fields.push(['Connection', src.socketPath ? `Localhost via UNIX socket` : `${src.host} via TCP/IP`]);
  fields.push(
    ['Server characterset', String(serverCharset ?? '')],
    ['Db     characterset', String(dbCharset ?? '')],
    ['Client characterset', String(clientCharset ?? '')],
    ['Conn.  characterset', String(connCharset ?? '')],
  );
  fields.push(src.socketPath ? ['UNIX socket', src.socketPath] : ['TCP port', String(src.port ?? '')]);
  fields.push(['Uptime', formatSeconds(uptime, 0)]);
  const questions = counters.get('questions') ?? 0;
  const summary =
    `Threads: ${counters.get('threads_connected') ?? 0}  Questions: ${questions}  Slow queries: ${counters.get('slow_queries') ?? 0}  ` +
    `Opens: ${counters.get('opened_tables') ?? 0}  Open tables: ${counters.get('open_tables') ?? 0}  ` +
    `Queries per second avg: ${uptime > 0 ? (questions / uptime).toFixed(3) : '0.000'}`;
  return { fields, summary };
}

/** `Warning (Code 1292): Truncated incorrect DOUBLE value: 'x'`, one per warning of the last statement. */
export function lastWarnings(conn: Connection): Promise<string[]> {
  return new Promise((resolve, reject) =>
    conn.query({ sql: 'SHOW WARNINGS', rowsAsArray: true }, (err, rows) => {
      if (err) return reject(err);
      resolve((rows as unknown[][]).map(([level, code, message]) => `${String(level)} (Code ${String(code)}): ${String(message)}`));
    }),
  );
}
