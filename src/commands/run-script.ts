/**
 * The one runner behind `dbx sql`, `dbx kv` and `dbx doc`:
 * input → statements → safety → connect → execute (with --timeout) → writer → audit log, with --force and
 * --transaction. Engines differ only behind the Engine interface.
 */
import type { Engine, EngineName, Result, Statement } from '../engines/engine.js';
import { ExitCode, InterruptedError, StatementError, type DbxError, type ExitCodeValue } from '../errors.js';
import { createWriter, type ResultWriter } from '../output/writers.js';
import { openAuditLog, type AuditLog } from './audit-log.js';
import { askOnTty, type Deps } from './deps.js';
import { wantsJson, type GlobalOptions } from './global-options.js';
import { asDbxError, reportError } from './report-error.js';
import { checkSafety } from './safety.js';
import { readStatements } from './script-input.js';
import { openSession, type Session } from './session.js';

/** What running statements needs; the interactive shell builds one too, and may swap the writer per statement. */
export interface RunState {
  engine: Engine;
  writer: ResultWriter;
  audit: AuditLog;
  opts: GlobalOptions;
  deps: Deps;
  failed: boolean;
  interrupted: boolean;
}

function stmtLabel(engine: Engine, stmt: Statement): string {
  return engine.redact ? engine.redact(stmt) : stmt.text;
}

async function report(state: RunState, e: unknown, stmt?: Statement): Promise<ExitCodeValue> {
  const err = asDbxError(e);
  await state.writer.flush().catch(() => undefined); // the data before the error, then the error
  if (stmt && err.statement === undefined) err.statement = stmtLabel(state.engine, stmt);
  err.engine ??= state.engine.name;
  return reportError(err, state.deps.stderr, { json: wantsJson(state.opts), verbose: state.opts.verbose, source: stmt?.text });
}

async function withTimeout<T>(state: RunState, stmt: Statement, work: () => Promise<T>): Promise<T> {
  const ms = state.opts.timeout;
  if (!ms) return work();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    state.engine.cancel().catch(() => {});
  }, ms);
  try {
    return await work();
  } catch (e) {
    if (timedOut && !(e instanceof InterruptedError)) {
      throw new StatementError(`statement cancelled after ${ms} ms (--timeout)`, {
        code: 'TIMEOUT',
        engine: state.engine.name,
        endpoint: state.engine.endpoint,
        statement: stmtLabel(state.engine, stmt),
        cause: e,
      });
    }
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

async function writeResult(state: RunState, stmt: Statement, result: Result, started: number, deferFlush = false): Promise<number> {
  return state.writer.write(result, {
    seconds: () => (performance.now() - started) / 1000,
    vertical: stmt.vertical,
    deferFlush,
  });
}

/**
 * Runs one statement and writes its result. A statement error (exit 1) is reported here and returned; anything
 * else (connect, safety, usage, interrupted) is thrown for the caller to report once.
 */
export async function runStatement(state: RunState, stmt: Statement): Promise<DbxError | undefined> {
  const started = performance.now();
  const label = stmtLabel(state.engine, stmt);
  if (state.opts.verbose) state.deps.stderr.write(`-- [${state.engine.name} line ${stmt.line}] ${label}\n`);
  try {
    const rows = await withTimeout(state, stmt, async () => {
      const result = await state.engine.execute(stmt);
      return writeResult(state, stmt, result, started);
    });
    state.audit.record({ statement: label, seconds: (performance.now() - started) / 1000, outcome: 'ok', rows });
    return undefined;
  } catch (e) {
    // what was printed before the failure stays printed (a pipelined batch buffers it)
    await state.writer?.flush().catch(() => undefined);
    if (state.interrupted) throw new InterruptedError({ engine: state.engine.name, endpoint: state.engine.endpoint });
    const err = asDbxError(e);
    state.audit.record({ statement: label, seconds: (performance.now() - started) / 1000, outcome: 'error', error: err.message });
    if (err.exitCode !== ExitCode.statement) throw err; // reported once, by runScript
    await report(state, err, stmt);
    return err;
  }
}

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
          if (audit) state.audit.record({ statement: stmtLabel(engine, outcome.statement), seconds: 0, outcome: 'error', error: outcome.error.message });
          await report(state, outcome.error, outcome.statement);
          state.failed = true;
          stop = !state.opts.force;
          if (stop) break;
          continue;
        }
        const written = state.writer.write(outcome.result!, ctx);
        const rows = typeof written === 'number' ? written : await written;
        if (audit) state.audit.record({ statement: stmtLabel(engine, outcome.statement), seconds: ctx.seconds(), outcome: 'ok', rows });
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
          await report(state, e);
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
  const json = wantsJson(opts);
  let session: Session | undefined;
  let audit: AuditLog | undefined;
  let removeInterrupt: (() => void) | undefined;
  const state: Partial<RunState> = { failed: false, interrupted: false };
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
      opts,
      deps,
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
    if (state.interrupted) return reportError(new InterruptedError({ engine: engineName }), deps.stderr, { json, verbose: opts.verbose });
    const err = asDbxError(e);
    if (state.failed && err.exitCode === ExitCode.statement && err.code !== 'LOG_FILE') return ExitCode.statement; // already reported
    err.engine ??= engineName; // a bad -f FILE, --log-file or config still names the command it stopped
    return reportError(err, deps.stderr, { json, verbose: opts.verbose });
  } finally {
    removeInterrupt?.();
    await audit?.close().catch(() => undefined);
    await session?.engine.close().catch(() => {});
  }
}
