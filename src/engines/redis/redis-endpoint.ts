/**
 * A profile's kv entry → where and how to connect. Accepts `redis://[user:pass@]host:port/db`, `rediss://` (TLS),
 * an object `{host, port, username, password, db, tls, url}`, `{cluster: [urls…]}` for Redis Cluster, or
 * `{sentinels: [urls…], name, role, password, sentinelPassword}` / `redis-sentinel://h1:26379,h2:26379/0?name=N`
 * for a server found through Redis Sentinel.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { UsageError } from '../../errors.js';

export interface NodeAddress {
  host: string;
  port: number;
}

/** Redis Sentinel: where to ask, for what (redis-sentinel.ts) */
export interface SentinelSettings {
  /** the Sentinels, asked in turn */
  nodes: NodeAddress[];
  /** the master's name in the Sentinels' configuration (`sentinel monitor NAME …`) */
  name: string;
  /** what to reach: the master, or a healthy replica (read-only commands then) */
  role: 'master' | 'replica';
  /** the Sentinels' own credentials (their `requirepass`), apart from the data nodes' */
  username?: string;
  password?: string;
}

export interface RedisEndpoint {
  /** the server, the cluster's seed nodes, or the Sentinels */
  nodes: NodeAddress[];
  cluster: boolean;
  /** set when the server is found through Redis Sentinel: `nodes` are the Sentinels then */
  sentinel?: SentinelSettings;
  username?: string;
  password?: string;
  db: number;
  /** undefined = plain TCP */
  tls?: ConnectionOptions;
  /** the RESP version asked for (`?protocol=3`, `protocol: 3`); undefined = the one the output format wants */
  protocol?: 2 | 3;
  /** for messages: never contains the password */
  display: string;
}

const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_PORT = 6379;

export function parseRedisEndpoint(entry: string | Record<string, unknown>): RedisEndpoint {
  if (typeof entry === 'string') return /^redis-sentinel:/i.test(entry) ? fromSentinelUrl(entry) : fromUrl(entry);
  if (entry === null || typeof entry !== 'object') throw bad('expected a redis:// URL or an object');
  if (entry.cluster !== undefined) return fromCluster(entry);
  if (entry.sentinels !== undefined) return fromSentinels(entry);
  const base = typeof entry.url === 'string' ? fromUrl(entry.url) : undefined;
  const host = str(entry.host) ?? base?.nodes[0]!.host ?? DEFAULT_HOST;
  const port = num(entry.port, 'port') ?? base?.nodes[0]!.port ?? DEFAULT_PORT;
  const ep: RedisEndpoint = {
    nodes: [{ host, port }],
    cluster: false,
    username: str(entry.username) ?? str(entry.user) ?? base?.username,
    password: str(entry.password) ?? base?.password,
    db: num(entry.db, 'db') ?? num(entry.database, 'database') ?? base?.db ?? 0,
    tls: entry.tls !== undefined ? tlsOptions(entry.tls, host) : base?.tls,
    protocol: protocolOf(entry.protocol) ?? base?.protocol,
    display: '',
  };
  ep.display = displayOf(ep);
  return ep;
}

/** 2 or 3, as redis-cli's -2 / -3 */
function protocolOf(v: unknown): 2 | 3 | undefined {
  if (v === undefined || v === null) return undefined;
  if (String(v) === '2' || String(v) === '3') return Number(v) as 2 | 3;
  throw bad(`protocol: expected 2 or 3 (RESP2 or RESP3), got "${String(v)}"`);
}

