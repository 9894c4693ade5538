/**
 * Every error a user can cause is a DbxError: it carries a stable code and the exit code of CONTRACT.md.
 * Driver errors are wrapped once, in the engine that owns the driver; src/runner/report-error.ts is the one place
 * that turns a DbxError into a message, and src/cli.ts the one place that sets the process's exit code.
 */
/** The engines, in the order help, `dbx ping` and `dbx profile` list them: the one list of their names. */
export const ENGINE_NAMES = ['sql', 'kv', 'doc'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

export const ExitCode = {
  ok: 0,
  statement: 1,
  usage: 2,
  connect: 3,
  safety: 4,
  /** sysexits' EX_SOFTWARE: a bug in dbx, not in the statement */
  internal: 70,
  interrupted: 130,
  /** SIGHUP (the terminal went away): 128 + 1, as a shell reports it */
  hangup: 129,
  /** SIGTERM: 128 + 15 */
  terminated: 143,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface DbxErrorOptions {
  /** stable, machine-readable: ER_NO_SUCH_TABLE, WRONGTYPE, PARSE_ERROR, ECONNREFUSED, … */
  code: string;
  engine?: EngineName;
  /** the server's numeric error code where it has one (MySQL errno, MongoDB code) */
  errno?: number;
  /** the statement that failed, as typed */
  statement?: string;
  hint?: string;
  /** where we were talking to, never with a password */
  endpoint?: string;
  cause?: unknown;
  /** the connection was found lost before the statement was sent: it never reached the server (safe to send again) */
  unsent?: boolean;
}

export class DbxError extends Error {
  override name = 'DbxError';
  readonly exitCode: ExitCodeValue;
  readonly code: string;
  engine?: EngineName;
  readonly errno?: number;
  statement?: string;
  hint?: string;
  endpoint?: string;
  /** what else happened that the user must know (kv: the lines after a failing one that had already run) */
  note?: string;
  /** fan-out: the profile it happened on */
  profile?: string;
  /** the connection was found lost before the statement was sent: it never reached the server */
  readonly unsent: boolean;
  /** the statement failed after part of its result was written to stdout (markPartial) */
  partial = false;

  constructor(message: string, exitCode: ExitCodeValue, opts: DbxErrorOptions) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.exitCode = exitCode;
    this.code = opts.code;
    this.engine = opts.engine;
    this.errno = opts.errno;
    this.statement = opts.statement;
    this.hint = opts.hint;
    this.endpoint = opts.endpoint;
    this.unsent = opts.unsent === true;
  }

  /** The `{"error":{…}}` object of CONTRACT.md for --json. */
  toJSON(): { error: Record<string, unknown> } {
    const error: Record<string, unknown> = this.profile === undefined ? {} : { profile: this.profile };
    Object.assign(error, { engine: this.engine, code: this.code });
    if (this.errno !== undefined) error.errno = this.errno;
    error.message = this.message;
    if (this.statement !== undefined) error.statement = this.statement;
    if (this.endpoint !== undefined) error.endpoint = this.endpoint;
    if (this.hint !== undefined) error.hint = this.hint;
    const note = [this.note, this.partial ? PARTIAL_OUTPUT : undefined].filter((n) => n !== undefined).join('; ');
    if (note !== '') error.note = note;
    if (this.partial) error.partial = true;
    return { error };
  }
}

/** What an error says when stdout holds part of the failed statement's result (closed, never cut mid-value). */
export const PARTIAL_OUTPUT = 'the output is partial: the rows before the error were written';

/** Marks an error as coming after part of the statement's result was written (CONTRACT "Output"). */
export function markPartial(e: unknown): void {
  if (e !== null && typeof e === 'object') (e as { partial?: boolean }).partial = true;
}

export function isPartial(e: unknown): boolean {
  return e !== null && typeof e === 'object' && (e as { partial?: unknown }).partial === true;
}

/** exit 1: the server refused or failed a statement, or --timeout cancelled it. */
export class StatementError extends DbxError {
  override name = 'StatementError';
  constructor(message: string, opts: DbxErrorOptions) {
    super(message, ExitCode.statement, opts);
  }
}

/** exit 2: bad usage or input found before anything was sent. */
export class UsageError extends DbxError {
  override name = 'UsageError';
  constructor(message: string, opts: Partial<DbxErrorOptions> = {}) {
    super(message, ExitCode.usage, { code: 'USAGE', ...opts });
  }
}

/** exit 2 with a position: an unparseable statement or an unterminated quote. */
export class ParseError extends UsageError {
  override name = 'ParseError';
  readonly line: number;
  readonly column: number;
  /** the whole text that line and column count in (the script), when the splitter had it */
  source?: string;
  constructor(message: string, line: number, column: number, opts: Partial<DbxErrorOptions> = {}) {
    super(message, { code: 'PARSE_ERROR', ...opts });
    this.line = line;
    this.column = column;
  }
}

/** exit 3: cannot connect or authenticate. */
export class ConnectError extends DbxError {
  override name = 'ConnectError';
  constructor(message: string, opts: DbxErrorOptions) {
    super(message, ExitCode.connect, opts);
  }
}

/** exit 4: refused by the profile's safety setting. */
export class SafetyError extends DbxError {
  override name = 'SafetyError';
  constructor(message: string, opts: Partial<DbxErrorOptions> = {}) {
    super(message, ExitCode.safety, { code: 'SAFETY', ...opts });
  }
}

/** The signals that stop a run: Ctrl-C, `kill`, a closed terminal. */
export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

const SIGNAL_EXITS: Record<StopSignal, { exitCode: ExitCodeValue; message: string }> = {
  SIGINT: { exitCode: ExitCode.interrupted, message: 'interrupted' },
  SIGTERM: { exitCode: ExitCode.terminated, message: 'terminated (SIGTERM)' },
  SIGHUP: { exitCode: ExitCode.hangup, message: 'hung up (SIGHUP)' },
};

/** exit 130: Ctrl-C; 143: SIGTERM; 129: SIGHUP. The running statement was cancelled on the server first. */
export class InterruptedError extends DbxError {
  override name = 'InterruptedError';
  readonly signal: StopSignal;
  constructor(opts: Partial<DbxErrorOptions> & { signal?: StopSignal } = {}) {
    const { signal = 'SIGINT', ...rest } = opts;
    super(SIGNAL_EXITS[signal].message, SIGNAL_EXITS[signal].exitCode, { code: 'INTERRUPTED', ...rest });
    this.signal = signal;
  }
}

/**
 * Removes the password from URL-ish text: scheme://user:secret@host → scheme://user:***@host. The userinfo runs to
 * the last `@` of the authority, so a password holding `@` is masked whole.
 */
export function redactUrl(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)([^\s/?#]*)@/gi, (_m, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    return colon < 0 ? `${scheme}${userinfo}@` : `${scheme}${userinfo.slice(0, colon)}:***@`;
  });
}
