/**
 * The small interface every engine implements, and the neutral result types the writers print.
 * Nothing here imports a driver: src/engines/index.ts loads an engine's module (and so its driver) only when
 * that engine runs.
 */
import type { DbxError, EngineName } from '../errors.js';

export type { EngineName };

/** One statement of a script, as the engine's splitter cut it. */
export interface Statement {
  /** the text to send, without its delimiter */
  text: string;
  /** 1-based line of the script where the statement starts */
  line: number;
  /** sql: ended with \G — print this one vertically */
  vertical?: boolean;
  /** kv: the command's words, already split (from the command line, where the shell split them) */
  args?: string[];
  /** sql: values for the `?` placeholders (--param / --params with one row) */
  params?: unknown[];
  /** sql: run the statement once per row (--params '[[1,"a"],[2,"b"]]', executemany) */
  paramRows?: unknown[][];
  /** the script was joined from several command-line words (`dbx sql "select 1" "select 2"`): for hints */
  joined?: boolean;
  /** where the engine's splitter goes on after this statement, should the rest need splitting again (opaque) */
  resume?: unknown;
}

/** --param / --params: values for one run of a statement, or rows to run it once each (executemany). */
export interface BoundValues {
  params?: unknown[];
  paramRows?: unknown[][];
}

/**
 * How an engine's values become text and JSON. Writers never look inside a value themselves.
 * - text: a table / vertical / csv / tsv cell (NULL → "NULL" for sql; nested documents compact, mongo-shell style)
 * - json: a JSON-ready value (only null, boolean, number, string, arrays and plain objects)
 */
export interface ValueCodec {
  text(value: unknown): string;
  json(value: unknown): unknown;
  /** a whole single-value reply as the engine's own CLI shows it (kv: `"Sam"`, `(integer) 5`); default: text */
  display?(value: unknown): string;
  /** --format raw (kv: like `redis-cli --raw`, the server's bytes unchanged); default: text */
  raw?(value: unknown): string | Uint8Array;
}

/**
 * What a stream of rows stands for: 'objects' → records (json: an array of row objects; raw: tab-separated
 * cells); 'values' → a list of the first column's values (kv lists and sets: a JSON array of values, one per
 * raw line); 'map' → a dictionary from column 0 to column 1 (kv HGETALL, CONFIG GET: one JSON object, raw
 * lines field then value).
 */
export type RowShape = 'objects' | 'values' | 'map';

/** A stream of rows: sql result sets, documents, kv collections. */
export interface RowsResult {
  kind: 'rows';
  /** column order; absent = the union of the rows' top-level keys, `_id` first (documents) */
  columns?: string[];
  /**
   * the names the header lines show, one per column, when they differ from the keys: the server's own names,
   * repeated ones included (`select 1 a, 2 a`), where the row keys had to be unique
   */
  headers?: string[];
  /** per column: numeric by type, right-aligned in the table as the mysql client does; absent = judged from the values */
  numeric?: boolean[];
  rows: AsyncIterable<Record<string, unknown>>;
  /**
   * Optional: the same rows in the groups they arrive in (a pipeline's reply, a range of a list). The streaming
   * writers read this instead of `rows`: a million rows then cost a few hundred awaits, not a million. A consumer
   * reads one of them, never two.
   */
  chunks?: AsyncIterable<Record<string, unknown>[]>;
  /**
   * Optional, with `columns`: the same rows for the writers that print text (csv, tsv), as arrays of values in the
   * order of `columns`, in the groups they arrive in (sql: the driver's own arrays, no object made per row). Their
   * values give the same `codec.text` as the rows', not always the same JSON (sql: a DOUBLE is its text). A
   * consumer reads one of rows, chunks and arrays.
   */
  arrays?: AsyncIterable<unknown[][]>;
  /**
   * Optional, with `columns`: the same rows as the bytes of their cells' text (sql: the text protocol's row packets
   * as they came, no string made per value), for csv and tsv. A consumer reads one of rows, chunks, arrays and cells.
   */
  cells?: TextCells;
  /**
   * Optional, for a 'values' result: its ndjson as the engine renders it from the server's bytes, a group of lines
   * at a time with how many rows they hold — byte for byte what the ndjson writer prints from the rows (each
   * `JSON.stringify(codec.json(value))` on a line), without a string per value (kv: LRANGE of a million items).
   * Untagged output only. A consumer reads one of rows, chunks, arrays, cells and jsonLines.
   */
  jsonLines?: AsyncIterable<{ text: string | Uint8Array; rows: number }>;
  /** what the rows are, for the writers that print them as data rather than as a table; default 'objects' */
  shape?: RowShape;
  /**
   * raw: what joins the cells of a row (default: a tab for 'objects', a newline for 'map'); kv: a newline for
   * WITHSCORES and RESP2 hashes, a space for RESP3 maps, as `redis-cli --raw` prints them
   */
  rawJoin?: string;
  codec: ValueCodec;
  /** the status line after the rows ("3 rows in set (0.00 sec)"); absent = none */
  summary?: (count: number, seconds: number) => string;
  /** table header off (kv lists print as redis-cli does, one column) */
  headless?: boolean;
  /**
   * The table format prints each row on its own as this shows it, not in a table: mongo's `.pretty()`, documents
   * as mongosh prints them. The other formats ignore it.
   */
  display?: (row: Record<string, unknown>) => string;
  /**
   * fan-out: how many leading columns stay first (the profile tag) when documents' columns are the union of their
   * keys, `_id` then coming right after them
   */
  pinned?: number;
  /**
   * rows arrive over time and may never end (SUBSCRIBE, MONITOR): writers show each row as it comes instead of
   * sizing columns from a window of rows first
   */
  live?: boolean;
  /**
   * The next result set of the same statement (a stored procedure's CALL returns one per SELECT): writers print it
   * after this one's rows, as the mysql client prints each result set in turn.
   */
  following?: () => Promise<Result | undefined>;
}

