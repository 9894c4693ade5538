// Errors a command handler throws; the dispatcher turns them into `{ ok: 0, errmsg, code, codeName }`
// exactly as mongod shapes its replies, so drivers raise MongoServerError with the same code.

const CODE_NAMES: Record<number, string> = {
  1: 'InternalError',
  2: 'BadValue',
  9: 'FailedToParse',
  13: 'Unauthorized',
  14: 'TypeMismatch',
  16: 'InvalidLength',
  26: 'NamespaceNotFound',
  27: 'IndexNotFound',
  28: 'PathNotViable',
  40: 'ConflictingUpdateOperators',
  43: 'CursorNotFound',
  48: 'NamespaceExists',
  52: 'DollarPrefixedFieldName',
  53: 'InvalidIdField',
  59: 'CommandNotFound',
  66: 'ImmutableField',
  72: 'InvalidOptions',
  73: 'InvalidNamespace',
  85: 'IndexOptionsConflict',
  86: 'IndexKeySpecsConflict',
  20: 'IllegalOperation',
  112: 'WriteConflict',
  115: 'CommandNotSupported',
  251: 'NoSuchTransaction',
  256: 'TransactionCommitted',
  263: 'OperationNotSupportedInTransaction',
  11000: 'DuplicateKey',
  51024: 'Location51024',
};

export class CommandError extends Error {
  readonly code: number;
  readonly codeName: string;
  /** Extra fields mongod puts next to errmsg (keyPattern/keyValue for duplicate keys). */
  readonly extra: Record<string, unknown>;

  constructor(code: number, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.name = 'CommandError';
    this.code = code;
    this.codeName = CODE_NAMES[code] ?? 'UnknownError';
    this.extra = extra;
  }

  toReply(): Record<string, unknown> {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName };
  }

  /** The shape of one entry of a write command's `writeErrors` (no codeName there, as mongod does). */
  toWriteError(index: number): Record<string, unknown> {
    return { index, code: this.code, ...this.extra, errmsg: this.message };
  }
}

/** A failure inside the test server that is not a modelled server error still reaches the client, never a crash. */
export function asCommandError(error: unknown): CommandError {
  if (error instanceof CommandError) return error;
  const message = error instanceof Error ? error.message : String(error);
  // mingo reports bad query/aggregation input (unknown operators, bad projections) the way mongod reports BadValue.
  if (error instanceof Error && error.constructor.name === 'MingoError') return new CommandError(2, message);
  return new CommandError(1, `test server: ${message}`);
}
