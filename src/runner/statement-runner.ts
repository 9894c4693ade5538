/**
 * The statement runner shared by the one-shot runner (src/commands/run-script.ts) and the interactive shell
 * (src/repl/): execute one statement under --timeout, hand its result to the --format writer, record it in the
 * audit log, and report what failed. Neither mode owns it; each adds what only it needs around it (pipelines and
 * --transaction there; the pager, Ctrl-C and reconnecting here).
 */
import type { Engine, Result, Statement } from '../engines/engine.js';
import { ExitCode, InterruptedError, StatementError, type DbxError } from '../errors.js';
import type { ResultWriter } from '../output/writers.js';
import type { AuditLog } from './audit-log.js';
import type { Deps } from './deps.js';
import type { Progress } from './progress.js';
import { wantsJson, type GlobalOptions } from './options.js';
import { asDbxError, reportError } from './report-error.js';
import { CancelBound } from './cancel-bound.js';
import { maskAbout, maskStatement } from '../text/statement-secrets.js';

/** What running statements needs; the interactive shell builds one too, and swaps the writer per statement. */
export interface RunState {
  engine: Engine;
  writer: ResultWriter;
  audit: AuditLog;
  opts: GlobalOptions;
  deps: Deps;
  failed: boolean;
  interrupted: boolean;
  /** what the command line's words may hold that the user did not mean to send (kv: src/commands/kv-habits.ts) */
  wordsAdvice?: WordsAdvice;
  /** a script (not the shell): a failing statement's error names the line it starts on, as the mysql client's "at line 5" */
  scriptLines?: boolean;
  /** the shell's `source FILE`: the file a failing statement's line is in ("at line 3 in file: 'x.sql'") */
  scriptFile?: string;
  /** fan-out: the profile its errors are reported with */
  profile?: string;
  /** a script's progress line on the terminal (src/runner/progress.ts), told as statements finish */
  progress?: Progress;
  /** the running statement's cancel bound (src/runner/cancel-bound.ts): a signal decides its outcome through it */
  bound?: CancelBound;
  /** dbx gave up on a statement and destroyed the engine's connections: connect again before the next one */
  connectionGone?: boolean;
}

/** Help about the statement's words: a hint when it fails, a warning when it ran anyway. */
export interface WordsAdvice {
  /** put before the server's own hint when the statement fails */
  hint: string;
  /** said on stderr when it ran anyway */
  warning: string;
}

/**
 * The statement as -v, --log-file, the shell's history, safety and error messages show it: secrets masked by the
 * engine (kv: by the command's words when the shell split them), else by the engine's rule in statement-secrets.ts.
 */
export function statementLabel(engine: Pick<Engine, 'name' | 'redact'>, stmt: Statement): string {
  return engine.redact ? engine.redact(stmt) : maskStatement(engine.name, stmt.text);
}

/** A failure's message as the audit log keeps it: the server may quote the statement back, secrets included. */
export function errorLabel(engine: Pick<Engine, 'name'>, err: DbxError, stmt: Statement): string {
  return maskAbout(engine.name, err.message, stmt.text);
}

/** Where a failure happened, for its message. */
export interface FailureContext {
  /** the statement it belongs to (its redacted text is shown under the message) */
  stmt?: Statement;
  /** the text that a parse error's line and column count in, for the caret */
  source?: string;
  /** another stderr than the state's (the shell: the terminal, outside a statement's paged output) */
  stderr?: NodeJS.WritableStream;
}

/**
 * The one place a run reports a failure, in both modes: what the writer still holds is printed first (the data
 * before the error, then the error), then the message on stderr, naming the engine and the statement. Returns the
 * error, whose exitCode is the run's.
 */
