/**
 * The shape of a dbx config file and its validation. Pure: takes the parsed YAML value and a map from value
 * path to line, returns a DbxConfig or throws a UsageError (exit 2) `dbx.yaml:7: profiles.prod.safety must be …`.
 *
 * Values are kept as written: `${VAR}` references are filled later, only for the profile that is used
 * (see profile.ts). A URL without references is checked here already, so a typo fails on every run.
 *
 * Exports: types DbxConfig, ProfileConfig, EngineEntry, Safety; SAFETY_LEVELS; ENGINE_NAMES;
 *          validateConfig(value, source); whereOf(config, path); suggest(word, candidates)
 */
import { ENGINE_NAMES, UsageError, type EngineName } from '../errors.js';
import { closestName } from '../text/closest-name.js';
import { ownMap, ownTable } from '../text/own-keys.js';
import { hasEnvRefs, tokenizeEnvRefs, type ValueWhere } from './env-vars.js';
import { checkEngineUrl, schemeList, URL_SCHEMES } from './engine-url.js';

export const SAFETY_LEVELS = ['off', 'confirm', 'readonly'] as const;
export type Safety = (typeof SAFETY_LEVELS)[number];
export { ENGINE_NAMES };

/** A URL string, or a map of connection settings (see SQL_KEYS, KV_KEYS; doc passes unknown keys through). */
export type EngineEntry = string | Record<string, unknown>;

export interface ProfileConfig {
  safety?: Safety;
  /** milliseconds; a string only while it holds a `${VAR}` */
  connectTimeout?: number | string;
  sql?: EngineEntry;
  kv?: EngineEntry;
  doc?: EngineEntry;
}

export interface ConfigSource {
  /** the file that was read */
  path: string;
  /** how messages name it: relative to the working directory when inside it */
  displayPath: string;
  /** the default shipped in the package's config/ folder */
  builtin: boolean;
  /** line of each value, by dotted path (`profiles.prod.kv.cluster[1]`) */
  lines: ReadonlyMap<string, number>;
}

export interface DbxConfig {
  source: ConfigSource;
  default?: string;
  profiles: Record<string, ProfileConfig>;
  /** `groups: { shards: [a, b, c] }`: names for sets of profiles, for fan-out (`-p shards`); each member a profile */
  groups: Record<string, string[]>;
}

const TOP_KEYS = ['default', 'profiles', 'groups'];
const PROFILE_KEYS = ['safety', 'connectTimeout', ...ENGINE_NAMES];
const SQL_KEYS = ['host', 'port', 'user', 'password', 'database', 'tls', 'socket', 'charset', 'url'];
const KV_KEYS = [
  'url', 'host', 'port', 'password', 'username', 'db', 'tls', 'cluster',
  // Redis Sentinel: where to ask, for which master, and for which of its servers
  'sentinels', 'name', 'role', 'sentinelPassword', 'sentinelUsername',
];
const SENTINEL_ONLY = ['name', 'role', 'sentinelPassword', 'sentinelUsername'];
/** doc maps pass other keys through to the driver's MongoClient options */
const DOC_STRING_KEYS = ['url', 'database'];

/** Names people reach for from other tools, for "did you mean". */
const ALIASES = ownTable({
  mysql: 'sql',
  mariadb: 'sql',
  redis: 'kv',
  mongo: 'doc',
  mongodb: 'doc',
  username: 'user',
  pass: 'password',
  db: 'database',
  dbname: 'database',
  timeout: 'connectTimeout',
  connecttimeoutms: 'connectTimeout',
  ssl: 'tls',
  uri: 'url',
  nodes: 'cluster',
});

export function whereOf(source: ConfigSource, path: string): ValueWhere {
  // A value from a YAML merge (`<<: *base`) or alias has no line of its own: use its nearest parent's.
  let probe = path;
  for (;;) {
    const line = source.lines.get(probe);
    if (line !== undefined) return { at: `${source.displayPath}:${line}`, path };
    if (probe === '') return { at: `${source.displayPath}:1`, path };
    const parent = probe.replace(/(?:\.[^.[\]]*|\[\d+\])$/, '');
    probe = parent === probe ? '' : parent;
  }
}

/** Closest candidate within a small edit distance, for "did you mean". */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  return closestName(word, candidates);
}

type Plain = Record<string, unknown>;

function isPlainMap(v: unknown): v is Plain {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);
}

class Checker {
  constructor(readonly source: ConfigSource) {}

  fail(path: string, message: string): never {
    const where = whereOf(this.source, path);
    throw new UsageError(`${where.at}: ${path === '' ? '' : `${path} `}${message}`, { code: 'CONFIG' });
  }