/**
 * Rows whose cells are text as bytes (RowsResult.cells), in the groups they arrive in. Each row is a run of cells in
 * column order, each a length-coded string as MySQL's text protocol writes it: a first byte under 251 is the length;
 * 252, 253 and 254 are followed by the length in 2, 3 or 8 bytes (little-endian); then that many bytes. The byte 251
 * alone is NULL. A cell of ASCII bytes (and in a `utf8` column one of valid UTF-8) is exactly the UTF-8 of its text
 * (codec.text of the value `arrays` would give); NULL is null's text; any other cell's text is `text()` of it.
 */
export interface TextCells {
  chunks: AsyncIterable<CellRows>;
  /** per column: whether a cell of valid UTF-8 is its own text */
  utf8: readonly boolean[];
  text(column: number, bytes: Uint8Array, start: number, end: number): string;
}

/** Row i of a group: its cells are bytes `buffers[i]` from `starts[i]` to `ends[i]`. */
export interface CellRows {
  readonly count: number;
  readonly buffers: readonly Uint8Array[];
  readonly starts: readonly number[];
  readonly ends: readonly number[];
}

/** A single value: a kv reply, a doc findOne / write result, `db.version()`. Printed on stdout. */
export interface ValueResult {
  kind: 'value';
  value: unknown;
  codec: ValueCodec;
  /**
   * the value is printed, and it says the statement failed: the runner reports this after it (exit 1). kv: an
   * EXEC whose transaction held a failing command (Redis has no rollback), or that a WATCH aborted.
   */
  failure?: DbxError;
}

/** A statement that returns no data: "Query OK, 1 row affected", "switched to db x". */
export interface StatusResult {
  kind: 'status';
  /** printed as JSON on stdout under --json / ndjson: {affectedRows, insertId, warnings} */
  info: Record<string, unknown>;
  /** the status line for stderr, given the elapsed seconds */
  message: (seconds: number) => string;
  /** server warnings to show on stderr */
  warnings?: string[];
  /** the next result of the same statement (several statements in one DELIMITER chunk, the OK that ends a CALL) */
  following?: () => Promise<Result | undefined>;
}

export type Result = RowsResult | ValueResult | StatusResult;

/** What one statement did, for runners that execute many at once. */
export interface Outcome {
  statement: Statement;
  result?: Result;
  error?: DbxError;
  /**
   * executeBatch with stopAtError: the statement follows the first failing one but had already been sent when the
   * failure came back, so it ran; the runner counts it instead of printing it
   */
  afterFailure?: boolean;
}

export interface BatchOptions {
  /**
   * the runner stops at the first failure (no --force): stop sending there, let what was already sent finish,
   * and yield those outcomes marked afterFailure
   */
  stopAtError?: boolean;
}

/** Safety classification of a statement. */
export interface Classification {
  /** changes data or schema */
  write: boolean;
  /** destructive enough to confirm under `safety: confirm` (DROP, TRUNCATE, DELETE without WHERE, FLUSHALL…) */
  destructive: boolean;
}

/** What an engine is given when it is created. */
export interface EngineContext {
  profile: string;
  /** the profile's entry for this engine: a URL string or an object, ${VAR} already filled */
  endpoint: string | Record<string, unknown>;
  connectTimeoutMs: number;
  /** the profile is `safety: readonly`: the engine makes the session read-only on the server where it can */
  readonly: boolean;
  /**
   * the output keeps values' types (json, ndjson): an engine whose server can send typed replies asks for them
   * (kv: RESP3, as `redis-cli --json` does; the text formats get RESP2, redis-cli's default)
   */
  typedValues?: boolean;
  /** -v: log a line to stderr (the engine redacts secrets before calling it) */
  verbose(line: string): void;
  /** -v was given: an engine may ask its driver for events it only logs (doc: which server answered) */
  verboseOn?: boolean;
  /** a warning for stderr */
  warn(line: string): void;
  /**
   * an informational line for stderr ("DBSIZE on a Redis Cluster: the sum over its 3 masters", a Sentinel
   * failover followed): `note: …`, not under -q; none when not given
   */
  note?(line: string): void;
  /** asks for a password on a TTY (no echo); undefined when stdin is not a TTY */
  askPassword?: (prompt: string) => Promise<string>;
}

