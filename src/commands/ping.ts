/**
 * `dbx ping [-p NAME]` and `dbx profile test [NAME]`: reach every engine of a profile, report version and latency.
 * Exit 0 when all answer, 3 when any cannot be reached.
 */
import type { Command } from 'commander';
import type { EngineName } from '../engines/engine.js';
import { ENGINE_NAMES, ExitCode, UsageError } from '../errors.js';
import { settle, type ExitSlot } from './command-action.js';
import type { Deps } from '../runner/deps.js';
import { wantsJson, type GlobalOptions } from '../runner/options.js';
import { asDbxError } from '../runner/report-error.js';
import { addGlobalOptions, CONNECTING_OPTIONS, readGlobalOptions } from './global-options.js';
import { padEndWidth, stringWidth } from '../text/text-width.js';
import type { ResolvedProfile } from '../config/profile.js';
import type * as SessionModule from '../runner/session.js';
import type { LoadedConfig } from '../config/config-file.js';
import { fanOutExitCode, summaryLine, type ProfileOutcome } from '../runner/fan-out-summary.js';

interface PingLine {
  /** fan-out (`dbx ping -p '*'`): the profile, first */
  profile?: string;
  engine: EngineName | '-';
  endpoint: string;
  ok: boolean;
  version?: string;
  ms?: number;
  error?: { code: string; message: string };
}

async function pingOne(
  session: typeof SessionModule,
  engineName: EngineName,
  profile: ResolvedProfile,
  opts: GlobalOptions,
  deps: Deps,
): Promise<PingLine | undefined> {
  if (profile.engines[engineName] === undefined) return undefined;
  const missing = profile.missingPasswords.filter((m) => m.engine === engineName);
  if (missing.length > 0) {
    // the other engines are still worth reaching: report this one as failed, as an unreachable server is
    const { missingPasswordError } = await import('../config/profile.js');
    const err = missingPasswordError(missing);
    const unopened = await session.createSessionEngine(engineName, profile, opts, deps);
    await unopened.close().catch(() => {});
    return { engine: engineName, endpoint: unopened.endpoint, ok: false, error: { code: err.code, message: err.message } };
  }
  const engine = await session.createSessionEngine(engineName, profile, opts, deps);
  const started = performance.now();
  try {
    await engine.connect();
    const version = engine.serverVersion ? await engine.serverVersion() : undefined;
    return { engine: engineName, endpoint: engine.endpoint, ok: true, version, ms: Math.round(performance.now() - started) };
  } catch (e) {
    const err = asDbxError(e);
    return { engine: engineName, endpoint: engine.endpoint, ok: false, error: { code: err.code, message: err.message } };
  } finally {
    await engine.close().catch(() => {});
  }
}

/**
 * One line per engine, columns aligned: engine, ok/FAIL, endpoint, then the version and latency, or the error.
 * A version the engine cannot tell is `-`, so the columns after it stay in place.
 */
export function pingTable(lines: readonly PingLine[]): string {
  const cells = lines.map((l) => {
    const row = l.ok ? [l.engine, 'ok', l.endpoint, l.version ?? '-', `${l.ms} ms`] : [l.engine, 'FAIL', l.endpoint, `${l.error!.code}: ${l.error!.message}`];
    return l.profile === undefined ? row : [l.profile, ...row];
  });
  const widths: number[] = [];
  for (const row of cells) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, i === row.length - 1 ? 0 : stringWidth(c))));
  return cells
    .map((row) => row.map((c, i) => (i === row.length - 1 ? c : padEndWidth(c, widths[i]!))).join('  ') + '\n')
    .join('');
}

/** Throws what stops it from reaching any engine (no such profile, a bad config); the caller reports it. */
export async function pingProfile(opts: GlobalOptions, deps: Deps): Promise<number> {
  const session = await import('../runner/session.js');
  const choice = await session.chooseProfiles(opts, deps);
  if (choice.fanOut) return pingProfiles(session, choice.fanOut, choice.loaded!, opts, deps);
  const lines = await pingLines(session, choice.opts, deps, choice.loaded);
  printPing(lines, opts, deps);
  return lines.every((l) => l.ok) ? ExitCode.ok : ExitCode.connect;
}

function printPing(lines: readonly PingLine[], opts: GlobalOptions, deps: Deps): void {
  if (wantsJson(opts)) for (const l of lines) deps.stdout.write(JSON.stringify(l) + '\n');
  else deps.stdout.write(pingTable(lines));
}

/**
 * `dbx ping -p '*'` (a list, a group, a glob): every engine of every profile, at most --parallel profiles at a
 * time, one table with the profile first, then one summary line on stderr. A profile that cannot be reached at all
 * (no endpoint, a bad entry) is a FAIL line of its own, so that the others are still reported.
 */
async function pingProfiles(
  session: typeof SessionModule, names: string[], loaded: LoadedConfig, opts: GlobalOptions, deps: Deps,
): Promise<number> {
  const perProfile: PingLine[][] = names.map(() => []);
  await session.eachBounded(names, opts.parallel ?? session.DEFAULT_PARALLEL, async (name, i) => {
    try {
      perProfile[i] = (await pingLines(session, { ...opts, profile: name }, deps, loaded)).map((l) => ({ profile: name, ...l }));
    } catch (e) {
      const err = asDbxError(e);
      perProfile[i] = [{ profile: name, engine: '-', endpoint: '-', ok: false, error: { code: err.code, message: err.message } }];
    }
  });
  const lines = perProfile.flat();
  printPing(lines, opts, deps);
  const outcomes: ProfileOutcome[] = perProfile.map((profileLines, i) => {
    const failed = profileLines.find((l) => !l.ok);
    return { profile: names[i]!, state: failed ? 'failed' : 'ok', exitCode: failed ? ExitCode.connect : ExitCode.ok, code: failed?.error?.code };
  });
  if (!opts.quiet) deps.stderr.write(summaryLine(outcomes, wantsJson(opts)));
  return fanOutExitCode(outcomes);
}

async function pingLines(session: typeof SessionModule, opts: GlobalOptions, deps: Deps, loaded?: LoadedConfig): Promise<PingLine[]> {
  const profile = await session.openProfile(undefined, opts, deps, true, loaded);
  if (Object.keys(profile.engines).length === 0) {
    throw new UsageError(`profile '${profile.name}' has no sql, kv or doc endpoint to reach`, {
      code: 'NO_ENDPOINT',
      hint: `add 'sql: URL' (or kv:, doc:) to the profile in ${profile.source}`,
    });
  }
  return (await Promise.all(ENGINE_NAMES.map((name) => pingOne(session, name, profile, opts, deps)))).filter(
    (l): l is PingLine => l !== undefined,
  );
}

export function registerPingCommand(program: Command, deps: Deps, exit: ExitSlot): void {
  const cmd = program.command('ping').description("reach every engine of a profile, report versions and latency");
  addGlobalOptions(cmd, [...CONNECTING_OPTIONS, 'parallel']).action(async () => {
    const opts = await readGlobalOptions(program, cmd, deps);
    await settle(exit, deps, { json: wantsJson(opts), verbose: opts.verbose, color: opts.errorColor }, () => pingProfile(opts, deps));
  });
}
