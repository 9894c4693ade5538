/**
 * A profile's sql entry (URL string or object) → mysql2 connection options, and the endpoint text for messages
 * (never with the password).
 */
import type { ConnectionOptions } from 'mysql2';
import { UsageError } from '../../errors.js';

export interface SqlTarget {
  options: ConnectionOptions;
  endpoint: string;
  /** the endpoint on another database (after `use x`, messages name x) */
  endpointFor(database: string | undefined): string;
  /** a user was named but no password given: the engine may ask for one on a TTY */
  passwordMissing: boolean;
  /**
   * no charset was asked for: after the handshake the session takes utf8mb4 with the server's default collation
   * (SET NAMES utf8mb4), as the mysql client's session has — a fixed collation made `where name = @n` an
   * "Illegal mix of collations" against the server's own defaults
   */
  serverCollation: boolean;
}

function str(v: unknown): string | undefined {
  return v === undefined || v === null ? undefined : String(v);
}

function fromUrl(url: string): Record<string, unknown> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`malformed URL for sql: ${url.replace(/:[^:@/]*@/, ':***@')}`, {
      engine: 'sql',
      code: 'BAD_URL',
      hint: 'mysql://user:password@host:3306/database',
    });
  }
  if (u.protocol !== 'mysql:' && u.protocol !== 'mariadb:') {
    throw new UsageError(`sql URLs start with mysql:// (got ${u.protocol}//)`, { engine: 'sql', code: 'BAD_URL' });
  }
  const decode = (part: string, what: string): string => {
    try {
      return decodeURIComponent(part);
    } catch {
      throw new UsageError(`malformed URL for sql: the ${what} holds a % that is not followed by two hex digits`, {
        engine: 'sql',
        code: 'BAD_URL',
        hint: 'write a literal % as %25 (and @ as %40, / as %2F, : as %3A)',
      });
    }
  };
  const entry: Record<string, unknown> = {
    host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: u.port ? Number(u.port) : 3306,
    user: u.username ? decode(u.username, 'user name') : undefined,
    password: u.password !== '' || url.includes(`${u.username}:@`) ? decode(u.password, 'password') : undefined,
    database: u.pathname.length > 1 ? decode(u.pathname.slice(1), 'database name') : undefined,
  };
  for (const [k, v] of u.searchParams) {
    if (k === 'ssl' || k === 'tls') entry.tls = v !== 'false' && v !== '0';
    else if (k === 'socket') entry.socket = v;
    else if (k === 'charset') entry.charset = v;
  }
  return entry;
}

export function sqlTarget(endpoint: string | Record<string, unknown>, connectTimeoutMs: number): SqlTarget {
  const entry = typeof endpoint === 'string' ? fromUrl(endpoint) : { ...(endpoint.url ? fromUrl(String(endpoint.url)) : {}), ...endpoint };
  const host = str(entry.host) ?? '127.0.0.1';
  const port = entry.port === undefined ? 3306 : Number(entry.port);
  const user = str(entry.user) ?? 'root';
  const database = str(entry.database);
  const socket = str(entry.socket);
  const password = str(entry.password);
  const tls = entry.tls;
  const options: ConnectionOptions = {
    host,
    port,
    user,
    password: password ?? '',
    database,
    socketPath: socket,
    connectTimeout: connectTimeoutMs,
    charset: str(entry.charset) ?? 'UTF8MB4_GENERAL_CI',
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: false,
    decimalNumbers: false,
    // JSON columns as the server's text: the driver's JSON.parse rounds integers beyond 2^53 (mysql-codec.ts)
    jsonStrings: true,
    // no typeCast function: FLOAT/DOUBLE/YEAR are read as the server's text and GEOMETRY as its bytes by the
    // column definitions columnSet() gives the row parser (mysql-columns.ts), with no call per value
    // as the mysql client: a DELIMITER chunk holding several statements is sent as it is, and each gives its result
    multipleStatements: true,
    // as the mysql client: "N rows affected" counts changed rows, not matched ones (FOUND_ROWS), and function names
    // stay usable as table names (IGNORE_SPACE made `create table count (…)` a syntax error)
    flags: ['-FOUND_ROWS', '-IGNORE_SPACE'],
    rowsAsArray: true,
    // the server's time zone text is printed as is; nothing is shifted to UTC
    timezone: 'local',
  };
  if (tls) options.ssl = typeof tls === 'object' ? (tls as Record<string, unknown>) : { rejectUnauthorized: true };
  const where = socket ? `socket ${socket}` : `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const endpointFor = (db: string | undefined): string => `mysql://${encodeURIComponent(user)}@${where}${db ? `/${db}` : ''}`;
  return {
    options,
    endpoint: endpointFor(database),
    endpointFor,
    passwordMissing: password === undefined,
    serverCollation: entry.charset === undefined,
  };
}
