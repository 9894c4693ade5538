import type { EngineName } from '../errors.js';

/**
 * What a socket error code means, in the same words for every engine: "cannot connect: connection refused …".
 */
const MESSAGES: Record<string, string> = {
  ECONNREFUSED: 'connection refused — is the server running?',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'unknown host (name lookup failed)',
  ETIMEDOUT: 'connect timeout',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset by the server',
  EPIPE: 'connection closed by the server',
  ENOENT: 'no such socket file',
};

/** codes that mean an open connection broke, as opposed to one that could not be made */
export function brokeOpenConnection(code: string | undefined): boolean {
  return code === 'ECONNRESET' || code === 'EPIPE';
}

/** The readable words for a socket error code, or undefined for a code that is not a network failure. */
export function networkMessage(code: string | undefined): string | undefined {
  return code === undefined ? undefined : MESSAGES[code];
}

/**
 * How to start each engine's server on this side. `npm run up` starts MariaDB and Redis everywhere, MongoDB only
 * through Docker (it has no Debian package), so the doc hint names what does.
 */
const START_SERVER: Record<EngineName, string> = {
  sql: 'start the server (npm run up) or check the port',
  kv: 'start the server (npm run up) or check the port',
  doc: 'start a MongoDB server (docker compose up -d mongo, or a mongod of your own; npm run up starts one only where Docker runs) or check the port',
};

/** A hint for the failures a user can fix on this side. */
export function networkHint(code: string | undefined, engine: EngineName): string | undefined {
  if (code === 'ECONNREFUSED') return START_SERVER[engine];
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'check the host name of the profile or URL';
  return undefined;
}

/**
 * A hint for a TLS handshake that failed on the server's certificate (its text as OpenSSL/Node word it): what to
 * trust, or which name to dial. Undefined for other TLS failures.
 */
export function certificateHint(reason: string): string | undefined {
  if (/self[- ]signed|unable to (get local issuer|verify the first)|issuer certificate/i.test(reason)) {
    return "the server's certificate is not signed by a CA trusted here: give its CA with NODE_EXTRA_CA_CERTS=FILE";
  }
  if (/altnames|does not match certificate|Hostname\/IP/i.test(reason)) {
    return "the certificate names another host: connect to a name it lists";
  }
  if (/expired|not yet valid/i.test(reason)) return "the server's certificate is outside its validity dates";
  return undefined;
}
