/**
 * mysql2 errors → DbxError, wrapped once here: connection failures are exit 3, server errors exit 1 with the
 * server's errno and text, and a learner hint where one helps.
 */
import { ConnectError, DbxError, StatementError, UsageError } from '../../errors.js';
import { mariadbErrorName } from './mariadb-error-names.js';
import { sqlHint, type HintOptions } from './sql-hints.js';
import { brokeOpenConnection, certificateHint, networkHint, networkMessage } from '../network-errors.js';

interface MysqlError extends Error {
  code?: string;
  errno?: number;
  sqlState?: string;
  sqlMessage?: string;
  fatal?: boolean;
}

/** mysql2's own connection failures; socket errors are described by network-errors.ts */
const driverCodes: Record<string, string> = {
  HANDSHAKE_SSL_ERROR: 'TLS handshake failed',
  HANDSHAKE_NO_SSL_SUPPORT: 'the server does not support TLS',
  PROTOCOL_CONNECTION_LOST: 'connection lost',
};

function connectMessage(code: string): string | undefined {
  return networkMessage(code) ?? driverCodes[code];
}

/** errnos that mean "you cannot get in", when they come while connecting */
const connectErrnos = new Set([1045, 1044, 1049, 1698, 1130, 1129, 1040, 1251]);

/**
 * Exit 3 for a connection that fails; `during` a statement (the server went away, the network broke) it says so
 * instead of "cannot connect".
 */
export function connectError(e: unknown, endpoint: string, during?: string): DbxError {
  if (e instanceof DbxError) return e;
  // mysql2 checks its options when the connection is created: a setting it refuses is bad config, not a network fault
  if (e instanceof TypeError && /^Unknown charset/.test(e.message)) {
    return new UsageError(e.message, { code: 'BAD_URL', engine: 'sql', endpoint, hint: 'charset=utf8mb4 (or leave it out)' });
  }
  const err = e as MysqlError;
  const code = err.code ?? 'CONNECT_FAILED';
  const known = connectMessage(code);
  let hint: string | undefined;
  if (err.errno === 1045) hint = 'check the user and password of the profile (or $MYSQL_PWD)';
  if (err.errno === 1049) hint = 'create it first, or connect without a database';
  // mysql2's TLS failures carry OpenSSL's reason as their message: "self-signed certificate in certificate chain"
  const tlsReason = code === 'HANDSHAKE_SSL_ERROR' && err.message && err.message !== code ? err.message : undefined;
  if (tlsReason) hint ??= certificateHint(tlsReason);
  hint ??= networkHint(code, 'sql');
  const message = known ? `${known}${tlsReason ? `: ${tlsReason}` : ''} (${code})` : err.sqlMessage ?? err.message ?? String(e);
  return new ConnectError(during === undefined ? `cannot connect: ${message}` : `lost the connection during the statement: ${message}`, {
    code,
    errno: err.errno && err.errno > 0 && err.sqlMessage ? err.errno : undefined,
    engine: 'sql',
    endpoint,
    statement: during,
    hint,
    cause: e,
  });
}

/**
 * The server's name for an errno. mysql2 names errors from MySQL's list, where MariaDB-only numbers mean something
 * else (4025 is MySQL's ER_INNODB_AUTOEXTEND_SIZE_OUT_OF_RANGE, MariaDB's ER_CONSTRAINT_FAILED): a MariaDB server's
 * errors take MariaDB's names.
 */
export function errorName(errno: number | undefined, driverCode: string | undefined, mariadb: boolean): string {
  return (mariadb && errno !== undefined ? mariadbErrorName(errno) : undefined) ?? driverCode ?? 'ER_UNKNOWN';
}

export interface StatementContext extends HintOptions {
  /** the server is MariaDB (its handshake says so): errors take MariaDB's names */
  mariadb?: boolean;
}

export function statementError(e: unknown, statement: string, endpoint: string, context: StatementContext = {}): DbxError {
  const mariadb = context.mariadb ?? false;
  if (e instanceof DbxError) return e;
  const err = e as MysqlError;
  // a server error has an SQLSTATE; its message may be empty (SIGNAL … SET MESSAGE_TEXT = '')
  if (err.sqlMessage === undefined || err.sqlState === undefined) {
    if (err.code && connectMessage(err.code)) return connectError(e, endpoint, err.code === 'PROTOCOL_CONNECTION_LOST' || brokeOpenConnection(err.code) ? statement : undefined);
    const hint = /field name .* private property/i.test(err.message ?? '')
      ? 'give the column another name with AS: the driver cannot return a column named like an object property'
      : undefined;
    return new StatementError(err.message ?? String(e), { code: err.code ?? 'ERROR', engine: 'sql', endpoint, statement, hint, cause: e });
  }
  if (connectErrnos.has(err.errno ?? 0) && err.fatal) return connectError(e, endpoint);
  const message = [err.sqlMessage, `(SQLSTATE ${err.sqlState})`].filter(Boolean).join(' ');
  return new StatementError(message, {
    code: errorName(err.errno, err.code, mariadb),
    errno: err.errno,
    engine: 'sql',
    endpoint,
    statement,
    hint: sqlHint(statement, err.errno ?? 0, err.sqlMessage ?? '', context),
    cause: e,
  });
}
