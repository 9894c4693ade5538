/**
 * Runs one statement typed in the shell through the statement runner that one-shot mode uses too (runStatement:
 * execute, the --format writer, error report, audit log), adding what only a shell needs: the profile's safety
 * check asked on the prompt, the pager, Ctrl-C that cancels on the server and returns to the prompt, and re-opening
 * a lost connection before the next statement.
 */
import type { Engine, Statement } from '../engines/engine.js';
import { ExitCode, InterruptedError, type DbxError, type StopSignal } from '../errors.js';
import { createWriter } from '../output/writers.js';
import type { Deps } from '../runner/deps.js';
import type { GlobalOptions } from '../runner/options.js';
import { asDbxError } from '../runner/report-error.js';
import { checkSafety } from '../runner/safety.js';
import type { Session } from '../runner/session.js';
import { reportFailure, runStatement, stopRunning, type FailureContext, type RunState } from '../runner/statement-runner.js';
import { PagedOutput, type PagerSettings } from './repl-pager.js';

export interface ExecutorContext {
  session: Session;
  opts: GlobalOptions;
  deps: Deps;
  state: RunState;
  pager?: PagerSettings;
  /** asks on the shell's own prompt (safety: confirm) */
  ask(question: string): Promise<string>;
  /** the terminal hands Ctrl-C to the kernel (SIGINT) while a statement runs, and back to the line editor after */
  cooked(): void;
  raw(): void;
  /** the connection was re-opened: cached names may be stale */
  reconnected(): void;
}

/** Errors after which the connection cannot be used again. */
export function isConnectionLost(err: DbxError): boolean {
  if (err.exitCode === ExitCode.connect) return true;
  if (/^(?:ECONNRESET|EPIPE|ETIMEDOUT|PROTOCOL_CONNECTION_LOST|NOT_CONNECTED|ERR_STREAM_DESTROYED|CONNECTION_LOST|ER_CONNECTION_KILLED)$/.test(err.code)) return true;
  return /closed state|connection (?:is |was )?(?:closed|lost|reset|ended|killed)|not connected|gone away|socket hang up/i.test(err.message);
}

/** The statement that makes a new connection use the database the old one had switched to. */
function switchTo(engine: Engine, database: string): string {
  switch (engine.name) {
    case 'sql':
      return `use \`${database.replace(/`/g, '``')}\``;
    case 'kv':
      return `select ${database}`;
    case 'doc':
      return `use ${database}`;
  }
}

/** Where a statement comes from: the shell's `source FILE` names the file and line in its errors. */
export interface StatementOrigin {
  file?: string;
}

export class StatementExecutor {
  /** the last statement lost the connection: re-open it before the next one */
  needsReconnect = false;
  /** `warnings` / `\W`: the server's warnings are shown after each statement that had some */
  showWarnings = false;
  /** SIGTERM or SIGHUP came while a statement ran: it was cancelled, and the shell ends with this error's code */
  endedBy?: InterruptedError;
  private readonly homeDatabase?: string;

  constructor(private readonly ctx: ExecutorContext) {
    this.homeDatabase = ctx.session.engine.database;
  }

  /**
   * Every error of the shell is reported here (through the statement runner's reportFailure, as in one-shot mode):
   * on the terminal, or on a statement's paged output while it runs.
   */
  report(e: unknown, where: FailureContext & StatementOrigin = {}): Promise<DbxError> {
    const { file, ...context } = where;
    return reportFailure({ ...this.ctx.state, scriptFile: file ?? this.ctx.state.scriptFile }, e, { stderr: this.ctx.deps.stderr, ...context });
  }

  private notice(text: string): void {
    if (!this.ctx.opts.quiet) this.ctx.deps.stderr.write(text + '\n');
  }

  /** Runs one statement; false when it failed or was cancelled (the shell goes on either way). */
  async run(stmt: Statement, origin: StatementOrigin = {}): Promise<boolean> {
    const { state } = this.ctx;
    state.scriptLines = origin.file !== undefined;
    state.scriptFile = origin.file;
    try {
      return await this.runOnce(stmt, false);
    } finally {
      state.scriptLines = undefined;
      state.scriptFile = undefined;
    }
  }