function fromUrl(text: string): RedisEndpoint {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw bad(`not a URL: ${redactedInput(text)}`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw bad(`expected redis:// or rediss://, got ${url.protocol}//`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1') || DEFAULT_HOST;
  const port = url.port ? Number(url.port) : DEFAULT_PORT;
  const path = url.pathname.replace(/^\//, '');
  const dbText = path || url.searchParams.get('db') || '0';
  if (!/^\d+$/.test(dbText)) throw bad(`the database in a redis URL is a number, got "${dbText}"`);
  const ep: RedisEndpoint = {
    nodes: [{ host, port }],
    cluster: false,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: Number(dbText),
    tls: url.protocol === 'rediss:' ? { servername: host } : undefined,
    protocol: protocolOf(url.searchParams.get('protocol') ?? undefined),
    display: '',
  };
  ep.display = displayOf(ep);
  return ep;
}

function fromCluster(entry: Record<string, unknown>): RedisEndpoint {
  const seeds = entry.cluster;
  if (!Array.isArray(seeds) || seeds.length === 0) throw bad('cluster: expected a list of redis:// URLs');
  const parsed = seeds.map((s) => parseRedisEndpoint(s as string | Record<string, unknown>));
  const first = parsed[0]!;
  const ep: RedisEndpoint = {
    nodes: parsed.map((p) => p.nodes[0]!),
    cluster: true,
    username: str(entry.username) ?? str(entry.user) ?? first.username,
    password: str(entry.password) ?? first.password,
    db: 0,
    tls: entry.tls !== undefined ? tlsOptions(entry.tls, first.nodes[0]!.host) : first.tls,
    protocol: protocolOf(entry.protocol) ?? first.protocol,
    display: '',
  };
  ep.display = displayOf(ep);
  return ep;
}

function fromSentinels(entry: Record<string, unknown>): RedisEndpoint {
  const list = entry.sentinels;
  if (!Array.isArray(list) || list.length === 0) throw bad('sentinels: expected a list of redis:// URLs');
  const parsed = list.map((s) => parseRedisEndpoint(s as string | Record<string, unknown>));
  const first = parsed[0]!;
  const name = str(entry.name);
  if (!name) throw bad('sentinels: the master\'s name is missing (name: mymaster)');
  const ep: RedisEndpoint = {
    nodes: parsed.map((p) => p.nodes[0]!),
    cluster: false,
    sentinel: {
      nodes: parsed.map((p) => p.nodes[0]!),
      name,
      role: roleOf(entry.role),
      username: str(entry.sentinelUsername) ?? first.username,
      password: str(entry.sentinelPassword) ?? first.password,
    },
    username: str(entry.username) ?? str(entry.user),
    password: str(entry.password),
    db: num(entry.db, 'db') ?? num(entry.database, 'database') ?? first.db,
    tls: entry.tls !== undefined ? tlsOptions(entry.tls, first.nodes[0]!.host) : first.tls,
    protocol: protocolOf(entry.protocol) ?? first.protocol,
    display: '',
  };
  ep.display = displayOf(ep);
  return ep;
}

/**
 * `redis-sentinel://[user:pass@]h1:26379,h2:26379[/db]?name=mymaster[&role=replica][&sentinelPassword=…]`: the
 * userinfo is the data nodes' login (as in redis-py and Lettuce URLs), the Sentinels' own password a parameter.
 * Several hosts: WHATWG URL cannot parse them, so the parts are cut here.
 */
function fromSentinelUrl(text: string): RedisEndpoint {
  const m = /^redis-sentinel:\/\/(?:([^@/?#]*)@)?([^/?#]*)(\/[^?#]*)?(\?[^#]*)?$/i.exec(text);
  if (!m) throw bad(`not a redis-sentinel:// URL: ${redactedInput(text)}`);
  const [, userinfo, hostList, path, query] = m;
  const params = new URLSearchParams(query ?? '');
  const nodes = hostList!.split(',').map((h) => hostPortOf(h, 26379));
  const colon = userinfo?.indexOf(':') ?? -1;
  const decode = (v: string | undefined): string | undefined => (v ? decodeURIComponent(v) : undefined);
  const dbText = (path ?? '').replace(/^\//, '') || params.get('db') || '0';
  if (!/^\d+$/.test(dbText)) throw bad(`the database in a redis-sentinel URL is a number, got "${dbText}"`);
  return fromSentinels({
    sentinels: nodes.map((n) => `redis://${n.host.includes(':') ? `[${n.host}]` : n.host}:${n.port}`),
    name: params.get('name') ?? params.get('masterName') ?? undefined,
    role: params.get('role') ?? undefined,
    username: decode(colon < 0 ? userinfo : userinfo!.slice(0, colon)),
    password: decode(colon < 0 ? undefined : userinfo!.slice(colon + 1)),
    sentinelPassword: params.get('sentinelPassword') ?? undefined,
    sentinelUsername: params.get('sentinelUsername') ?? undefined,
    db: Number(dbText),
    protocol: params.get('protocol') ?? undefined,
  });
}

function hostPortOf(text: string, defaultPort: number): NodeAddress {
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(text);
  if (!m) throw bad(`bad host "${text}"`);
  return { host: m[1]!.replace(/^\[(.*)\]$/, '$1'), port: m[2] ? Number(m[2]) : defaultPort };
}

function roleOf(v: unknown): 'master' | 'replica' {
  if (v === undefined || v === null || v === 'master') return 'master';
  if (v === 'replica' || v === 'slave') return 'replica';
  throw bad(`role: expected master or replica, got "${String(v)}"`);
}

function tlsOptions(value: unknown, host: string): ConnectionOptions | undefined {
  if (value === false || value === undefined || value === null) return undefined;
  if (value === true) return { servername: host };
  if (typeof value !== 'object') throw bad('tls: expected true, false or an object');
  const o = value as Record<string, unknown>;
  const opts: ConnectionOptions = { servername: str(o.servername) ?? host };
  // ca/cert/key may be PEM text or a file path
  const pem = (v: unknown): string | undefined => {
    const s = str(v);
    if (s === undefined || s.includes('-----BEGIN')) return s;
    return readFileSync(s, 'utf8');
  };
  if (o.ca !== undefined) opts.ca = pem(o.ca);
  if (o.cert !== undefined) opts.cert = pem(o.cert);
  if (o.key !== undefined) opts.key = pem(o.key);
  if (o.rejectUnauthorized === false) opts.rejectUnauthorized = false;
  return opts;
}

/** where it connects, for messages (never the password), on database `db` (the one SELECTed since, in a session) */
export function displayOf(ep: RedisEndpoint, db = ep.db): string {
  const scheme = ep.tls ? 'rediss' : 'redis';
  const user = ep.username ? `${encodeURIComponent(ep.username)}@` : '';
  if (ep.cluster) return `${scheme}://${user}${ep.nodes.map(hostPort).join(',')} (cluster)`;
  if (ep.sentinel) {
    const role = ep.sentinel.role === 'replica' ? '&role=replica' : '';
    return `${scheme}-sentinel://${user}${ep.nodes.map(hostPort).join(',')}/${db}?name=${encodeURIComponent(ep.sentinel.name)}${role}`;
  }
  return `${scheme}://${user}${hostPort(ep.nodes[0]!)}/${db}`;
}

/** a node's address in messages: `127.0.0.1:6379`, `[::1]:6379` */
export function hostPort(n: NodeAddress): string {
  return `${n.host.includes(':') ? `[${n.host}]` : n.host}:${n.port}`;
}

function str(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  return String(v);
}

function num(v: unknown, what: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw bad(`${what}: expected a non-negative integer`);
  return n;
}

function redactedInput(text: string): string {
  return text.replace(/\/\/([^/@]*)@/, '//***@').replace(/([?&]sentinelPassword=)[^&#]*/gi, '$1***');
}

function bad(message: string): UsageError {
  return new UsageError(`kv connection: ${message}`, { code: 'BAD_CONFIG', engine: 'kv' });
}
