/**
 * A script's statements on one opened session: safety → connect → each statement through the statement runner
 * (src/runner/) → exit code, with --force, --transaction and kv's pipelines. Used by the one-shot runner
 * (run-script.ts) and by each profile of a fan-out (fan-out.ts). Engines differ only behind the Engine interface.
 */
import type { Engine, Outcome, Result, Statement } from '../engines/engine.js';
import { ExitCode, InterruptedError, type DbxError } from '../errors.js';
import { asDbxError } from '../runner/report-error.js';
import { createWriter } from '../output/writers.js';
import { openAuditLog, type AuditEntry, type AuditLog } from '../runner/audit-log.js';
import { askOnTty, stdinIsTerminal, type Deps } from '../runner/deps.js';
import { wantsJson, type GlobalOptions } from '../runner/options.js';
import { startProgress, type Progress } from '../runner/progress.js';
import { checkSafety, type SafetyIO } from '../runner/safety.js';
import { writeWarning, type Session } from '../runner/session.js';
import { bounded, errorLabel, reportFailure, runStatement, statementLabel, stopRunning, writeResult, type RunState, type WordsAdvice } from '../runner/statement-runner.js';

/** Runs one statement; returns false when the script must stop. */
async function runOne(state: RunState, stmt: Statement): Promise<boolean> {
  if (state.connectionGone) {
    // --force after a statement dbx gave up on (src/runner/cancel-bound.ts): its connections were destroyed
    state.connectionGone = false;
    await state.engine.close().catch(() => undefined);
    await state.engine.connect();
  }
  if ((await runStatement(state, stmt)) === undefined) return true;
  state.failed = true;
  return state.opts.force && !state.opts.transaction;
}

/**
 * kv scripts: pipelined through engine.executeBatch, replies printed in order. Without --force the script stops
 * at the first failure: every reply before it is printed, then the error, which says how many of the lines after it
 * had already been sent and ran (the engine stops sending there and lets them finish).
 */
async function runBatches(state: RunState, statements: Statement[]): Promise<void> {
  const engine = state.engine;
  const size = engine.batchSize ?? 1000;
  const audit = state.audit.enabled;
  const stopAtError = !state.opts.force;
  for (let i = 0; i < statements.length; i += size) {
    const started = performance.now();
    const ctx = { seconds: () => (performance.now() - started) / 1000, deferFlush: true };
    let stop: { error: DbxError; statement: Statement } | undefined;
    const ranAfter: Outcome[] = [];
    let done = i;
    batch: for await (const outcomes of engine.executeBatch!(statements.slice(i, i + size), { stopAtError })) {
      for (const outcome of outcomes) {
        state.progress?.update(++done, statements.length);
        const label = audit ? statementLabel(engine, outcome.statement) : '';
        if (stop) {
          // leaving the loop stops the engine from sending more; what it had already sent comes marked
          if (!outcome.afterFailure) break batch;
          ranAfter.push(outcome);
          if (audit) state.audit.record(auditEntry(engine, label, outcome, 0));
          continue;
        }
        let error = outcome.error;
        if (outcome.result) {
          const written = state.writer.write(outcome.result, ctx);
          const rows = typeof written === 'number' ? written : await written;
          error = failureOf(outcome.result);
          if (audit) state.audit.record(auditEntry(engine, label, outcome, ctx.seconds(), rows));
        } else if (audit) {
          state.audit.record(auditEntry(engine, label, outcome, 0));
        }
        if (!error) continue;
        state.failed = true;
        if (stopAtError) stop = { error, statement: outcome.statement };
        else await reportFailure(state, error, { stmt: outcome.statement });
      }
    }
    await state.writer.flush();
    if (stop) {
      if (ranAfter.length > 0) stop.error.note = ranAfterNote(stop.statement, ranAfter);
      await reportFailure(state, stop.error, { stmt: stop.statement });
      return;
    }
  }
}

/** the failure a printed result reports (kv: an EXEC whose transaction held a failing command) */
function failureOf(result: Result): DbxError | undefined {
  return result.kind === 'value' ? result.failure : undefined;
}