export interface Engine {
  readonly name: EngineName;
  /** where it connects, for messages: never contains a password */
  readonly endpoint: string;
  /** current database for prompts ("test", "0") */
  readonly database?: string;
  /**
   * Optional: why this engine takes read-only statements only, whatever the profile's safety (kv `role: replica`
   * behind Sentinel); writes are then refused as under `safety: readonly`
   */
  readonly readOnlyReason?: string;
  /** cut a script into statements; throws ParseError (exit 2) before anything is sent */
  split(script: string): Statement[];
  /**
   * Optional (sql): attach --param / --params values to the statements that have placeholders; throws UsageError
   * (exit 2) when a row's values do not match the placeholders. An engine without it takes no values.
   */
  bindValues?(statements: Statement[], values: BoundValues): Statement[];
  /**
   * Optional: after `stmt` ran, the rest of the last script split cut again, when what the statement changed on the
   * server changes how the rest reads (sql: NO_BACKSLASH_ESCAPES); undefined when the statements split still stand.
   */
  splitRest?(stmt: Statement): Statement[] | undefined;
  /**
   * Optional: the statements a script is about to run through execute(), in this order. The engine may send
   * several of them to the server at once (sql: consecutive INSERT/UPDATE/DELETE/REPLACE in one multi-statement
   * query) while execute() still gives each statement's result, or error, in turn; what runs must be what running
   * them one by one runs (after a failing statement, the next ones are not run until execute() asks for them).
   */
  plan?(statements: Statement[]): void;
  /** throws ConnectError (exit 3) */
  connect(): Promise<void>;
  /** may be called after connect(); kv asks the server for the command's flags */
  classify(stmt: Statement): Promise<Classification>;
  /**
   * Optional, cheap (no server round trip): why this statement must be confirmed whatever the profile's safety
   * (kv: FLUSHALL on a Redis Cluster empties every master), or undefined
   */
  confirmAlways?(stmt: Statement): string | undefined;
  /** runs one statement; server errors are thrown as StatementError (exit 1) */
  execute(stmt: Statement): Promise<Result>;
  /**
   * Optional: run several statements at once (kv pipelines a script). Yields the Outcomes of the statements in
   * order, a group at a time (one per pipeline), so that a million replies do not cost a million awaits.
   * The runner passes at most batchSize statements per call; stopping the iteration stops sending.
   */
  executeBatch?(stmts: Statement[], options?: BatchOptions): AsyncIterable<Outcome[]>;
  readonly batchSize?: number;
  /** --transaction: sql BEGIN/COMMIT/ROLLBACK, kv MULTI/EXEC/DISCARD (commit may return EXEC's reply) */
  transaction?: {
    begin(): Promise<void>;
    commit(): Promise<Result | undefined>;
    rollback(): Promise<void>;
  };
  /**
   * Optional: a statement dbx asks for its own purposes (the shell's completion), run so that the user's session
   * does not see it (sql: a second connection); without it, execute() serves.
   */
  introspect?(stmt: Statement): Promise<Result>;
  /** the server's version text, for `dbx ping` / `dbx profile test` (after connect) */
  serverVersion?(): Promise<string>;
  /**
   * Optional: the command names completion offers (kv: the server's COMMAND LIST), asked on a connection of the
   * engine's own: never inside the user's session (a MULTI would queue the question)
   */
  commandNames?(): Promise<string[]>;
  /** Optional (sql): the shell's `status` / `\s`, what the mysql client's status shows */
  sessionStatus?(): Promise<SessionStatus>;
  /**
   * Optional (sql): the last statement's warnings (`Warning (Code 1265): Data truncated…`), for the shell's
   * `warnings` / `\W`, read from the user's own session without clearing them
   */
  lastWarnings?(): Promise<string[]>;
  /** the statement as it may appear in -v and --log-file output: secrets (AUTH args, IDENTIFIED BY '…') masked */
  redact?(stmt: Statement): string;
  /** cancel the running statement on the server (for --timeout and Ctrl-C) */
  cancel(): Promise<void>;
  /**
   * Gives up on the running statement when cancel() did not end it in time (a hung server, a stalled network;
   * src/runner/cancel-bound.ts): destroys every connection the engine holds or is opening, at once and without a
   * word to the server, so that the pending call fails and nothing of the engine keeps the process alive. The next
   * statement connects again (sql: it finds the connection lost before anything is sent).
   */
  abandon(): void;
  close(): Promise<void>;
}

/** The shell's `status`: label → value lines, then a summary line of the server's counters. */
export interface SessionStatus {
  fields: Array<[string, string]>;
  summary?: string;
}

export interface EngineModule {
  createEngine(ctx: EngineContext): Engine;
}
