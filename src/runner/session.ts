/**
 * Options + config → a profile → an engine, created but not connected.
 */
import type { Engine, EngineName } from '../engines/engine.js';
import { loadEngine } from '../engines/index.js';
import { UsageError } from '../errors.js';
import type { LoadedConfig } from '../config/config-file.js';
import type { ResolvedProfile } from '../config/profile.js';
import { ConnectBound } from './connect-bound.js';
import { askOnTty, type Deps } from './deps.js';
import { wantsJson, type GlobalOptions } from './options.js';
import type { SafetyMode } from './safety.js';
import { styles } from '../text/color.js';

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

export async function loadDbxConfig(opts: Pick<GlobalOptions, 'config' | 'quiet' | 'format' | 'errorColor'>, deps: Deps): Promise<LoadedConfig> {
  // loaded on use: the YAML parser is not needed for --help
  const { loadConfig } = await import('../config/config-file.js');
  const loaded = loadConfig({ configPath: opts.config }, { env: deps.env, cwd: deps.cwd });
  if (!opts.quiet) for (const w of loaded.warnings) writeWarning(w, opts, deps);
  return loaded;
}

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
): Promise<ResolvedProfile> {
  const loaded = await loadDbxConfig(opts, deps);
  const { resolveProfile, missingPasswordError } = await import('../config/profile.js');
  const base = { profile: opts.profile, url: opts.url, engine: engineName };
  const first = resolveProfile(loaded.config, { ...base, env: deps.env, missingPassword: 'report' });
  if (first.missingPasswords.length === 0) return first;
  if (!deps.stdin.isTTY && reportMissing) return first;
  if (!deps.stdin.isTTY) throw missingPasswordError(first.missingPasswords);
  const env = { ...deps.env };
  for (const missing of first.missingPasswords) {
    if (env[missing.variable] !== undefined) continue;
    env[missing.variable] = await askOnTty(deps, `Password for ${missing.engine} (${missing.variable}): `, true);
  }
  return resolveProfile(loaded.config, { ...base, env });
}

export async function createSessionEngine(engineName: EngineName, profile: ResolvedProfile, opts: GlobalOptions, deps: Deps): Promise<Engine> {
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
    warn: (line) => writeWarning(line, opts, deps),
    askPassword: deps.stdin.isTTY ? (prompt) => bound.paused(() => askOnTty(deps, prompt, true)) : undefined,
  });
  bound.bind(engine);
  return engine;
}

export async function openSession(engineName: EngineName, opts: GlobalOptions, deps: Deps): Promise<Session> {
  const profile = await openProfile(engineName, opts, deps);
  const engine = await createSessionEngine(engineName, profile, opts, deps);
  return { engine, profileName: profile.name, safety: profile.safety, profile };
}