  map(path: string, value: unknown, what: string): Plain {
    if (!isPlainMap(value)) this.fail(path, `must be ${what}`);
    return value;
  }

  keys(path: string, value: Plain, allowed: readonly string[]): void {
    for (const key of Object.keys(value)) {
      if (allowed.includes(key)) continue;
      const alias = ALIASES[key.toLowerCase()];
      const guess = alias !== undefined && allowed.includes(alias) ? alias : suggest(key, allowed);
      const hint = guess ? ` (did you mean ${guess}?)` : ` (known keys: ${allowed.join(', ')})`;
      this.fail(path === '' ? key : `${path}.${key}`, `is not a known key${hint}`);
    }
  }

  /** Strings stay strings; a number or boolean where text is expected (`database: 2024`) becomes text. */
  text(path: string, value: unknown): string {
    if (typeof value === 'string') {
      // Only the syntax of `${…}` is checked now; the values are filled when the profile is used.
      if (hasEnvRefs(value)) tokenizeEnvRefs(value, whereOf(this.source, path));
      return value;
    }
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return this.fail(path, 'must be a string');
  }

  password(path: string, value: unknown): string {
    // YAML reads `password: 0123` as the number 123: refuse rather than connect with the wrong password.
    if (typeof value !== 'string') this.fail(path, 'must be a string: put the password in quotes');
    return this.text(path, value);
  }

  integer(path: string, value: unknown, min: number, max: number): number | string {
    if (typeof value === 'string' && hasEnvRefs(value)) return this.text(path, value);
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(path, `must be a whole number from ${min} to ${max}`);
    }
    return value;
  }

  url(engine: EngineName, path: string, value: unknown): string {
    const url = this.text(path, value);
    if (!hasEnvRefs(url)) {
      checkEngineUrl(engine, url, `${whereOf(this.source, path).at}: ${path}`);
    } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !/^\$/.test(url)) {
      const scheme = url.slice(0, url.indexOf(':')).toLowerCase();
      if (!URL_SCHEMES[engine].includes(scheme)) this.fail(path, `must start with ${schemeList(engine)}`);
    }
    return url;
  }

  tls(path: string, value: unknown): boolean | Plain | string {
    if (typeof value === 'boolean' || isPlainMap(value)) return value;
    if (typeof value === 'string' && hasEnvRefs(value)) return this.text(path, value);
    return this.fail(path, 'must be true, false or a map of TLS options (ca, cert, key, …)');
  }
}

function checkSql(c: Checker, path: string, entry: Plain): Plain {
  c.keys(path, entry, SQL_KEYS);
  const out: Plain = {};
  for (const [key, value] of Object.entries(entry)) {
    const p = `${path}.${key}`;
    if (key === 'url') out[key] = c.url('sql', p, value);
    else if (key === 'password') out[key] = c.password(p, value);
    else if (key === 'port') out[key] = c.integer(p, value, 1, 65535);
    else if (key === 'tls') out[key] = c.tls(p, value);
    else out[key] = c.text(p, value);
  }
  return out;
}

function checkKv(c: Checker, path: string, entry: Plain): Plain {
  c.keys(path, entry, KV_KEYS);
  const out: Plain = {};
  for (const [key, value] of Object.entries(entry)) {
    const p = `${path}.${key}`;
    if (key === 'url') out[key] = c.url('kv', p, value);
    else if (key === 'password' || key === 'sentinelPassword') out[key] = c.password(p, value);
    else if (key === 'port') out[key] = c.integer(p, value, 1, 65535);
    else if (key === 'db') out[key] = c.integer(p, value, 0, 100000);
    else if (key === 'tls') out[key] = c.tls(p, value);
    else if (key === 'cluster' || key === 'sentinels') {
      if (!Array.isArray(value) || value.length === 0) c.fail(p, 'must be a list of redis:// URLs');
      out[key] = value.map((u, i) => c.url('kv', `${p}[${i}]`, u));
    } else if (key === 'role') {
      if (value !== 'master' && value !== 'replica') c.fail(p, 'must be master or replica');
      out[key] = value;
    } else out[key] = c.text(p, value);
  }
  if ('cluster' in out && ('url' in out || 'host' in out)) {
    c.fail(`${path}.cluster`, 'cannot be combined with url or host: list every node in cluster');
  }
  if ('sentinels' in out) {
    for (const other of ['cluster', 'url', 'host', 'port']) {
      if (other in out) c.fail(`${path}.${other}`, 'cannot be combined with sentinels: the Sentinels say where the server is');
    }
    if (!('name' in out)) c.fail(`${path}.sentinels`, "needs name: the master's name the Sentinels monitor (name: mymaster)");
  } else {
    const stray = SENTINEL_ONLY.find((k) => k in out);
    if (stray) c.fail(`${path}.${stray}`, 'belongs to a Sentinel entry: add sentinels: [redis://HOST:26379, …]');
  }
  return out;
}

