/**
 * `dbx profile list | show [NAME] | test [NAME]`. `show` prints entries as written in the file (so `${VAR}`
 * references stay visible) with every password masked.
 */
import type { Command } from 'commander';
import { ENGINE_NAMES, ExitCode } from '../errors.js';
import { settle, type ExitSlot } from './command-action.js';
import type { Deps } from '../runner/deps.js';
import { wantsJson, type GlobalOptions } from '../runner/options.js';
import { addGlobalOptions, CONNECTING_OPTIONS, readGlobalOptions } from './global-options.js';
import type { DbxConfig } from '../config/config-schema.js';
import { ownValue } from '../text/own-keys.js';

// config, session and ping are imported on use, so that `dbx --help` loads none of them
const load = async () => ({
  ...(await import('../config/redact.js')),
  ...(await import('../config/config-schema.js')),
  ...(await import('../runner/session.js')),
  ...(await import('./ping.js')),
});

/** The profile a command would run on: the same choice as resolveProfile's (a `default: ${DEF}` filled). */
async function chosenName(opts: GlobalOptions, deps: Deps, config: DbxConfig): Promise<string> {
  const { chooseProfile } = await import('../config/profile.js');
  return chooseProfile(config, { profile: opts.profile, env: deps.env }).name;
}

async function list(opts: GlobalOptions, deps: Deps): Promise<number> {
  const { loadDbxConfig } = await load();
  const { config } = await loadDbxConfig(opts, deps);
  // a `default: ${DEF}` whose variable is unset marks no profile current rather than failing the listing
  const current = await chosenName(opts, deps, config).catch(() => undefined);
  // a `default:` (or -p) naming a group makes each of its members current
  const currentGroup = current !== undefined ? ownValue(config.groups, current) : undefined;
  const isCurrent = (name: string) => (currentGroup ? currentGroup.includes(name) : name === current);
  const rows = Object.entries(config.profiles).map(([name, p]) => ({
    name,
    current: isCurrent(name),
    safety: p.safety ?? 'off',
    engines: ENGINE_NAMES.filter((e) => p[e] !== undefined),
  }));
  const groups = Object.entries(config.groups).map(([name, members]) => ({ name, current: name === current, group: members }));
  if (wantsJson(opts)) {
    deps.stdout.write(JSON.stringify([...rows, ...groups]) + '\n');
  } else {
    for (const r of rows) deps.stdout.write(`${r.current ? '*' : ' '} ${r.name.padEnd(16)} ${r.engines.join(',').padEnd(12)} safety=${r.safety}\n`);
    for (const g of groups) deps.stdout.write(`${g.current ? '*' : ' '} ${g.name.padEnd(16)} ${'group'.padEnd(12)} ${g.group.join(', ')}\n`);
    if (!opts.quiet) deps.stderr.write(`(from ${config.source.displayPath})\n`);
  }
  return ExitCode.ok;
}

async function show(name: string | undefined, opts: GlobalOptions, deps: Deps, loadedConfig?: DbxConfig): Promise<number> {
  const { loadDbxConfig, redactEntry, describeEndpoint } = await load();
  const config = loadedConfig ?? (await loadDbxConfig(opts, deps)).config;
  const chosen = name ?? (await chosenName(opts, deps, config));
  const group = ownValue(config.groups, chosen);
  if (group && !Object.hasOwn(config.profiles, chosen)) {
    // a group: each member as `show NAME` would print it
    if (wantsJson(opts)) {
      deps.stdout.write(JSON.stringify({ name: chosen, source: config.source.displayPath, group }) + '\n');
      return ExitCode.ok;
    }
    deps.stdout.write(`group:   ${chosen}\nsource:  ${config.source.displayPath}\nmembers: ${group.join(', ')}\n`);
    for (const member of group) {
      deps.stdout.write('\n');
      await show(member, opts, deps, config);
    }
    return ExitCode.ok;
  }
  const profile = ownValue(config.profiles, chosen);
  if (!profile) throw (await import('../config/profile.js')).unknownProfile(config, chosen);
  if (wantsJson(opts)) {
    const shown = { name: chosen, source: config.source.displayPath, safety: profile.safety ?? 'off', ...(redactEntry(profile) as object) };
    deps.stdout.write(JSON.stringify(shown) + '\n');
    return ExitCode.ok;
  }
  deps.stdout.write(`profile: ${chosen}\nsource:  ${config.source.displayPath}\nsafety:  ${profile.safety ?? 'off'}\n`);
  for (const e of ENGINE_NAMES) if (profile[e] !== undefined) deps.stdout.write(`${(e + ':').padEnd(8)} ${describeEndpoint(profile[e])}\n`);
  return ExitCode.ok;
}

export function registerProfileCommand(program: Command, deps: Deps, exit: ExitSlot): void {
  const profile = program.command('profile').description('list, show or test the configured profiles');
  const sub = (name: string, description: string, run: (arg: string | undefined, opts: GlobalOptions) => Promise<number>) => {
    const cmd = profile.command(name).description(description);
    if (name !== 'list') cmd.argument('[name]', 'profile name (default: the current profile)');
    addGlobalOptions(cmd, CONNECTING_OPTIONS).action(async (arg?: string) => {
      const opts = await readGlobalOptions(program, cmd, deps);
      await settle(exit, deps, { json: wantsJson(opts), verbose: opts.verbose, color: opts.errorColor }, () => run(typeof arg === 'string' ? arg : undefined, opts));
    });
  };
  sub('list', 'list the profiles of the config file', (_a, opts) => list(opts, deps));
  sub('show', 'show a profile (passwords masked)', (name, opts) => show(name, opts, deps));
  // a group name fans out as -p GROUP does
  sub('test', 'connect to each engine of a profile (or of each profile of a group)', async (name, opts) =>
    (await load()).pingProfile({ ...opts, profile: name ?? opts.profile }, deps));
}