function auditEntry(engine: Engine, statement: string, outcome: Outcome, seconds: number, rows = 0): AuditEntry {
  const error = outcome.error ?? (outcome.result && failureOf(outcome.result));
  return error
    ? { statement, seconds, outcome: 'error', error: errorLabel(engine, error, outcome.statement) }
    : { statement, seconds, outcome: 'ok', rows };
}

/** "2 lines after line 2 had already been sent and ran (lines 3 to 4); their replies are not shown" */
export function ranAfterNote(failing: Statement, ran: readonly Outcome[]): string {
  const n = ran.length;
  const first = ran[0]!.statement.line;
  const last = ran[n - 1]!.statement.line;
  const where = n === 1 ? `line ${first}` : `lines ${first} to ${last}`;
  const failures = ran.filter((o) => o.error ?? (o.result && failureOf(o.result)));
  const failedToo = failures.length === 0 ? '' : `; ${failures.length} of them failed too (first: line ${failures[0]!.statement.line})`;
  return `${n} ${n === 1 ? 'line' : 'lines'} after line ${failing.line} had already been sent and ran (${where})${failedToo}; their replies are not shown`;
}


/**
 * Runs the statements in turn while `run` says go on. When one changes how the rest of the script reads (sql:
 * sql_mode NO_BACKSLASH_ESCAPES, as the server's status says), the rest is split again by the engine and checked
 * by safety before it runs. Returns false when a statement stopped the script.
 */
async function eachStatement(
  state: RunState,
  statements: Statement[],
  recheck: (rest: Statement[]) => Promise<void>,
  run: (stmt: Statement) => Promise<boolean>,
): Promise<boolean> {
  let list = statements;
  let done = 0;
  // the engine may send several statements at once (sql: a run of INSERTs in one query); not under --timeout,
  // which bounds each statement on its own
  const plan = (rest: Statement[]) => (state.opts.timeout ? undefined : state.engine.plan?.(rest));
  plan(list);
  for (let k = 0; k < list.length; k++) {
    const stmt = list[k]!;
    const ok = await run(stmt);
    state.progress?.update(++done, done + list.length - k - 1);
    if (!ok) return false;
    // values bound by --param belong to the statements as first split: those are not split again
    const again = stmt.params || stmt.paramRows ? undefined : state.engine.splitRest?.(stmt);
    if (again) {
      await recheck(again);
      list = again;
      plan(list);
      k = -1;
    }
  }
  return true;
}

async function runAll(state: RunState, statements: Statement[], recheck: (rest: Statement[]) => Promise<void>): Promise<void> {
  const { engine, opts } = state;
  if (opts.transaction && engine.transaction) {
    const { transaction } = engine;
    // BEGIN, COMMIT and ROLLBACK are statements too: --timeout and the signals hold for them as for the script's
    const control = (text: string, work: () => Promise<Result | undefined>) =>
      bounded(state, { text, line: 0 }, (bound) => bound.race(work()));
    await control('BEGIN', async () => void (await transaction.begin()));
    if (!(await eachStatement(state, statements, recheck, (stmt) => runOne(state, stmt)))) {
      try {
        await control('ROLLBACK', async () => void (await transaction.rollback()));
      } catch (e) {
        // the rollback failed, or could not undo everything (MySQL commits DDL implicitly): say so, never "nothing"
        await reportFailure(state, e);
        return;
      }
      // a status line: not under --quiet, nor under --json, where stderr carries only the error's JSON line
      if (!opts.quiet && !wantsJson(opts)) state.deps.stderr.write('Transaction rolled back: nothing was changed.\n');
      return;
    }
    const started = performance.now();
    const result = await control('COMMIT', () => transaction.commit());
    if (!result) return;
    await writeResult(state, { text: 'COMMIT', line: 0 }, result, started);
    const failure = failureOf(result);
    if (failure) {
      // kv: EXEC ran; the failing command's changes are the only ones missing (Redis has no rollback)
      state.failed = true;
      await reportFailure(state, failure);
    }
    return;
  }
  if (engine.executeBatch && statements.length > 1 && !opts.timeout) return runBatches(state, statements);
  await eachStatement(state, statements, recheck, (stmt) => runOne(state, stmt));
}

