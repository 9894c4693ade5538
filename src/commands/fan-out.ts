/**
 * Fan-out (CONTRACT "Global options", "Output", "Errors and exit codes"): `-p a,b,c`, `-p GROUP`, `-p 'shard*'`
 * run the same script on every profile at once, one connection each, at most --parallel N (default 8) at a time.
 * Each profile runs through the one-shot runner (run-statements.ts) with a lane of its own for stdout and
 * stderr (src/runner/output-lanes.ts), so its output is grouped, in the order given, and tagged with its profile.
 *
 * Everything that can be checked is checked before anything runs: the names (profile-selection.ts), each profile's
 * config and endpoint, the script (read and split once, shared by every profile). A profile that fails does not
 * stop the others unless --fail-fast; the exit code is the most severe outcome; one summary line on stderr.
 */
import type { EngineName, Statement } from '../engines/engine.js';
import { DbxError, ExitCode, InterruptedError, UsageError, type StopSignal } from '../errors.js';
import type { LoadedConfig } from '../config/config-file.js';
import { askOnTty, stdinIsTerminal, type Deps } from '../runner/deps.js';
import { wantsJson, type GlobalOptions } from '../runner/options.js';
import { OutputLanes, type Lane } from '../runner/output-lanes.js';
import { asDbxError } from '../runner/report-error.js';
import { shortLabel, type SafetyIO } from '../runner/safety.js';
import { createSessionEngine, DEFAULT_PARALLEL, eachBounded, openProfile, type Session } from '../runner/session.js';
import { reportFailure, type WordsAdvice } from '../runner/statement-runner.js';
import { fanOutExitCode, summaryLine, type ProfileOutcome } from '../runner/fan-out-summary.js';
import { runStatements, type RunOutcome } from './run-statements.js';
import { readStatements } from './script-input.js';

interface Job {
  name: string;
  lane: Lane;
  deps: Deps;
  session: Session;
  /** what stops this profile before it connects (a password that is not set, without a TTY to ask) */
  failure?: DbxError;
  safety?: Pick<SafetyIO, 'yes' | 'ask'>;
  cancel?: (why: DbxError) => void;
}

/** What makes every profile the same server, or cannot say where its output came from: refused before running. */
function refuseMisfits(engineName: EngineName, opts: GlobalOptions, deps: Deps, count: number): void {
  if (opts.format === 'raw') {
    throw new UsageError(`--format raw prints the servers' bytes as they are and cannot say which of the ${count} profiles each came from`, {
      code: 'FANOUT_FORMAT',
      hint: 'use --format tsv, csv or ndjson with several profiles (each row then starts with its profile)',
    });
  }
  if (opts.url !== undefined) {
    throw new UsageError(`--url names one server and would replace every profile's: it cannot be combined with ${count} profiles`, {
      code: 'FANOUT_URL',
      hint: 'give each server a profile in the config, or run with -p ONE --url URL',
    });
  }
  const variable = `DBX_${engineName.toUpperCase()}_URL`;
  if (deps.env[variable]) {
    throw new UsageError(`$${variable} is set and would point all ${count} profiles at the same server`, {
      code: 'FANOUT_URL',
      hint: `unset ${variable} to run on each profile's own ${engineName} server`,
    });
  }
}

/** One prompt on the terminal at a time: several engines may ask for a password while they connect at once. */
function serialPrompt(deps: Deps): ((question: string) => Promise<string>) | undefined {
  if (!stdinIsTerminal(deps)) return undefined;
  let queue: Promise<unknown> = Promise.resolve();
  return (question) => {
    const asked = queue.then(() => askOnTty(deps, question, true));
    queue = asked.catch(() => undefined);
    return asked;
  };
}

/**
 * `safety: confirm` profiles with destructive statements, and statements every profile confirms (FLUSHALL on a
 * Redis Cluster): asked once, on the terminal, for all of them, before
 * anything runs anywhere. Without a TTY (and without --yes) nothing is asked: each such profile refuses in its own
 * row, as a readonly one refuses a write.
 */
async function confirmOnce(jobs: Job[], statements: Statement[], opts: GlobalOptions, deps: Deps): Promise<void> {
  const base = { yes: opts.yes, ask: undefined };
  for (const job of jobs) job.safety = base;
  if (opts.yes || !stdinIsTerminal(deps)) return;
  const asking: Job[] = [];
  const texts = new Set<string>();
  for (const job of jobs) {
    if (job.failure || job.session.safety === 'readonly') continue;
    const { engine } = job.session;
    const destructive: string[] = [];
    for (const stmt of statements) {
      try {
        // a statement confirmed whatever the safety (FLUSHALL on a Redis Cluster), or a destructive one under confirm
        const always = engine.confirmAlways?.(stmt) !== undefined;
        if (always || (job.session.safety === 'confirm' && (await engine.classify(stmt)).destructive)) {
          destructive.push(shortLabel(engine, stmt));
        }
      } catch {
        // it cannot be classified now: the run classifies it again, and without an answer refuses it
      }
    }
    if (destructive.length === 0) continue;
    asking.push(job);
    destructive.forEach((t) => texts.add(t));
  }
  if (asking.length === 0) return;
  const names = asking.map((j) => `'${j.name}' (${j.session.engine.endpoint})`).join(', ');
  const list = [...texts].map((t) => `  ${t}`).join('\n');
  const plural = asking.length === 1 ? 'Profile' : 'Profiles';
  const answer = await askOnTty(deps, `${plural} ${names}: about to run\n${list}\nType yes to continue: `);
  const yes = answer.trim().toLowerCase() === 'yes';
  for (const job of asking) job.safety = yes ? { yes: true } : { yes: false, ask: async () => answer };
}