  /** `resent`: the statement is being sent again after a reconnect (once at most) */
  private async runOnce(stmt: Statement, resent: boolean): Promise<boolean> {
    const { session, deps, opts, state } = this.ctx;
    const engine = session.engine;
    if (this.needsReconnect && !(await this.reconnect())) return false;
    try {
      await checkSafety(engine, [stmt], session.safety, { yes: opts.yes, profile: session.profileName, ask: (q) => this.ctx.ask(q) });
    } catch (e) {
      await this.report(e);
      return false;
    }

    let settled = false;
    let pagerQuit = false;
    const output = new PagedOutput({ out: deps.stdout, err: deps.stderr }, this.ctx.pager, () => {
      // q in the pager before the end: stop the rest of a huge result at the server, quietly
      if (settled) return;
      pagerQuit = true;
      state.interrupted = true;
      engine.cancel().catch(() => {});
    });
    state.writer = createWriter({ format: opts.format, color: opts.color, quiet: opts.quiet }, output.out, output.err);
    state.deps = { ...deps, stderr: output.err };
    state.interrupted = false;

    let abandon: () => void = () => {};
    const abandoned = new Promise<'abandoned'>((resolve) => (abandon = () => resolve('abandoned')));
    let presses = 0;
    let removeInterrupt: () => void = () => {};
    const onCtrlC = (signal: StopSignal): void => {
      // registered afresh on every press: src/cli.ts ends the process on a second press, which suits a script
      // but not a shell
      removeInterrupt();
      removeInterrupt = deps.onInterrupt(onCtrlC);
      presses += 1;
      const why = new InterruptedError({ signal, engine: engine.name, endpoint: engine.endpoint });
      // kill or a closed terminal: the statement is cancelled as for Ctrl-C, then the shell ends
      if (signal !== 'SIGINT') this.endedBy ??= why;
      if (presses === 1) {
        state.interrupted = true;
        deps.stderr.write(' -- cancelling the statement on the server\n');
        stopRunning(state, why);
      } else {
        abandon();
      }
    };
    removeInterrupt = deps.onInterrupt(onCtrlC);
    this.ctx.cooked();
    let error: DbxError | undefined;
    try {
      const running = runStatement(state, stmt);
      running.then(
        () => (settled = true),
        () => (settled = true), // an abandoned statement may still fail later, unheard
      );
      const outcome = await Promise.race([running, abandoned]);
      if (outcome === 'abandoned') {
        output.discard();
        this.needsReconnect = true;
        engine.close().catch(() => {});
        this.notice('Statement abandoned; the connection will be re-opened for the next one.');
        return false;
      }
      error = outcome;
    } catch (e) {
      error = asDbxError(e);
      if (error instanceof InterruptedError) {
        if (!pagerQuit) output.err.write('Statement cancelled.\n');
      } else if (!(error.unsent && !resent && isConnectionLost(error))) {
        // (a statement that never left dbx is not an error yet: it is sent again below)
        await this.report(error, { stderr: output.err });
      }
    } finally {
      await output.finish();
      this.ctx.raw();
      removeInterrupt();
    }
    if (state.connectionGone) {
      // dbx gave up on the statement (src/runner/cancel-bound.ts): the engine's connections were destroyed
      state.connectionGone = false;
      this.needsReconnect = true;
    }
    if (error && isConnectionLost(error)) {
      this.needsReconnect = true;
      // as the mysql client: a statement that had not reached the server (the server had closed the connection:
      // KILL, wait_timeout, a restart) is sent again on a new connection; one that may have reached it is not
      if (error.unsent && !resent) return (await this.reconnect('unsent')) && this.runOnce(stmt, true);
      await this.reconnect('maybe-ran');
      return false;
    }
    if (error === undefined && this.showWarnings) await this.printWarnings();
    return error === undefined;
  }

  /** `warnings` / `\W`: the last statement's warnings, from the session itself, as the mysql client prints them. */
  private async printWarnings(): Promise<void> {
    const lines = await this.ctx.session.engine.lastWarnings?.().catch(() => []);
    for (const line of lines ?? []) this.ctx.deps.stderr.write(`${line}\n`);
  }

  /**
   * The mysql client's reconnect: a new connection, back on the database the lost one was using. `why`: the
   * statement that found the connection lost had not been sent (it runs next), or may have run (it is not sent again).
   */
  private async reconnect(why?: 'unsent' | 'maybe-ran'): Promise<boolean> {
    const engine = this.ctx.session.engine;
    const database = engine.database;
    this.notice(`No connection${why === 'unsent' ? ' (the server had closed it)' : ''}. Trying to reconnect to ${engine.endpoint}...`);
    await engine.close().catch(() => {});
    try {
      await engine.connect();
    } catch (e) {
      await this.report(e);
      return false;
    }
    this.needsReconnect = false;
    this.ctx.reconnected();
    if (database !== undefined && database !== this.homeDatabase) {
      try {
        await engine.execute({ text: switchTo(engine, database), line: 1 });
      } catch (e) {
        await this.report(e);
      }
    }
    const after =
      why === 'unsent'
        ? ' Running the statement, which had not reached the server.'
        : why === 'maybe-ran'
          ? ' The statement was not run again: it may have reached the server before the connection was lost.'
          : '';
    this.notice(`Reconnected${database !== undefined ? `; current database: ${database}` : ''}.${after}`);
    return true;
  }
}
