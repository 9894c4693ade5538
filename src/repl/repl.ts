/**
 * The interactive shell behind `dbx sql`, `dbx kv` and `dbx doc` on a terminal: one implementation for the three
 * engines, on node:readline. Per engine only the input rules (repl-input.ts), the completion sources
 * (repl-completer.ts) and the help text differ; statements run through the statement runner that one-shot mode uses too (src/runner/, via repl-executor.ts).
 */
import { createInterface, type Interface } from 'node:readline';
import type { Engine, Statement } from '../engines/engine.js';
import { ExitCode, ParseError, UsageError } from '../errors.js';
import { openAuditLog, type AuditLog } from '../runner/audit-log.js';
import type { Deps } from '../runner/deps.js';
import type { GlobalOptions } from '../runner/options.js';
import { readScriptFile } from '../runner/script-file.js';
import type { Session } from '../runner/session.js';
import { reportFailure, type RunState } from '../runner/statement-runner.js';
import { Completer, type Completion } from './repl-completer.js';
import { StatementExecutor, type StatementOrigin } from './repl-executor.js';
import { helpText } from './repl-help.js';
import { HISTORY_SIZE, HistoryFile, historyEntry, historyPath, holdsSecret } from './repl-history.js';
import { inputRules, type InputRules, type ShellCommand } from './repl-input.js';
import { choosePager } from './repl-pager.js';

/** `dbx sql local:test> `; kv shows the database number, as redis-cli does. */
export function mainPrompt(engine: Engine, profile: string): string {
  return `dbx ${engine.name} ${profile}${engine.database !== undefined && engine.database !== '' ? `:${engine.database}` : ''}> `;
}

/** The continuation prompt, right-aligned under the main one like the mysql client's `    -> ` and `    '> `. */
export function continuationPrompt(main: string, waiting: string): string {
  return `${' '.repeat(Math.max(0, main.length - waiting.length - 1))}${waiting} `;
}

class Shell {
  private readonly rl: Interface;
  private readonly rules: InputRules;
  private readonly history: HistoryFile;
  /** readline's history, newest first: whole inputs, never the single lines of a multi-line one */
  private entries: string[];
  private readonly completer: Completer;
  private readonly executor: StatementExecutor;
  private readonly engine: Engine;
  private lines: string[] = [];
  private waiting = '->';
  private readonly queue: string[] = [];
  private busy = false;
  private closed = false;
  private exiting = false;
  private database: string | undefined;
  private cancelQuestion?: () => void;
  private finished!: (code: number) => void;

  constructor(
    private readonly session: Session,
    private readonly opts: GlobalOptions,
    private readonly deps: Deps,
    audit: AuditLog,
  ) {
    const engine = (this.engine = session.engine);
    this.database = engine.database;
    this.rules = inputRules(engine);
    this.history = new HistoryFile(historyPath(deps.env, engine.name), (line) => deps.stderr.write(`warning: ${line}\n`));
    this.entries = this.history.load();
    const executorReady = (): boolean => !this.executor.needsReconnect;
    this.completer = new Completer(engine, executorReady);
    // prompts go to the terminal, even when stdout is redirected
    const output = deps.stdout.isTTY || !deps.stderr.isTTY ? deps.stdout : deps.stderr;
    this.rl = createInterface({
      input: deps.stdin,
      output,
      terminal: true,
      history: [...this.entries],
      historySize: HISTORY_SIZE,
      tabSize: 4,
      completer: (line: string, callback: (err: null, result: Completion) => void) => {
        const before = this.lines.join('\n');
        let now: Completion | undefined;
        try {
          now = this.completer.completeNow(line, before);
        } catch {
          now = [[], line];
        }
        if (now) return callback(null, now);
        this.completer.complete(line, before).then(
          (result) => callback(null, result),
          () => callback(null, [[], line]),
        );
      },
    });
    const state: RunState = {
      engine,
      writer: undefined as unknown as RunState['writer'], // set per statement by the executor
      audit,
      opts,
      deps,
      failed: false,
      interrupted: false,
    };
    this.executor = new StatementExecutor({
      session,
      opts,
      deps,
      state,
      pager: choosePager(deps.env, deps.stdout, deps.stderr, opts.pager),
      ask: (question) => this.ask(question),
      cooked: () => {
        this.rl.pause();
        if (deps.stdin.isTTY) deps.stdin.setRawMode?.(false);
      },
      raw: () => {
        if (deps.stdin.isTTY) deps.stdin.setRawMode?.(true);
      },
      reconnected: () => this.completer.invalidate(),
    });
  }

