/**
 * Choosing a profile and turning it into connection settings. Pure: the environment comes in as a parameter.
 *
 * Profile: --profile, else $DBX_PROFILE, else the config's `default`, else the config's only profile, else `local`.
 * Each engine's entry: --url (for the chosen engine) over $DBX_SQL_URL / $DBX_KV_URL / $DBX_DOC_URL over the
 * profile. `${VAR}` references are filled here, late: only in the chosen profile, and when `engine` is given only
 * in that engine's entry, so an unset `${REDIS_PASSWORD}` does not stop `dbx sql`.
 *
 * A password reference (`password: ${PROD_DB_PASSWORD}`, `mysql://u:${PW}@h`) whose variable is unset is a
 * password "needed and not given" (CONTRACT.md): with `missingPassword: 'report'` it is listed in
 * `missingPasswords` so the command can ask for it on a TTY and call resolveProfile again with that variable
 * added to `env`; otherwise (the default) it is missingPasswordError — exit 3. Any other unset reference is a
 * UsageError (exit 2) naming the variable and file:line.
 *
 * Exports: resolveProfile, chooseProfile, profileNames, unknownProfile, missingPasswordError, DEFAULT_CONNECT_TIMEOUT_MS; types.
 */
import { ConnectError, UsageError, type EngineName } from '../errors.js';
import { ENGINE_NAMES, suggest, whereOf, type DbxConfig, type EngineEntry, type Safety } from './config-schema.js';
import { checkEngineUrl, engineOfUrl, schemeList } from './engine-url.js';
import { fillEnvRefs, formatWhere, type Env } from './env-vars.js';
import { ownValue } from '../text/own-keys.js';

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

export interface ResolveOptions {
  /** --profile */
  profile?: string;
  /** --url: replaces the entry of `engine` (or of the engine its scheme names, when `engine` is not given) */
  url?: string;
  /** the engine about to run; absent = all engines of the profile (ping, profile test) */
  engine?: EngineName;
  env: Env;
  /** false keeps `${VAR}` references as written (profile show); default true */
  fill?: boolean;
  /** see the file comment; default 'error' */
  missingPassword?: 'error' | 'report';
}

export type EngineOrigin = 'config' | '$DBX_SQL_URL' | '$DBX_KV_URL' | '$DBX_DOC_URL' | '--url';

export interface MissingPassword {
  engine: EngineName;
  /** the environment variable to set (or to ask for) */
  variable: string;
  /** `dbx.yaml:7: profiles.prod.sql.password` */
  where: string;
}

export interface ResolvedProfile {
  name: string;
  safety: Safety;
  connectTimeoutMs: number;
  /** only the engines in scope (see ResolveOptions.engine) that have an entry */
  engines: Partial<Record<EngineName, EngineEntry>>;
  origins: Partial<Record<EngineName, EngineOrigin>>;
  /** the config file's path */
  source: string;
  builtin: boolean;
  missingPasswords: MissingPassword[];
}

const ENV_URL: Record<EngineName, '$DBX_SQL_URL' | '$DBX_KV_URL' | '$DBX_DOC_URL'> = {
  sql: '$DBX_SQL_URL',
  kv: '$DBX_KV_URL',
  doc: '$DBX_DOC_URL',
};

