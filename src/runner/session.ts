/**
 * Options + config → a profile → an engine, created but not connected.
 */
import type { Engine, EngineName } from '../engines/engine.js';
import { loadEngine } from '../engines/index.js';
import { UsageError } from '../errors.js';
import type { LoadedConfig } from '../config/config-file.js';
import type { ResolvedProfile } from '../config/profile.js';
import { ConnectBound } from './connect-bound.js';
import { askOnTty, stdinIsTerminal, type Deps } from './deps.js';
import { wantsJson, type GlobalOptions } from './options.js';
import type { SafetyMode } from './safety.js';
import { styles } from '../text/color.js';
import { ownValue } from '../text/own-keys.js';

export interface Session {
  engine: Engine;
  profileName: string;
  safety: SafetyMode;
  profile: ResolvedProfile;
}

/**
 * A warning on stderr: `warning: …`, or under --json / ndjson one JSON line, so that stderr stays JSON Lines
 * there (errors are one JSON line each).
 */
export function writeWarning(text: string, opts: Pick<GlobalOptions, 'format' | 'errorColor'>, deps: Pick<Deps, 'stderr'>): void {
  const message = text.replace(/^warning:\s*/, '');
  deps.stderr.write(wantsJson(opts) ? `${JSON.stringify({ warning: { message } })}\n` : `${styles(opts.errorColor).warning('warning:')} ${message}\n`);
}

/** `note: …` (JSON: {"note":{"message"}}): what an engine did that the user may not expect, not a problem */
function writeNote(text: string, opts: Pick<GlobalOptions, 'format' | 'errorColor'>, deps: Pick<Deps, 'stderr'>): void {
  deps.stderr.write(wantsJson(opts) ? `${JSON.stringify({ note: { message: text } })}\n` : `${styles(opts.errorColor).note('note:')} ${text}\n`);
}

export async function loadDbxConfig(opts: Pick<GlobalOptions, 'config' | 'quiet' | 'format' | 'errorColor'>, deps: Deps): Promise<LoadedConfig> {
  // loaded on use: the YAML parser is not needed for --help
  const { loadConfig } = await import('../config/config-file.js');
  const loaded = loadConfig({ configPath: opts.config }, { env: deps.env, cwd: deps.cwd });
  if (!opts.quiet) for (const w of loaded.warnings) writeWarning(w, opts, deps);
  return loaded;
}

/** What -p (or $DBX_PROFILE) names: one profile as today, or several for fan-out (config/profile-selection.ts). */
export interface ProfileChoice {
  /** the config, read already when -p named something (undefined: nothing named, read it when opening) */
  loaded?: LoadedConfig;
  /** fan-out: the profiles, in order; undefined: one profile */
  fanOut?: string[];
  /** the options to open the one profile with (a glob that matched one profile names it) */
  opts: GlobalOptions;
}

export async function chooseProfiles(opts: GlobalOptions, deps: Deps): Promise<ProfileChoice> {
  let selector = opts.profile ?? (deps.env.DBX_PROFILE || undefined);
  let loaded: LoadedConfig | undefined;
  if (selector === undefined) {
    // `default:` may name a group (or a list, a glob) as -p does; --url names its own endpoint
    if (opts.url !== undefined) return { opts };
    loaded = await loadDbxConfig(opts, deps);
    const { chooseProfile } = await import('../config/profile.js');
    const fallback = chooseProfile(loaded.config, { env: deps.env });
    if (!fallback.chosen || loaded.config.default === undefined) return { loaded, opts };
    selector = fallback.name;
  }
  loaded ??= await loadDbxConfig(opts, deps);
  const { isMultiSelector, selectProfiles } = await import('../config/profile-selection.js');
  if (!isMultiSelector(selector) && !Object.hasOwn(loaded.config.groups, selector)) return { loaded, opts };
  const selection = selectProfiles(loaded.config, selector);
  if (selection.fanOut) return { loaded, fanOut: selection.names, opts };
  return { loaded, opts: { ...opts, profile: selection.names[0] } };
}

/** At most `limit` of the items at a time, started in order. */
export async function eachBounded<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** --parallel's default: how many profiles of a fan-out run at once */
export const DEFAULT_PARALLEL = 8;

/**
 * The chosen profile with ${VAR}s filled. A password variable that is not set is asked for on a TTY (no echo);
 * without a TTY it is an exit-3 error (CONTRACT "Configuration").
 */
export async function openProfile(
  engineName: EngineName | undefined,
  opts: GlobalOptions,
  deps: Deps,
  /** without a TTY, return the profile with its missingPasswords instead of failing (ping reports them per engine) */
  reportMissing = false,
  /** the config, when the caller has read it already (fan-out reads it once for every profile) */
  preloaded?: LoadedConfig,
): Promise<ResolvedProfile> {
  const loaded = preloaded ?? (await loadDbxConfig(opts, deps));
  const { resolveProfile, missingPasswordError } = await import('../config/profile.js');
  const base = { profile: opts.profile, url: opts.url, engine: engineName };
  const first = resolveProfile(loaded.config, { ...base, env: deps.env, missingPassword: 'report' });
  if (first.missingPasswords.length === 0) return first;
  if (!stdinIsTerminal(deps) && reportMissing) return first;
  if (!stdinIsTerminal(deps)) throw missingPasswordError(first.missingPasswords);
  const env = { ...deps.env };
  for (const missing of first.missingPasswords) {
    if (ownValue(env, missing.variable) !== undefined) continue;
    env[missing.variable] = await askOnTty(deps, `Password for ${missing.engine} (${missing.variable}): `, true);
  }
  return resolveProfile(loaded.config, { ...base, env });
}

/**
 * `prompt`: how the engine asks for a password (default: on deps' TTY). Fan-out passes one that asks on the real
 * terminal, one profile at a time, while the engine's other output goes to the profile's lane.
 */
export async function createSessionEngine(
  engineName: EngineName,
  profile: ResolvedProfile,
  opts: GlobalOptions,
  deps: Deps,
  prompt?: (question: string) => Promise<string>,
): Promise<Engine> {
  const endpoint = profile.engines[engineName];
  if (endpoint === undefined) {
    throw new UsageError(`profile '${profile.name}' has no ${engineName} endpoint`, {
      engine: engineName,
      code: 'NO_ENDPOINT',
      hint: `add '${engineName}: URL' to the profile in ${profile.source}, or pass --url`,
    });
  }
  const { createEngine } = await loadEngine(engineName);
  const bound = new ConnectBound(opts.connectTimeout ?? profile.connectTimeoutMs);
  const engine = createEngine({
    profile: profile.name,
    endpoint,
    connectTimeoutMs: bound.ms,
    readonly: profile.safety === 'readonly',
    typedValues: wantsJson(opts),
    verbose: opts.verbose ? (line) => deps.stderr.write(line + '\n') : () => {},
    verboseOn: opts.verbose,
    warn: (line) => writeWarning(line, opts, deps),
    note: (line) => {
      if (!opts.quiet) writeNote(line, opts, deps);
    },
    askPassword: prompt
      ? (question) => bound.paused(() => prompt(question))
      : stdinIsTerminal(deps)
        ? (question) => bound.paused(() => askOnTty(deps, question, true))
        : undefined,
  });
  bound.bind(engine);
  return engine;
}

export async function openSession(engineName: EngineName, opts: GlobalOptions, deps: Deps, preloaded?: LoadedConfig): Promise<Session> {
  const profile = await openProfile(engineName, opts, deps, false, preloaded);
  const engine = await createSessionEngine(engineName, profile, opts, deps);
  return { engine, profileName: profile.name, safety: profile.safety, profile };
}
