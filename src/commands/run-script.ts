/**
 * The one-shot runner behind `dbx sql`, `dbx kv` and `dbx doc`:
 * input → statements → safety → connect → each statement through the statement runner (src/runner/) → exit code,
 * with --force, --transaction and kv's pipelines. Without a statement on a terminal it hands over to the shell.
 * Engines differ only behind the Engine interface.
 */
import type { EngineName, Statement } from '../engines/engine.js';
import { ExitCode, InterruptedError } from '../errors.js';
import { asDbxError } from '../runner/report-error.js';
import { createWriter } from '../output/writers.js';
import { openAuditLog, type AuditLog } from '../runner/audit-log.js';
import { askOnTty, type Deps } from '../runner/deps.js';
import { wantsJson, type GlobalOptions } from '../runner/options.js';
import { checkSafety } from '../runner/safety.js';
import { openSession, type Session } from '../runner/session.js';
import { reportFailure, runStatement, statementLabel, writeResult, type RunState } from '../runner/statement-runner.js';
import { readStatements } from './script-input.js';

/** Runs one statement; returns false when the script must stop. */
async function runOne(state: RunState, stmt: Statement): Promise<boolean> {
  if ((await runStatement(state, stmt)) === undefined) return true;
  state.failed = true;
  return state.opts.force && !state.opts.transaction;
}

/** kv scripts: pipelined through engine.executeBatch, replies printed in order. */
async function runBatches(state: RunState, statements: Statement[]): Promise<void> {
  const engine = state.engine;
  const size = engine.batchSize ?? 1000;
  const audit = state.audit.enabled;
  for (let i = 0; i < statements.length; i += size) {
    const started = performance.now();
    const ctx = { seconds: () => (performance.now() - started) / 1000, deferFlush: true };
    let stop = false;
    for await (const outcomes of engine.executeBatch!(statements.slice(i, i + size))) {
      for (const outcome of outcomes) {
        if (outcome.error) {
          if (audit) state.audit.record({ statement: statementLabel(engine, outcome.statement), seconds: 0, outcome: 'error', error: outcome.error.message });
          await reportFailure(state, outcome.error, { stmt: outcome.statement });
          state.failed = true;
          stop = !state.opts.force;
          if (stop) break;
          continue;
        }
        const written = state.writer.write(outcome.result!, ctx);
        const rows = typeof written === 'number' ? written : await written;
        if (audit) state.audit.record({ statement: statementLabel(engine, outcome.statement), seconds: ctx.seconds(), outcome: 'ok', rows });
      }
      if (stop) break; // leaving the loop stops the engine from sending more
    }
    await state.writer.flush();
    if (stop) return;
  }
}

async function runAll(state: RunState, statements: Statement[]): Promise<void> {
  const { engine, opts } = state;
  if (opts.transaction && engine.transaction) {
    await engine.transaction.begin();
    for (const stmt of statements) {
      if (!(await runOne(state, stmt))) {
        try {
          await engine.transaction.rollback();
        } catch (e) {
          // the rollback failed, or could not undo everything (MySQL commits DDL implicitly): say so, never "nothing"
          await reportFailure(state, e);
          return;
        }
        // a status line: not under --quiet, nor under --json, where stderr carries only the error's JSON line
        if (!opts.quiet && !wantsJson(opts)) state.deps.stderr.write('Transaction rolled back: nothing was changed.\n');
        return;
      }
    }
    const started = performance.now();
    const result = await engine.transaction.commit();
    if (result) await writeResult(state, { text: 'COMMIT', line: 0 }, result, started);
    return;
  }
  if (engine.executeBatch && statements.length > 1 && !opts.timeout) return runBatches(state, statements);
  for (const stmt of statements) {
    if (!(await runOne(state, stmt))) return;
  }
}

export async function runScript(engineName: EngineName, words: string[], opts: GlobalOptions, deps: Deps): Promise<number> {
  let session: Session | undefined;
  let audit: AuditLog | undefined;
  let removeInterrupt: (() => void) | undefined;
  const state: Partial<RunState> & Pick<RunState, 'opts' | 'deps'> = { opts, deps, failed: false, interrupted: false };
  try {
    session = await openSession(engineName, opts, deps);
    const engine = session.engine;
    const input = await readStatements(engine, words, opts, deps);
    if (input === 'interactive') {
      const { runShell } = await import('../repl/repl.js');
      return await runShell(session, opts, deps);
    }
    const statements = input;
    if (statements.length === 0) return ExitCode.ok;
    audit = await openAuditLog(opts.logFile, session.profileName, engineName);
    await engine.connect();
    await checkSafety(engine, statements, session.safety, {
      yes: opts.yes,
      profile: session.profileName,
      ask: deps.stdin.isTTY ? (q) => askOnTty(deps, q) : undefined,
    });
    Object.assign(state, {
      engine,
      audit,
      writer: createWriter({ format: opts.format, color: opts.color, quiet: opts.quiet }, deps.stdout, deps.stderr),
    });
    removeInterrupt = deps.onInterrupt(() => {
      state.interrupted = true;
      engine.cancel().catch(() => {});
    });
    await runAll(state as RunState, statements);
    await audit.close(); // here, not only in finally: a log that could not be written is an error to report
    return state.failed ? ExitCode.statement : ExitCode.ok;
  } catch (e) {
    if (state.interrupted) return (await reportFailure(state, new InterruptedError({ engine: engineName }))).exitCode;
    const err = asDbxError(e);
    if (state.failed && err.exitCode === ExitCode.statement && err.code !== 'LOG_FILE') return ExitCode.statement; // already reported
    err.engine ??= engineName; // a bad -f FILE, --log-file or config still names the command it stopped
    return (await reportFailure(state, err)).exitCode;
  } finally {
    removeInterrupt?.();
    await audit?.close().catch(() => undefined);
    await session?.engine.close().catch(() => {});
  }
}