export function profileNames(config: DbxConfig): string[] {
  return Object.keys(config.profiles);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** The profile's name, and whether someone chose it (false: the `local` fallback). */
export function chooseProfile(config: DbxConfig, opts: Pick<ResolveOptions, 'profile' | 'env'>): {
  name: string;
  chosen: boolean;
} {
  const named = nonEmpty(opts.profile) ?? nonEmpty(ownValue(opts.env, 'DBX_PROFILE'));
  if (named !== undefined) return { name: named, chosen: true };
  if (config.default !== undefined) {
    const name = fillEnvRefs(config.default, opts.env, whereOf(config.source, 'default'));
    if (name !== '') return { name, chosen: true };
  }
  // a config file with one profile and no `default:` means that one (CONTRACT "Global options")
  const names = profileNames(config);
  if (config.default === undefined && names.length === 1) return { name: names[0]!, chosen: true };
  return { name: 'local', chosen: false };
}

/** `unknown profile "x" in dbx.yaml (known: a, b; groups: g)`, with a guess when a name is close */
export function unknownProfile(config: DbxConfig, name: string): UsageError {
  const members = ownValue(config.groups, name);
  if (members) {
    // a group where one profile is needed (`profile test`, --url with a group)
    return new UsageError(`"${name}" in ${config.source.displayPath} is a group (${members.join(', ')}), not one profile`, {
      code: 'UNKNOWN_PROFILE',
      hint: `name one of its profiles, e.g. -p ${members[0] ?? name}`,
    });
  }
  const known = profileNames(config);
  const groups = Object.keys(config.groups);
  const guess = suggest(name, [...known, ...groups]);
  const list = known.length === 0 ? 'it defines none' : `known: ${known.join(', ')}${groups.length ? `; groups: ${groups.join(', ')}` : ''}`;
  return new UsageError(
    `unknown profile "${name}" in ${config.source.displayPath} (${list})${guess ? `; did you mean ${guess}?` : ''}`,
    { code: 'UNKNOWN_PROFILE' },
  );
}

export function missingPasswordError(missing: readonly MissingPassword[]): ConnectError {
  const first = missing[0]!;
  const vars = [...new Set(missing.map((m) => m.variable))];
  return new ConnectError(`${first.where}: the password variable ${vars.join(', ')} is not set`, {
    code: 'PASSWORD_MISSING',
    engine: first.engine,
    hint: `export ${vars[0]}=… before running dbx, or run it on a terminal to be asked for the password`,
  });
}

class Filler {
  readonly missing: MissingPassword[] = [];
  constructor(
    readonly config: DbxConfig,
    readonly env: Env,
    readonly engine: EngineName,
    readonly fill: boolean,
  ) {}

  string(path: string, value: string, kind: { url?: boolean; password?: boolean }): string {
    const where = whereOf(this.config.source, path);
    const filled = !this.fill
      ? value
      : fillEnvRefs(value, this.env, where, {
          url: kind.url,
          isPassword: kind.password,
          onMissingPassword: (variable) => this.missing.push({ engine: this.engine, variable, where: formatWhere(where) }),
        });
    if (kind.url && this.fill) checkEngineUrl(this.engine, filled, formatWhere(where));
    return filled;
  }

  /** port, db, connectTimeout: a number, or text that became one after filling */
  integer(path: string, value: unknown): unknown {
    if (typeof value !== 'string' || !this.fill) return value;
    const filled = this.string(path, value, {});
    if (!/^\d+$/.test(filled)) {
      throw new UsageError(`${formatWhere(whereOf(this.config.source, path))} must be a whole number, got "${filled}"`, {
        code: 'CONFIG',
      });
    }
    return Number(filled);
  }

  value(path: string, key: string, value: unknown): unknown {
    if (typeof value === 'string') return this.string(path, value, { password: key === 'password' || key === 'sentinelPassword' });
    if (Array.isArray(value)) return value.map((v, i) => this.value(`${path}[${i}]`, key, v));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.value(`${path}.${k}`, k, v)]));
    }
    return value;
  }

  /** Only the entry's own `url` and `cluster` are connection URLs; nested driver options are left alone. */
  setting(path: string, key: string, value: unknown): unknown {
    if ((key === 'port' || key === 'db') && this.engine !== 'doc') return this.integer(path, value);
    if (key === 'url' && typeof value === 'string') return this.string(path, value, { url: true });
    if ((key === 'cluster' || key === 'sentinels') && Array.isArray(value)) {
      return value.map((v, i) => (typeof v === 'string' ? this.string(`${path}[${i}]`, v, { url: true }) : v));
    }
    return this.value(path, key, value);
  }

  entry(path: string, entry: EngineEntry): EngineEntry {
    if (typeof entry === 'string') return this.string(path, entry, { url: true });
    return Object.fromEntries(Object.entries(entry).map(([k, v]) => [k, this.setting(`${path}.${k}`, k, v)]));
  }
}

