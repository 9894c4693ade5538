/**
 * Which URL schemes each engine takes, and a structural check of a connection URL. Pure.
 *
 * Exports:
 *   URL_SCHEMES                 engine → accepted schemes
 *   engineOfUrl(url)            the engine a URL's scheme belongs to, or undefined
 *   urlProblem(engine, url)     why the URL is unusable for that engine ('' when it is fine)
 *   checkEngineUrl(engine, url, at?)  throws UsageError (exit 2) `malformed URL for sql: …`, password redacted
 */
import { ENGINE_NAMES, UsageError, type EngineName } from '../errors.js';
import { redactUrlText, splitUrl, type UrlParts } from './redact.js';

export const URL_SCHEMES: Readonly<Record<EngineName, readonly string[]>> = {
  sql: ['mysql', 'mariadb'],
  kv: ['redis', 'rediss', 'redis-sentinel'],
  doc: ['mongodb', 'mongodb+srv'],
};

function schemeOf(url: string): string | undefined {
  return /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
}

export function engineOfUrl(url: string): EngineName | undefined {
  const scheme = schemeOf(url);
  return ENGINE_NAMES.find((e) => scheme !== undefined && URL_SCHEMES[e].includes(scheme));
}

export function schemeList(engine: EngineName): string {
  return URL_SCHEMES[engine].map((s) => `${s}://`).join(' or ');
}

function portProblem(port: string): string {
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) return `bad port "${port}"`;
  return '';
}

/** MongoDB URLs list several hosts (`a:27017,b:27017`), which WHATWG URL cannot parse. */
function mongoProblem(parts: UrlParts, srv: boolean): string {
  const hostList = parts.hostPart;
  if (/[:/?#[\]@]/.test(parts.user ?? '') || /[:/?#[\]@]/.test(parts.password ?? '')) {
    return 'a special character in the user or password must be percent-encoded (@ → %40)';
  }
  if (hostList === '') return 'no host';
  const hosts = hostList.split(',');
  if (srv && hosts.length !== 1) return 'mongodb+srv:// takes exactly one host name';
  for (const host of hosts) {
    const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(.*))?$/i.exec(host);
    if (!m) return `bad host "${host}"`;
    if (m[2] !== undefined) {
      if (srv) return 'mongodb+srv:// takes no port';
      const problem = portProblem(m[2]);
      if (problem) return problem;
    }
  }
  return '';
}

/** `redis-sentinel://h1:26379,h2:26379/0?name=mymaster`: several hosts, as MongoDB's, and a master name */
function sentinelProblem(parts: UrlParts): string {
  const hosts = mongoProblem({ ...parts, user: undefined, password: undefined }, false);
  if (hosts) return hosts;
  const m = /^(\/[^?#]*)?(\?[^#]*)?/.exec(parts.tail)!;
  if (m[1] !== undefined && m[1].length > 1 && !/^\/\d+$/.test(m[1])) return `the path must be a database number (/0), not "${m[1]}"`;
  const params = new URLSearchParams(m[2] ?? '');
  if (!params.get('name')) return "the master's name is missing: ?name=mymaster";
  const role = params.get('role');
  if (role !== null && role !== 'master' && role !== 'replica') return `role must be master or replica, not "${role}"`;
  return '';
}

export function urlProblem(engine: EngineName, url: string): string {
  const scheme = schemeOf(url);
  if (scheme === undefined || !URL_SCHEMES[engine].includes(scheme)) {
    return `${engine} URL must start with ${schemeList(engine)}`;
  }
  if (/\s/.test(url)) return 'it contains white space';
  // Problems are described from the host part only: the text before the last `@` may be a password.
  const parts = splitUrl(url)!;
  if (engine === 'doc') return mongoProblem(parts, scheme === 'mongodb+srv');
  if (scheme === 'redis-sentinel') return sentinelProblem(parts);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    const port = /^(?:\[[^\]]*\]|[^:]*):(.*)$/.exec(parts.hostPart)?.[1];
    const problem = port === undefined ? '' : portProblem(port);
    return problem || 'it cannot be parsed (a special character in the password must be percent-encoded)';
  }
  if (parsed.hostname === '') return 'no host';
  if (parsed.port !== '' && portProblem(parsed.port)) return portProblem(parsed.port);
  if (engine === 'kv' && parsed.pathname.length > 1 && !/^\/\d+$/.test(parsed.pathname)) {
    return `the path must be a database number (/0), not "${parsed.pathname}"`;
  }
  return '';
}

/** Throws a UsageError whose message never holds the password. `at` is a `file:line: path` prefix. */
export function checkEngineUrl(engine: EngineName, url: string, at?: string): void {
  const problem = urlProblem(engine, url);
  if (problem === '') return;
  const prefix = at === undefined ? '' : `${at}: `;
  throw new UsageError(`${prefix}malformed URL for ${engine}: ${redactUrlText(url)} (${problem})`, {
    code: 'BAD_URL',
    engine,
  });
}