  run(): Promise<number> {
    const done = new Promise<number>((resolve) => (this.finished = resolve));
    // readline adds every line to its history; the shell keeps whole inputs instead
    this.rl.on('history', (list: string[]) => list.splice(0, list.length, ...this.entries));
    this.rl.on('line', (line) => {
      this.queue.push(line);
      void this.pump();
    });
    this.rl.on('close', () => {
      this.closed = true;
      void this.pump();
    });
    this.rl.on('SIGINT', () => this.interrupt());
    this.prompt();
    return done;
  }

  private prompt(): void {
    const main = mainPrompt(this.engine, this.session.profileName);
    this.rl.setPrompt(this.lines.length === 0 ? main : continuationPrompt(main, this.waiting));
    this.rl.prompt();
    // names for Tab completion, read while the user types (as the mysql client's auto-rehash does): kept until
    // the database or the schema may have changed
    this.completer.prefetch();
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.queue.length > 0 && !this.exiting) await this.handle(this.queue.shift()!);
    } finally {
      this.busy = false;
    }
    if (this.closed || this.exiting) {
      if (!this.exiting) this.deps.stdout.write('\n'); // Ctrl-D: leave the user's shell prompt on a line of its own
      this.exiting = true;
      this.rl.close();
      this.finished(this.executor.endedBy?.exitCode ?? ExitCode.ok);
    } else if (this.queue.length === 0) {
      this.prompt();
    }
  }

  /** Ctrl-C while idle: the line (and any unfinished input) is thrown away, as in the mysql client. */
  private interrupt(): void {
    if (this.cancelQuestion) return this.cancelQuestion();
    if (this.busy) return;
    this.lines = [];
    const rl = this.rl as Interface & { clearLine?: () => void; historyIndex?: number };
    if (typeof rl.clearLine === 'function') rl.clearLine();
    else this.deps.stdout.write('\n');
    rl.historyIndex = -1; // the next Up starts from the newest entry again
    this.prompt();
  }

  private remember(lines: string[]): void {
    const entry = historyEntry(lines);
    if (entry === '') return;
    this.entries = [entry, ...this.entries.filter((e) => e !== entry)].slice(0, HISTORY_SIZE);
    const list = (this.rl as unknown as { history: string[] }).history;
    list.splice(0, list.length, ...this.entries);
    // kept for Up in this session, never written down: a masked copy would set '***' when run again
    if (!holdsSecret(this.engine, entry)) this.history.append(entry);
  }

  /** `source`: the input, for the caret under a parse error */
  private report(e: unknown, source?: string): Promise<unknown> {
    return this.executor.report(e, { source });
  }

  private async handle(line: string): Promise<void> {
    if (this.lines.length === 0) {
      if (line.trim() === '') return;
      let command: ShellCommand | undefined;
      try {
        command = this.rules.command(line);
      } catch (e) {
        this.remember([line]);
        await this.report(e);
        return;
      }
      if (command) {
        this.remember([line]);
        try {
          await this.command(command);
        } catch (e) {
          await this.report(e);
        }
        return;
      }
    }
    this.lines.push(line);
    const lines = this.lines;
    const buffer = lines.join('\n');
    if (this.rules.cleared?.(buffer)) {
      this.remember(lines);
      this.lines = [];
      return;
    }
    let statements;
    try {
      const state = lines.length === 1 && this.rules.completeLine?.(line)
        ? { kind: 'complete' as const, statements: this.engine.split(line) }
        : this.rules.check(buffer);
      if (state.kind === 'incomplete') {
        this.waiting = state.waiting;
        return;
      }
      statements = state.statements;
    } catch (e) {
      this.remember(lines);
      this.lines = [];
      await this.report(e, buffer);
      return;
    }
    this.remember(lines);
    this.lines = [];
    await this.runAll(statements);
  }

  /** Runs statements in turn, stopping at a failure unless --force; false when one failed. */
  private async runAll(statements: Statement[], origin: StatementOrigin = {}): Promise<boolean> {
    let allOk = true;
    for (const stmt of statements) {
      const ok = await this.executor.run(stmt, origin);
      if (this.executor.endedBy) {
        this.exiting = true;
        return false;
      }
      if (this.engine.database !== this.database || this.completer.changesNames(stmt)) this.completer.invalidate();
      this.database = this.engine.database;
      allOk &&= ok;
      if (!ok && !this.opts.force) break;
    }
    return allOk;
  }

  /**
   * `source FILE` / `\. FILE`: the file's statements in this session, as the mysql client runs them; an error
   * names the file and line. A `source` line inside the file runs that file (not deeper than the mysql client's 16).
   */
  private async source(file: string, depth = 0): Promise<boolean> {
    if (depth >= 16) throw new UsageError(`source: files nest deeper than 16 (${file})`, { code: 'SCRIPT_FILE' });
    const text = await readScriptFile(file);
    let statements: Statement[];
    try {
      statements = this.engine.split(text);
    } catch (e) {
      if (e instanceof ParseError) e.source ??= text;
      await this.executor.report(e, { source: text, file });
      return false;
    }
    for (const stmt of statements) {
      const nested = this.rules.command(stmt.text);
      const ok = nested?.kind === 'source' ? await this.source(nested.file, depth + 1) : await this.runAll([stmt], { file });
      if (!ok && !this.opts.force) return false;
    }
    return true;
  }

  /** `status` / `\s`: the mysql client's status block. */
  private async status(): Promise<void> {
    const status = await this.engine.sessionStatus?.();
    if (!status) return;
    const fields: Array<[string, string]> = [...status.fields];
    if (this.rules.delimiter !== undefined) fields.push(['Using delimiter', this.rules.delimiter]);
    fields.push(['Show warnings', this.executor.showWarnings ? 'on' : 'off']);
    const width = Math.max(...fields.map(([k]) => k.length)) + 2;
    const bar = '--------------\n';
    const body = fields.map(([k, v]) => `${`${k}:`.padEnd(width)}${v}\n`).join('');
    this.deps.stdout.write(`${bar}${body}${status.summary ? `\n${status.summary}\n` : ''}${bar}`);
  }

  private async command(command: ShellCommand): Promise<void> {
    switch (command.kind) {
      case 'status':
        return this.status();
      case 'source':
        await this.source(command.file);
        return;
      case 'warnings':
        this.executor.showWarnings = command.on;
        if (!this.opts.quiet) this.deps.stderr.write(`Show warnings ${command.on ? 'enabled' : 'disabled'}.\n`);
        return;
      case 'clear':
        return;
      case 'exit':
        this.exiting = true;
        return;
      case 'help':
        this.deps.stdout.write(helpText(this.engine.name, command.topic));
        return;
      case 'rehash':
        this.completer.invalidate();
        return;
      case 'delimiter':
        return;
    }
  }

  /** A question on the shell's own line editor (a second one on the same terminal would fight it for keys). */
  private ask(question: string): Promise<string> {
    return new Promise<string>((resolve) => {
      const controller = new AbortController();
      this.cancelQuestion = () => {
        controller.abort();
        resolve('');
      };
      this.rl.question(question, { signal: controller.signal }, (answer) => resolve(answer));
    }).finally(() => {
      this.cancelQuestion = undefined;
    });
  }
}

export async function runShell(session: Session, opts: GlobalOptions, deps: Deps): Promise<number> {
  const engine = session.engine;
  try {
    await engine.connect();
  } catch (e) {
    return (await reportFailure({ opts, deps }, e)).exitCode;
  }
  if (!opts.quiet) {
    const version = await engine.serverVersion?.().catch(() => undefined);
    deps.stderr.write(
      `Connected to ${engine.endpoint}${version ? ` (${version})` : ''}. Type help for help, exit or Ctrl-D to leave.\n`,
    );
  }
  const audit = await openAuditLog(opts.logFile, session.profileName, engine.name);
  try {
    return await new Shell(session, opts, deps, audit).run();
  } finally {
    await audit.close();
  }
}