export async function runFanOut(
  engineName: EngineName,
  words: string[],
  names: string[],
  loaded: LoadedConfig,
  opts: GlobalOptions,
  deps: Deps,
  advice?: WordsAdvice,
): Promise<number> {
  refuseMisfits(engineName, opts, deps, names.length);
  const lanes = new OutputLanes(names.length, { out: deps.stdout, err: deps.stderr }, { interleave: opts.format === 'ndjson' });
  // one Ctrl-C handler for the whole set: each profile's run registers with it, not with the process
  const interruptHandlers = new Set<(signal: StopSignal) => void>();
  let interrupted = false;
  const jobs: Job[] = [];
  const removeInterrupt = deps.onInterrupt((signal) => {
    interrupted = true;
    for (const handler of interruptHandlers) handler(signal);
    // the profiles still connecting stop there too (their runs register with interruptHandlers once connected)
    for (const job of jobs) job.cancel?.(new InterruptedError({ signal, engine: engineName, endpoint: job.session.engine.endpoint }));
  });
  try {
    const prompt = serialPrompt(deps);
    for (const [i, name] of names.entries()) {
      const lane = lanes.lanes[i]!;
      const laneDeps: Deps = {
        ...deps,
        stdout: lane.out as Deps['stdout'],
        stderr: lane.err as Deps['stderr'],
        onInterrupt: (handler) => (interruptHandlers.add(handler), () => interruptHandlers.delete(handler)),
      };
      let profile;
      try {
        // a password variable that is not set is asked for now, on a TTY, one profile after the other
        profile = await openProfile(engineName, { ...opts, profile: name }, deps, true, loaded);
      } catch (e) {
        throw tagged(e, name);
      }
      const engine = await createSessionEngine(engineName, profile, opts, laneDeps, prompt).catch((e: unknown) => {
        throw tagged(e, name);
      });
      const job: Job = { name, lane, deps: laneDeps, session: { engine, profileName: name, safety: profile.safety, profile } };
      if (profile.missingPasswords.length > 0) {
        const { missingPasswordError } = await import('../config/profile.js');
        job.failure = missingPasswordError(profile.missingPasswords);
      }
      jobs.push(job);
    }
    const input = await readStatements(jobs[0]!.session.engine, words, opts, deps);
    if (input === 'interactive') {
      throw new UsageError(`the interactive shell runs on one profile, and -p ${opts.profile ?? deps.env.DBX_PROFILE} names ${names.length}`, {
        code: 'FANOUT_SHELL',
        hint: 'give a statement, -f FILE or a script on stdin to run it on each of them, or -p ONE for a shell',
      });
    }
    if (input.length === 0) return ExitCode.ok;
    await confirmOnce(jobs, input, opts, deps);
    const outcomes = await runJobs(jobs, input, opts, advice, () => interrupted);
    await lanes.drained();
    if (!opts.quiet) deps.stderr.write(summaryLine(outcomes, wantsJson(opts)));
    return fanOutExitCode(outcomes);
  } catch (e) {
    lanes.discard();
    throw e;
  } finally {
    removeInterrupt();
    await Promise.all(jobs.map((j) => j.session.engine.close().catch(() => undefined)));
  }
}

function tagged(e: unknown, profile: string): DbxError {
  const err = asDbxError(e);
  err.profile ??= profile;
  return err;
}

async function runJobs(
  jobs: Job[],
  statements: Statement[],
  opts: GlobalOptions,
  advice: WordsAdvice | undefined,
  interrupted: () => boolean,
): Promise<ProfileOutcome[]> {
  const outcomes: ProfileOutcome[] = jobs.map((j) => ({ profile: j.name, state: 'not run', exitCode: ExitCode.ok }));
  /** --fail-fast: the profile whose failure stops the rest */
  let stopping: string | undefined;
  await eachBounded(jobs, opts.parallel ?? DEFAULT_PARALLEL, async (job, i) => {
    try {
      if (stopping !== undefined || interrupted()) return;
      let outcome: RunOutcome;
      if (job.failure) {
        const error = await reportFailure({ opts, deps: job.deps, profile: job.name, engine: job.session.engine }, job.failure);
        outcome = { exitCode: error.exitCode, error };
      } else {
        outcome = await runStatements(job.session, statements, opts, job.deps, {
          advice,
          tag: job.name,
          safety: job.safety,
          cancellable: (cancel) => (job.cancel = cancel),
        });
      }
      const cancelled = outcome.error?.code === 'CANCELLED';
      outcomes[i] = {
        profile: job.name,
        state: cancelled ? 'cancelled' : outcome.exitCode === ExitCode.ok ? 'ok' : 'failed',
        exitCode: outcome.exitCode,
        code: outcome.error?.code,
      };
      if (opts.failFast && !cancelled && outcome.exitCode !== ExitCode.ok && stopping === undefined) {
        stopping = job.name;
        for (const other of jobs) {
          if (other === job) continue;
          other.cancel?.(new DbxError(`cancelled: profile '${job.name}' failed (--fail-fast)`, ExitCode.interrupted, { code: 'CANCELLED' }));
        }
      }
    } finally {
      job.cancel = undefined;
      job.lane.finish();
    }
  });
  return outcomes;
}
