/**
 * Safe display of connection settings: passwords never leave this module in clear. Pure.
 *
 * Exports:
 *   describeEndpoint(entry)   one line for `profile show` and errors: `mysql://root@127.0.0.1:3306/test`,
 *                             `{ host: db.internal, user: report, password: ***, tls: true }`
 *   redactEntry(entry)        a deep copy with every secret replaced by `***` (for JSON output)
 *   redactUrlText(url)        `scheme://user:***@host…` — also for URLs too broken to parse
 *   splitUrl(url)             scheme / user / password / host / tail, splitting the userinfo at the LAST `@`
 *   isSecretKey(key), hasLiteralPassword(value)
 *
 * errors.ts's redactUrl masks URLs inside free text (messages, history lines); this module works on one URL of a
 * profile, splitting its userinfo at the LAST `@` (which may hide too much but never too little) and masking
 * secrets in the query string as well.
 */
import { isPureEnvRef } from './env-vars.js';

export const MASK = '***';

const SECRET_KEYS = new Set(['password', 'pass', 'passwd', 'pwd', 'passphrase', 'secret', 'token', 'key', 'pfx', 'apikey']);

/** tls `key` / `pfx` are usually file paths: hidden from display, but not worth a permission warning. */
const KEY_FILE_KEYS = new Set(['key', 'pfx']);

function normalKey(key: string): string {
  return key.toLowerCase().replace(/[_-]/g, '');
}

export function isSecretKey(key: string): boolean {
  const k = normalKey(key);
  // sentinelPassword, masterPassword, …: a password whatever it is for
  return SECRET_KEYS.has(k) || k.endsWith('password');
}

function isPasswordKey(key: string): boolean {
  return isSecretKey(key) && !KEY_FILE_KEYS.has(normalKey(key));
}

export interface UrlParts {
  /** `mysql://` */
  scheme: string;
  user?: string;
  password?: string;
  /** host[:port][,host…] */
  hostPart: string;
  /** /path?query#hash */
  tail: string;
}

/** The first `:` that is not inside a `${VAR:-default}` reference (whose `:-` is no user/password separator). */
function colonOutsideRefs(userinfo: string): number {
  let depth = 0;
  for (let i = 0; i < userinfo.length; i++) {
    if (userinfo.startsWith('${', i)) {
      depth++;
      i++;
    } else if (userinfo[i] === '}' && depth > 0) depth--;
    else if (userinfo[i] === ':' && depth === 0) return i;
  }
  return -1;
}

export function splitUrl(url: string): UrlParts | undefined {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)(.*)$/is.exec(url);
  if (!m) return undefined;
  const scheme = m[1]!;
  let rest = m[2]!;
  let user: string | undefined;
  let password: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    rest = rest.slice(at + 1);
    const colon = colonOutsideRefs(userinfo);
    user = colon < 0 ? userinfo : userinfo.slice(0, colon);
    if (colon >= 0) password = userinfo.slice(colon + 1);
  }
  const end = rest.search(/[/?#]/);
  const hostPart = end < 0 ? rest : rest.slice(0, end);
  const tail = end < 0 ? '' : rest.slice(end);
  return { scheme, user, password, hostPart, tail };
}

/** `?password=x&authSource=admin` → `?password=***&authSource=admin` */
function redactQuery(tail: string): string {
  return tail.replace(/([?&])([^=&#]*)=([^&#]*)/g, (whole, sep: string, key: string) =>
    isSecretKey(decodeSafe(key)) ? `${sep}${key}=${MASK}` : whole,
  );
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** For error messages: keeps the fact that a password was given. */
export function redactUrlText(url: string): string {
  const parts = splitUrl(url);
  if (!parts) return url;
  const userinfo =
    parts.user === undefined ? '' : parts.password === undefined ? `${parts.user}@` : `${parts.user}:${MASK}@`;
  return `${parts.scheme}${userinfo}${parts.hostPart}${redactQuery(parts.tail)}`;
}

/** For display: the password is left out altogether, as the mysql client's prompt shows `root@host`. */
function describeUrl(url: string): string {
  const parts = splitUrl(url);
  if (!parts) return url;
  const userinfo = parts.user ? `${parts.user}@` : '';
  return `${parts.scheme}${userinfo}${parts.hostPart}${redactQuery(parts.tail)}`;
}

function looksLikeUrl(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
}

export function redactEntry(value: unknown, key = ''): unknown {
  if (key !== '' && isSecretKey(key) && value !== null && value !== undefined && typeof value !== 'object') return MASK;
  if (typeof value === 'string') return looksLikeUrl(value) ? redactUrlText(value) : value;
  if (Array.isArray(value)) return value.map((v) => redactEntry(v));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactEntry(v, k)]));
  }
  return value;
}

function describeValue(value: unknown, key: string): string {
  if (key !== '' && isSecretKey(key) && value !== null && value !== undefined && typeof value !== 'object') return MASK;
  if (typeof value === 'string') return looksLikeUrl(value) ? describeUrl(value) : value;
  if (Array.isArray(value)) return `[${value.map((v) => describeValue(v, '')).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const inner = Object.entries(value).map(([k, v]) => `${k}: ${describeValue(v, k)}`);
    return inner.length === 0 ? '{}' : `{ ${inner.join(', ')} }`;
  }
  return String(value);
}

export function describeEndpoint(entry: unknown): string {
  if (entry === undefined || entry === null) return '(not configured)';
  return describeValue(entry, '');
}

/**
 * True when the value holds a password written out in the file: a secret key with a literal value, or a URL
 * whose userinfo password is not entirely one `${…}` reference.
 */
export function hasLiteralPassword(value: unknown, key = ''): boolean {
  if (typeof value === 'string') {
    if (key !== '' && isPasswordKey(key)) return value !== '' && !isPureEnvRef(value);
    const password = looksLikeUrl(value) ? splitUrl(value)?.password : undefined;
    return password !== undefined && password !== '' && !isPureEnvRef(password);
  }
  if (typeof value === 'number') return key !== '' && isPasswordKey(key);
  if (Array.isArray(value)) return value.some((v) => hasLiteralPassword(v));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([k, v]) => hasLiteralPassword(v, k));
  }
  return false;
}