/** What one profile's run is given besides the options; fan-out (fan-out.ts) fills the rest. */
export interface RunExtras {
  /** what the command line's words may hold that the user did not mean to send (kv-habits.ts) */
  advice?: WordsAdvice;
  /** fan-out: the profile its results and errors are tagged with */
  tag?: string;
  /** fan-out: the confirmation was asked once for the whole set; this is its answer */
  safety?: Pick<SafetyIO, 'yes' | 'ask'>;
  /** fan-out --fail-fast: receives the function that cancels this profile's run (another profile failed) */
  cancellable?: (cancel: (why: DbxError) => void) => void;
}

/** How one profile's run ended: its exit code, and the error that decided it when one did. */
export interface RunOutcome {
  exitCode: number;
  error?: DbxError;
}

/**
 * Runs a script's statements on an opened session: audit log, connect, safety, the writer, Ctrl-C, then every
 * statement (runAll). Closes the session. Each fan-out profile runs through here with its own lane as stdout/stderr.
 */
export async function runStatements(
  session: Session, statements: Statement[], opts: GlobalOptions, deps: Deps, extras: RunExtras = {},
): Promise<RunOutcome> {
  let audit: AuditLog | undefined;
  let removeInterrupt: (() => void) | undefined;
  let cancelled: DbxError | undefined;
  let progress: Progress | undefined;
  const { advice, tag } = extras;
  const engine = session.engine;
  const state: Partial<RunState> & Pick<RunState, 'opts' | 'deps'> = {
    opts, deps, failed: false, interrupted: false, wordsAdvice: advice, profile: tag, engine,
  };
  const stop = (why: DbxError) => {
    cancelled ??= why;
    state.interrupted = true;
    stopRunning(state, why);
  };
  try {
    extras.cancellable?.(stop);
    audit = await openAuditLog(opts.logFile, session.profileName, engine.name);
    if (cancelled) throw cancelled;
    await engine.connect();
    if (cancelled) throw cancelled;
    const safety = session.safety;
    const profileName = session.profileName;
    const check = (list: Statement[]) =>
      checkSafety(engine, list, safety, {
        yes: opts.yes,
        profile: profileName,
        ask: stdinIsTerminal(deps) ? (q) => askOnTty(deps, q) : undefined,
        ...extras.safety,
      });
    await check(statements);
    // a long script's progress line on the terminal (not for a fan-out profile: its output goes through a lane)
    let io = deps;
    if (tag === undefined) ({ progress, deps: io } = startProgress(engine.name, statements.length, opts, deps));
    Object.assign(state, {
      audit,
      deps: io,
      progress,
      // the mysql client names the line of a failing statement ("at line 5"); redis-cli and mongosh do not
      scriptLines: engine.name === 'sql',
      writer: createWriter({ format: opts.format, color: opts.color, quiet: opts.quiet, tag }, io.stdout, io.stderr),
    });
    // Ctrl-C before this point (connecting) is the caller's: nothing runs yet that could be cancelled on a server
    removeInterrupt = deps.onInterrupt((signal) => stop(new InterruptedError({ signal, engine: engine.name, endpoint: engine.endpoint })));
    await runAll(state as RunState, statements, check);
    progress?.stop();
    if (advice && !state.failed) writeWarning(advice.warning, opts, deps);
    await audit.close(); // here, not only in finally: a log that could not be written is an error to report
    return { exitCode: state.failed ? ExitCode.statement : ExitCode.ok };
  } catch (e) {
    progress?.stop();
    if (state.interrupted) {
      const error = await reportFailure(state, cancelled ?? new InterruptedError({ engine: engine.name }));
      return { exitCode: error.exitCode, error };
    }
    const err = asDbxError(e);
    if (state.failed && err.exitCode === ExitCode.statement && err.code !== 'LOG_FILE') return { exitCode: ExitCode.statement }; // already reported
    err.engine ??= engine.name; // a bad --log-file still names the command it stopped
    const error = await reportFailure(state, err);
    return { exitCode: error.exitCode, error };
  } finally {
    progress?.stop();
    removeInterrupt?.();
    await audit?.close().catch(() => undefined);
    await engine.close().catch(() => {});
  }
}
