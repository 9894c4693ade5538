/**
 * The config API the commands use (`dbx sql|kv|doc|ping`, `dbx profile list|show|test`, `dbx init`):
 *
 *   const { config, warnings } = loadConfig({ configPath: opts.config }, { env, cwd });   // print warnings on stderr
 *   const profile = resolveProfile(config, { profile: opts.profile, url: opts.url, engine: 'sql', env });
 *   profile.engines.sql   // a URL string or a settings map, ${VAR}s filled, --url / $DBX_SQL_URL applied
 *   describeEndpoint(profile.engines.sql)                  // safe to print: no password
 *
 * To ask for a missing password on a TTY: resolveProfile(…, { missingPassword: 'report' }), read each
 * `missingPasswords[i].variable` without echo, then resolveProfile again with those variables added to env;
 * without a TTY, throw missingPasswordError(profile.missingPasswords) (exit 3).
 */
export { builtinConfigPath, configCandidates, loadConfig, userConfigPath } from './config-file.js';
export type { ConfigCandidate, ConfigIo, LoadedConfig } from './config-file.js';
export { parseConfigText } from './config-parse.js';
export { ENGINE_NAMES, SAFETY_LEVELS } from './config-schema.js';
export type { DbxConfig, EngineEntry, ProfileConfig, Safety } from './config-schema.js';
export { checkEngineUrl, engineOfUrl, URL_SCHEMES, urlProblem } from './engine-url.js';
export { fillEnvRefs, type Env } from './env-vars.js';
export { starterConfig, writeStarterConfig } from './init.js';
export {
  chooseProfile,
  DEFAULT_CONNECT_TIMEOUT_MS,
  missingPasswordError,
  profileNames,
  resolveProfile,
} from './profile.js';
export type { EngineOrigin, MissingPassword, ResolvedProfile, ResolveOptions } from './profile.js';
export { describeEndpoint, redactEntry, redactUrlText } from './redact.js';