export async function reportFailure(
  state: Pick<RunState, 'opts' | 'deps'> & Partial<Pick<RunState, 'engine' | 'writer' | 'wordsAdvice' | 'scriptLines' | 'scriptFile' | 'profile'>>,
  e: unknown,
  where: FailureContext = {},
): Promise<DbxError> {
  const err = asDbxError(e);
  const advice = state.wordsAdvice;
  if (advice && err.exitCode === ExitCode.statement && !err.hint?.startsWith(advice.hint)) {
    err.hint = err.hint ? `${advice.hint}; ${err.hint}` : advice.hint;
  }
  await state.writer?.flush().catch(() => undefined);
  if (state.profile !== undefined) err.profile ??= state.profile;
  if (state.engine) {
    if (where.stmt && err.statement === undefined) err.statement = statementLabel(state.engine, where.stmt);
    err.engine ??= state.engine.name;
  }
  reportError(err, where.stderr ?? state.deps.stderr, {
    json: wantsJson(state.opts),
    verbose: state.opts.verbose,
    color: state.opts.errorColor,
    source: where.source ?? where.stmt?.text,
    line: state.scriptLines && err.exitCode === ExitCode.statement && where.stmt?.line ? where.stmt.line : undefined,
    file: state.scriptFile,
  });
  return err;
}

/**
 * A signal (or fan-out's --fail-fast) stops the run: the running statement's outcome is decided now and it is
 * cancelled under the give-up bound; between statements, whatever the engine has in flight is cancelled.
 */
export function stopRunning(state: Pick<RunState, 'bound'> & Partial<Pick<RunState, 'engine'>>, why: DbxError): void {
  if (state.bound && !state.bound.done) state.bound.decide(why);
  else state.engine?.cancel().catch(() => {});
}

/**
 * Runs a statement's work under its cancel bound: --timeout decides a TIMEOUT (exit 1) when it passes, a signal
 * decides through stopRunning(); either way the outcome stands whatever the server answers afterwards.
 */
export async function bounded<T>(state: RunState, stmt: Statement, work: (bound: CancelBound) => Promise<T>): Promise<T> {
  const bound = new CancelBound(state.engine);
  state.bound = bound;
  const ms = state.opts.timeout;
  const timer = ms
    ? setTimeout(() => {
        bound.decide(new StatementError(`statement cancelled after ${ms} ms (--timeout)`, {
          code: 'TIMEOUT',
          engine: state.engine.name,
          endpoint: state.engine.endpoint,
          statement: statementLabel(state.engine, stmt),
        }));
      }, ms)
    : undefined;
  try {
    return await bound.run(() => work(bound));
  } finally {
    clearTimeout(timer);
    if (bound.abandoned) state.connectionGone = true;
  }
}

/** Hands one result to the writer; resolves to the number of rows written. */
export async function writeResult(state: RunState, stmt: Statement, result: Result, started: number): Promise<number> {
  return state.writer.write(result, {
    seconds: () => (performance.now() - started) / 1000,
    vertical: stmt.vertical,
  });
}

/**
 * Runs one statement and writes its result. A statement error (exit 1) is reported here and returned; anything
 * else (connect, safety, usage, interrupted) is thrown for the mode to report once, where it decides what follows.
 */
export async function runStatement(state: RunState, stmt: Statement): Promise<DbxError | undefined> {
  const started = performance.now();
  const label = statementLabel(state.engine, stmt);
  if (state.opts.verbose) state.deps.stderr.write(`-- [${state.engine.name} line ${stmt.line}] ${label}\n`);
  try {
    const rows = await bounded(state, stmt, async (bound) => {
      const result = await bound.admit(await bound.race(state.engine.execute(stmt)));
      const written = await writeResult(state, stmt, result, started);
      // printed, and still a failure (kv: EXEC whose transaction held a failing command)
      if (result.kind === 'value' && result.failure) throw result.failure;
      return written;
    });
    state.audit.record({ statement: label, seconds: (performance.now() - started) / 1000, outcome: 'ok', rows });
    return undefined;
  } catch (e) {
    // what was printed before the failure stays printed (a pipelined batch buffers it)
    await state.writer.flush().catch(() => undefined);
    if (e instanceof InterruptedError) throw e;
    if (state.interrupted) throw new InterruptedError({ engine: state.engine.name, endpoint: state.engine.endpoint });
    const err = asDbxError(e);
    state.audit.record({ statement: label, seconds: (performance.now() - started) / 1000, outcome: 'error', error: errorLabel(state.engine, err, stmt) });
    if (err.exitCode !== ExitCode.statement) throw err;
    return reportFailure(state, err, { stmt });
  }
}