function checkDoc(c: Checker, path: string, entry: Plain): Plain {
  const out: Plain = { ...entry };
  for (const key of DOC_STRING_KEYS) {
    if (!(key in entry)) continue;
    out[key] = key === 'url' ? c.url('doc', `${path}.url`, entry[key]) : c.text(`${path}.${key}`, entry[key]);
  }
  if ('password' in entry) out.password = c.password(`${path}.password`, entry.password);
  return out;
}

function checkEngine(c: Checker, engine: EngineName, path: string, value: unknown): EngineEntry | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return c.url(engine, path, value);
  const entry = c.map(path, value, `a ${schemeList(engine)} URL or a map of settings`);
  if (engine === 'sql') return checkSql(c, path, entry);
  if (engine === 'kv') return checkKv(c, path, entry);
  return checkDoc(c, path, entry);
}

function checkProfile(c: Checker, path: string, value: unknown): ProfileConfig {
  if (value === null || value === undefined) return {};
  const raw = c.map(path, value, 'a map with sql, kv, doc, safety');
  c.keys(path, raw, PROFILE_KEYS);
  const profile: ProfileConfig = {};
  if (raw.safety !== undefined) {
    // No `${VAR}` here on purpose: how careful a profile is must be read in the file, not the environment.
    if (!SAFETY_LEVELS.includes(raw.safety as Safety)) c.fail(`${path}.safety`, `must be one of ${SAFETY_LEVELS.join(', ')}`);
    profile.safety = raw.safety as Safety;
  }
  if (raw.connectTimeout !== undefined) {
    profile.connectTimeout = c.integer(`${path}.connectTimeout`, raw.connectTimeout, 1, 86_400_000);
  }
  for (const engine of ENGINE_NAMES) {
    const entry = checkEngine(c, engine, `${path}.${engine}`, raw[engine]);
    if (entry !== undefined) profile[engine] = entry;
  }
  return profile;
}

export function validateConfig(value: unknown, source: ConfigSource): DbxConfig {
  const c = new Checker(source);
  if (value === null || value === undefined) c.fail('', 'the file is empty: expected a "profiles:" map');
  const top = c.map('', value, 'a map with "default" and "profiles"');
  c.keys('', top, TOP_KEYS);
  // null-prototype maps: a profile or group is found by its own name only, never `constructor` or `__proto__`
  const config: DbxConfig = { source, profiles: ownMap(), groups: ownMap() };
  if (top.default !== undefined) config.default = c.text('default', top.default);
  if (top.profiles === undefined) c.fail('', 'no "profiles:" map found');
  const profiles = c.map('profiles', top.profiles ?? {}, 'a map of profile names to profiles');
  for (const [name, profile] of Object.entries(profiles)) {
    config.profiles[name] = checkProfile(c, `profiles.${name}`, profile);
  }
  if (top.groups !== undefined && top.groups !== null) config.groups = checkGroups(c, top.groups, config.profiles);
  return config;
}

/**
 * `groups:`: each a non-empty list of names. A group may not take a profile's name (`-p x` would mean two things).
 * A member that names no profile is an error when the group is used (profile-selection.ts), not here: a stale group
 * must not stop `dbx sql` on another profile, and using it still fails loudly instead of leaving a shard out.
 */
function checkGroups(c: Checker, value: unknown, profiles: Record<string, ProfileConfig>): Record<string, string[]> {
  const raw = c.map('groups', value, 'a map of group names to lists of profile names');
  // a null-prototype map: a group called `constructor` or `__proto__` is a group like any other
  const groups = ownMap<string[]>();
  for (const [name, members] of Object.entries(raw)) {
    const path = `groups.${name}`;
    if (Object.hasOwn(profiles, name)) c.fail(path, `has the name of a profile: give the group another name`);
    if (!Array.isArray(members) || members.length === 0) c.fail(path, 'must be a list of profile names: [a, b, c]');
    groups[name] = members.map((member, i) => {
      if (typeof member !== 'string' || member === '') c.fail(`${path}[${i}]`, 'must be a profile name');
      return member;
    });
  }
  return groups;
}
