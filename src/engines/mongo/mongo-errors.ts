/**
 * Driver errors → DbxError, wrapped once here: no server reachable / no login is exit 3, a bad URL or option
 * exit 2, anything the server or driver refuses while running a statement exit 1 with the server's code.
 * Errors are told apart by `name`, so this file needs no driver import.
 */
import { ConnectError, DbxError, StatementError, UsageError } from '../../errors.js';
import { brokeOpenConnection, networkHint, networkMessage } from '../network-errors.js';
import { tooLargeMessage, TOO_LARGE_HINT } from './doc-limits.js';

interface DriverError extends Error {
  code?: number | string;
  codeName?: string;
  errmsg?: string;
  cause?: unknown;
  reason?: { servers?: Map<string, { error?: { message?: string; cause?: { code?: string } } | null }> };
  writeErrors?: Array<{ code?: number; errmsg?: string }> | { code?: number; errmsg?: string };
  /** MongoBulkWriteError: what the batch did write before (or besides) its errors */
  insertedCount?: number;
}

/** Names for codes the server sends without a codeName (write errors carry only code and errmsg). */
const CODE_NAMES: Record<number, string> = {
  11000: 'DuplicateKey',
  11001: 'DuplicateKey',
  121: 'DocumentValidationFailure',
  2: 'BadValue',
  9: 'FailedToParse',
  13: 'Unauthorized',
  18: 'AuthenticationFailed',
  26: 'NamespaceNotFound',
  27: 'IndexNotFound',
  48: 'NamespaceExists',
  50: 'MaxTimeMSExpired',
  11601: 'Interrupted',
  279: 'ClientDisconnect',
};


const CONNECT_NAMES = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoTopologyClosedError',
  'MongoNotConnectedError',
  'MongoMissingCredentialsError',
]);

/** The network code behind a server selection failure: ECONNREFUSED, ENOTFOUND, … */
function networkCode(err: DriverError): string | undefined {
  const texts: string[] = [err.message ?? ''];
  for (const server of err.reason?.servers?.values() ?? []) {
    const code = server.error?.cause?.code;
    if (code) return code;
    if (server.error?.message) texts.push(server.error.message);
  }
  const cause = err.cause as { code?: unknown } | undefined;
  if (typeof cause?.code === 'string') return cause.code;
  for (const text of texts) {
    const m = /\b(E[A-Z]{4,}[A-Z_]*)\b/.exec(text);
    if (m && networkMessage(m[1])) return m[1];
  }
  return undefined;
}

function serverCode(err: DriverError): { errno?: number; code: string } {
  let errno = typeof err.code === 'number' ? err.code : undefined;
  const first = Array.isArray(err.writeErrors) ? err.writeErrors[0] : err.writeErrors;
  if (errno === undefined && typeof first?.code === 'number') errno = first.code;
  const code = err.codeName ?? (errno !== undefined ? CODE_NAMES[errno] : undefined) ?? (errno !== undefined ? `MONGO_${errno}` : 'MONGO_ERROR');
  return { errno, code };
}

function isAuthFailure(err: DriverError): boolean {
  return err.code === 18 || err.codeName === 'AuthenticationFailed' || /authentication failed/i.test(err.message ?? '');
}

export function connectError(e: unknown, endpoint: string, timeoutMs?: number): DbxError {
  if (e instanceof DbxError) return e;
  const err = e as DriverError;
  // the driver's own checks of the URL and its options (MongoAPIError: `?replicaSet` without a value), and a
  // `%` that is no escape (URIError from decoding it): the settings are wrong, no server was asked
  if (['MongoParseError', 'MongoInvalidArgumentError', 'MongoAPIError', 'URIError'].includes(err?.name ?? '')) {
    return new UsageError(`bad connection settings for doc: ${err.message}`, { engine: 'doc', code: 'BAD_URL', endpoint, cause: e });
  }
  if (isAuthFailure(err)) {
    return new ConnectError(`cannot connect: authentication failed`, {
      code: 'AuthenticationFailed',
      errno: 18,
      engine: 'doc',
      endpoint,
      hint: 'check the user and password of the profile (and authSource, usually admin)',
      cause: e,
    });
  }
  const net = networkCode(err);
  const known = networkMessage(net);
  let message = known ? `${known} (${net})` : err?.message || String(e);
  if (err?.name === 'MongoServerSelectionError' && !known) {
    message = `no server answered${timeoutMs ? ` within ${timeoutMs} ms` : ''} (${message})`;
  }
  return new ConnectError(`cannot connect: ${message}`, {
    code: net ?? (err?.name === 'MongoServerSelectionError' ? 'SERVER_SELECTION_TIMEOUT' : err?.name ?? 'CONNECT_FAILED'),
    engine: 'doc',
    endpoint,
    hint:
      networkHint(net, 'doc') ??
      (net === undefined && err?.name === 'MongoServerSelectionError'
          ? 'check the host, the port and any firewall; for a replica set, that its members are reachable by their configured names'
          : undefined),
    cause: e,
  });
}

/** A failure while running `statement`; losing the server mid-script is still a connection error. */
export function statementError(e: unknown, statement: string, endpoint: string): DbxError {
  if (e instanceof DbxError) {
    e.statement ??= statement;
    return e;
  }
  const err = e as DriverError;
  if (CONNECT_NAMES.has(err?.name)) {
    const c = connectError(e, endpoint);
    if (err.name !== 'MongoNetworkError' && !brokeOpenConnection(c.code)) return c;
    // the server went away or the network broke while the statement ran: not "cannot connect"
    return new ConnectError(c.message.replace(/^cannot connect: /, 'lost the connection during the statement: '), {
      code: c.code, engine: 'doc', endpoint, statement, hint: c.hint, cause: e,
    });
  }
  if (err?.name === 'MongoServerError' || err?.name === 'MongoBulkWriteError' || err?.name === 'MongoWriteConcernError') {
    const { errno, code } = serverCode(err);
    return new StatementError(err.errmsg ?? err.message, {
      code, errno, engine: 'doc', endpoint, statement, cause: e, hint: partialWriteHint(err),
    });
  }
  // the serializer's buffer is sized for the largest document the server takes: past it, its offset is out of range
  if (e instanceof RangeError && /offset/i.test(e.message) && /out of range/i.test(e.message)) {
    return new StatementError(tooLargeMessage(), { code: 'DOCUMENT_TOO_LARGE', engine: 'doc', endpoint, statement, hint: TOO_LARGE_HINT });
  }
  const code = err?.name === 'MongoInvalidArgumentError' || err?.name === 'BSONError' ? 'INVALID_ARGUMENT' : err?.name ?? 'ERROR';
  return new StatementError(err?.message ?? String(e), { code, engine: 'doc', endpoint, statement, cause: e });
}

/**
 * insertMany / bulkWrite: the server keeps what it wrote before the failing document (and, unordered, after it);
 * say so, as mongosh does with its insertedCount, rather than let a failed statement look like nothing happened.
 */
function partialWriteHint(err: DriverError): string | undefined {
  if (err.name !== 'MongoBulkWriteError') return undefined;
  const inserted = err.insertedCount;
  if (typeof inserted !== 'number' || inserted === 0) return undefined;
  const failed = Array.isArray(err.writeErrors) ? err.writeErrors.length : 1;
  return `${inserted} of the documents ${inserted === 1 ? 'was' : 'were'} inserted and ${failed} failed ` +
    '(an ordered insertMany stops at the first error; { ordered: false } goes on past it)';
}
