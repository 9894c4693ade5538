/**
 * The one-shot runner behind `dbx sql`, `dbx kv` and `dbx doc`: which profile (or, for fan-out, which profiles:
 * fan-out.ts), the script's statements, then the interactive shell when there are none on a terminal, else the
 * statements (run-statements.ts).
 */
import type { EngineName } from '../engines/engine.js';
import { ExitCode } from '../errors.js';
import type { Deps } from '../runner/deps.js';
import type { GlobalOptions } from '../runner/options.js';
import { asDbxError } from '../runner/report-error.js';
import { chooseProfiles, openSession, type Session } from '../runner/session.js';
import { reportFailure, type WordsAdvice } from '../runner/statement-runner.js';
import { runStatements } from './run-statements.js';
import { readStatements } from './script-input.js';

/** `advice`: what the command line's words may hold that the user did not mean to send (kv-habits.ts) */
export async function runScript(
  engineName: EngineName, words: string[], opts: GlobalOptions, deps: Deps, advice?: WordsAdvice,
): Promise<number> {
  let session: Session | undefined;
  const failed = { opts, deps };
  try {
    const choice = await chooseProfiles(opts, deps);
    if (choice.fanOut) return await (await import('./fan-out.js')).runFanOut(engineName, words, choice.fanOut, choice.loaded!, opts, deps, advice);
    opts = choice.opts;
    session = await openSession(engineName, opts, deps, choice.loaded);
    const input = await readStatements(session.engine, words, opts, deps);
    if (input === 'interactive') {
      const { runShell } = await import('../repl/repl.js');
      return await runShell(session, opts, deps);
    }
    if (input.length === 0) return ExitCode.ok;
    const opened = session;
    session = undefined; // runStatements closes it
    return (await runStatements(opened, input, opts, deps, { advice })).exitCode;
  } catch (e) {
    const err = asDbxError(e);
    err.engine ??= engineName; // a bad -f FILE or config still names the command it stopped
    // `dbx kv -p 6379`: redis-cli's port, where dbx's -p names a profile
    if (err.code === 'UNKNOWN_PROFILE' && engineName === 'kv') err.hint ??= (await import('./kv-habits.js')).redisCliFlagsHint(deps.argv);
    return (await reportFailure(failed, err)).exitCode;
  } finally {
    await session?.engine.close().catch(() => {});
  }
}