function urlOverride(url: string, engine: EngineName | undefined): { engine: EngineName; url: string } {
  const target = engine ?? engineOfUrl(url);
  if (target === undefined) {
    throw new UsageError(
      `--url must start with ${ENGINE_NAMES.map(schemeList).join(', ')}`,
      { code: 'BAD_URL' },
    );
  }
  checkEngineUrl(target, url, '--url');
  return { engine: target, url };
}

const SAFETY_ORDER: readonly Safety[] = ['off', 'confirm', 'readonly'];

function strictestSafety(list: readonly Safety[]): Safety {
  return list.reduce<Safety>((a, b) => (SAFETY_ORDER.indexOf(b) > SAFETY_ORDER.indexOf(a) ? b : a), 'off');
}

export function resolveProfile(config: DbxConfig, opts: ResolveOptions): ResolvedProfile {
  const fill = opts.fill ?? true;
  const { name, chosen } = chooseProfile(config, opts);
  const override = nonEmpty(opts.url) === undefined ? undefined : urlOverride(opts.url!, opts.engine);
  const scope = opts.engine !== undefined ? [opts.engine] : ENGINE_NAMES;
  const envUrls = scope.filter((e) => nonEmpty(ownValue(opts.env, ENV_URL[e].slice(1))) !== undefined);

  let profile = ownValue(config.profiles, name);
  const group = profile === undefined && nonEmpty(opts.profile) === undefined ? ownValue(config.groups, name) : undefined;
  if (group && (override !== undefined || envUrls.length > 0)) {
    // `default:` names a group and a URL names the server: run there with the strictest safety of the group
    profile = { safety: strictestSafety(group.map((member) => ownValue(config.profiles, member)?.safety ?? 'off')) };
  } else if (profile === undefined) {
    // With no profile chosen, a URL from --url or the environment is enough to run on.
    if (chosen || (override === undefined && envUrls.length === 0)) throw unknownProfile(config, name);
    profile = {};
  }

  const resolved: ResolvedProfile = {
    name,
    safety: profile.safety ?? 'off',
    connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS,
    engines: {},
    origins: {},
    source: config.source.path,
    builtin: config.source.builtin,
    missingPasswords: [],
  };
  const base = `profiles.${name}`;
  if (profile.connectTimeout !== undefined) {
    const ms = new Filler(config, opts.env, scope[0]!, fill).integer(`${base}.connectTimeout`, profile.connectTimeout);
    if (typeof ms === 'number') resolved.connectTimeoutMs = ms;
  }

  for (const engine of scope) {
    if (override?.engine === engine) {
      resolved.engines[engine] = override.url;
      resolved.origins[engine] = '--url';
      continue;
    }
    const fromEnv = nonEmpty(ownValue(opts.env, ENV_URL[engine].slice(1)));
    if (fromEnv !== undefined) {
      checkEngineUrl(engine, fromEnv, ENV_URL[engine]);
      resolved.engines[engine] = fromEnv;
      resolved.origins[engine] = ENV_URL[engine];
      continue;
    }
    const entry = profile[engine];
    if (entry === undefined) continue;
    const filler = new Filler(config, opts.env, engine, fill);
    resolved.engines[engine] = filler.entry(`${base}.${engine}`, entry);
    resolved.origins[engine] = 'config';
    resolved.missingPasswords.push(...filler.missing);
  }

  if (resolved.missingPasswords.length > 0 && (opts.missingPassword ?? 'error') === 'error') {
    throw missingPasswordError(resolved.missingPasswords);
  }
  return resolved;
}
