/**
 * The one place that turns an error into what the user sees: one readable message (or one JSON line under
 * --json) on stderr, and the exit code. Stack traces only under -v, and only for errors dbx did not expect.
 */
import { DbxError, ExitCode, isPartial, PARTIAL_OUTPUT, ParseError, redactUrl, type ExitCodeValue } from '../errors.js';
import { caretAt } from '../text/caret.js';
import { maskAbout, maskedColumn, maskStatement } from '../text/statement-secrets.js';
import { safeMessageText } from '../text/terminal-text.js';
import { styles } from '../text/color.js';

export interface ReportSettings {
  json: boolean;
  verbose: boolean;
  /** ANSI colour on the stream the error goes to (src/text/color.ts decides) */
  color?: boolean;
  /** the statement text where the error happened, for a caret under a parse error */
  source?: string;
  /** the script line where the failing statement starts ("at line 5", `"line":5`) */
  line?: number;
  /** the file that line is in (the shell's `source FILE`), as the mysql client's "at line 3 in file: 'x.sql'" */
  file?: string;
}

/** An error of the operating system (a socket reset, a full disk): the surroundings failed, not dbx's logic. */
function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  const err = e as NodeJS.ErrnoException | undefined;
  return e instanceof Error && typeof err?.code === 'string' && typeof err.syscall === 'string';
}

/**
 * Wraps anything thrown into a DbxError. Whatever no engine or command turned into a DbxError is unexpected: a
 * TypeError, a RangeError from a library, a bug in dbx. It exits 70 (sysexits' EX_SOFTWARE) with one line that says
 * so and how to report it (-v adds the stack). An operating-system error that slipped through (ECONNRESET, ENOSPC)
 * is the surroundings failing, not a bug: exit 1 under its own code.
 */
export function asDbxError(e: unknown): DbxError {
  if (e instanceof DbxError) return e;
  const err = wrapUnexpected(e);
  err.partial = isPartial(e);
  return err;
}

function wrapUnexpected(e: unknown): DbxError {
  if (isSystemError(e)) return new DbxError(redactUrl(e.message), ExitCode.statement, { code: e.code!, cause: e });
  const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  const message =
    `a bug in dbx, not in your statement or server: ${what}; please report it with the command ` +
    `you ran, dbx --version and what the same command prints with -v (the stack)`;
  return new DbxError(redactUrl(message.replace(/\s*\n\s*/g, ' ')), ExitCode.internal, { code: 'INTERNAL', cause: e });
}

function caret(source: string, line: number, column: number): string {
  const text = caretAt(source, line, column);
  return text ? text.replace(/^/gm, '  ') + '\n' : '';
}

/**
 * The error as it may be shown: every text of it that may quote the statement (the statement, the server's
 * message, the hint, the note) with the statement's secrets masked by its engine's rule, and a parse error's caret
 * drawn under the masked text, where the column says once the masks are in.
 */
function masked(err: DbxError, settings: ReportSettings): { shown: DbxError; caret: string } {
  const engine = err.engine;
  const source = err instanceof ParseError ? (err.source ?? err.statement ?? settings.source) : undefined;
  const original = source ?? settings.source ?? err.statement;
  const shown = Object.assign(Object.create(Object.getPrototypeOf(err) as object) as DbxError, err);
  Object.defineProperty(shown, 'message', { value: maskAbout(engine, err.message, original), writable: true, configurable: true });
  if (err.cause !== undefined) Object.defineProperty(shown, 'cause', { value: err.cause, writable: true, configurable: true });
  if (err.statement !== undefined) shown.statement = maskStatement(engine, err.statement);
  if (err.hint !== undefined) shown.hint = maskAbout(engine, err.hint, original);
  if (err.note !== undefined) shown.note = maskAbout(engine, err.note, original);
  let mark = '';
  if (err instanceof ParseError && source) {
    mark = caret(maskStatement(engine, source), err.line, maskedColumn(engine, source, err.line, err.column));
  }
  return { shown, caret: mark };
}

/** The message for stderr; what the server or the statement put in it cannot drive the terminal (escaped). */
export function formatError(error: DbxError, settings: ReportSettings): string {
  const { shown: err, caret: mark } = masked(error, settings);
  if (settings.json) {
    const json = err.toJSON();
    if (settings.line !== undefined) json.error.line = settings.line;
    if (settings.file !== undefined) json.error.file = settings.file;
    return JSON.stringify(json) + '\n';
  }
  // the label is coloured after the escaping, which would otherwise show the colour's own escapes as text
  return styles(settings.color === true).error('ERROR') + safeMessageText(humanError(err, settings, mark));
}

/** the message after its ERROR label */
function humanError(err: DbxError, settings: ReportSettings, mark: string): string {
  // fan-out: the profile first, `[b: sql 127.0.0.1:3306/app]`
  const server = [err.engine, err.endpoint].filter(Boolean).join(' ');
  const where = err.profile === undefined ? server : `${err.profile}${server ? `: ${server}` : ''}`;
  const code = err.errno !== undefined ? `${err.code} (${err.errno})` : err.code;
  const parseLine = err instanceof ParseError && settings.file !== undefined ? err.line : undefined;
  const at = settings.line ?? parseLine;
  const line = at !== undefined ? ` at line ${at}${settings.file !== undefined ? ` in file: '${settings.file}'` : ''}` : '';
  let out = `${where ? ` [${where}]` : ''}${err.code === 'USAGE' ? '' : ` ${code}`}${line}: ${err.message}\n`;
  if (err instanceof ParseError) out += mark;
  else if (err.statement !== undefined && err.exitCode === ExitCode.statement) {
    const stmt = err.statement.length > 200 ? err.statement.slice(0, 197) + '...' : err.statement;
    out += `  statement: ${stmt.replace(/\s+/g, ' ')}\n`;
  }
  if (err.hint) out += `  hint: ${err.hint}\n`;
  if (err.note) out += `  note: ${err.note}\n`;
  if (err.partial) out += `  note: ${PARTIAL_OUTPUT}\n`;
  if (settings.verbose && err.code === 'INTERNAL' && err.cause instanceof Error && err.cause.stack) {
    out += redactUrl(err.cause.stack) + '\n';
  }
  return out;
}

export function reportError(e: unknown, stderr: NodeJS.WritableStream, settings: ReportSettings): ExitCodeValue {
  const err = asDbxError(e);
  stderr.write(formatError(err, settings));
  return err.exitCode;
}
