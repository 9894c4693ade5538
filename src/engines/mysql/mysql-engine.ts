/**
 * The MySQL/MariaDB engine: the connection, transactions, KILL QUERY and the Engine interface. Its folder is the only
 * code that imports mysql2 (scripts/check-imports.mjs keeps it so); mysql-result.ts reads the replies.
 */
import mysql, { type Connection, type ResultSetHeader } from 'mysql2';
import type { BoundValues, Classification, Engine, EngineContext, Result, SessionStatus, Statement } from '../engine.js';
import { ConnectError, DbxError, ExitCode, ParseError, StatementError } from '../../errors.js';
import { BatchPlan, PARSE_ERRNOS } from './mysql-batch.js';
import { sqlCodec } from './mysql-codec.js';
import { enrichHint } from './mysql-hint-lookup.js';
import { connectError, statementError } from './mysql-errors.js';
import { sqlTarget, type SqlTarget } from './mysql-options.js';
import { runMany, runQuery } from './mysql-result.js';
import { classifySql } from './sql-classify.js';
import { lastWarnings, sessionStatus } from './mysql-session-status.js';
import { SideConnection } from './mysql-side-connection.js';
import { PacketLimit } from './mysql-packet-limit.js';
import { bindValues, placeholders, textParamHint } from './sql-placeholders.js';
import { splitSqlInto, type SqlResume } from './sql-splitter.js';
import { maskStatement } from '../../text/statement-secrets.js';

/** the server status flag of an open transaction */
const SERVER_STATUS_IN_TRANS = 0x0001;
/** the server status flag of sql_mode NO_BACKSLASH_ESCAPES: the client reads strings without backslash escapes */
const SERVER_STATUS_NO_BACKSLASH_ESCAPES = 0x0200;

const USE = /^\s*use\s+(`(?:[^`]|``)+`|[^\s;`]+)\s*;?\s*$/i;

/** mysql2's number for utf8mb4_general_ci: its encoding is plain UTF-8 */
const UTF8MB4 = 45;

/**
 * Statements go out as the script's UTF-8 text, as the mysql client sends what it read. After `SET NAMES utf8`
 * mysql2 follows the session's character set and encodes utf8mb3 as CESU-8: an emoji became two surrogates that
 * the server stored (61EDA0BDEDB88062) where the mysql client gets ERROR 1366. Other character sets (latin1…) are
 * still encoded as the session says.
 */
function keepUtf8(conn: Connection): void {
  const config = (conn as unknown as { config: { charsetNumber: number } }).config;
  let charset = config.charsetNumber;
  Object.defineProperty(config, 'charsetNumber', {
    get: () => (mysql.CharsetToEncoding[charset] === 'cesu8' ? UTF8MB4 : charset),
    set: (n: number) => (charset = n),
    configurable: true,
  });
}

/** The server's greeting (mysql2 keeps it, unexported): its version text and its status flags. */
function handshake(conn: Connection): { serverVersion: string; statusFlags: number; protocolVersion?: number } {
  const packet = (conn as unknown as { _handshakePacket?: { serverVersion?: string; statusFlags?: number; protocolVersion?: number } })._handshakePacket;
  return { serverVersion: packet?.serverVersion ?? '', statusFlags: packet?.statusFlags ?? 0, protocolVersion: packet?.protocolVersion };
}

class MysqlEngine implements Engine {
  readonly name = 'sql' as const;
  database?: string;
  private readonly target: SqlTarget;
  private conn?: Connection;
  private lost = false;
  /** what the server's handshake said: errors are named from MariaDB's list when it is MariaDB */
  private mariadb = false;
  /** the last script split, and the server's NO_BACKSLASH_ESCAPES as its last status said */
  private script = '';
  private noBackslashEscapes = false;
  /** a quote that did not close after a statement that changes sql_mode: reported when reached, if still so */
  private unreadable?: { error: ParseError; after: number };
  /** hints and completion ask here, never on the user's connection */
  private readonly side = new SideConnection(() => this.open(this.typedPassword, false));
  /** the password typed at the prompt, if one was asked for (the KILL QUERY connection needs it too) */
  private typedPassword?: string;
  /**
   * --transaction: the last statement that ended the transaction on the server (DDL commits implicitly), and
   * whether a new one must be started before the next statement, so that what follows stays all or nothing
   */
  private txn?: { committedBy?: string; reopen: boolean; last?: string };
  private readonly packetLimit = new PacketLimit(async () =>
    Number(((await this.query('select @@max_allowed_packet')) as unknown[][])[0]![0]));
  /** the script's statements as plan() gave them, sent in batches where they can go together (mysql-batch.ts) */
  private readonly batches = new BatchPlan();
  /** every connection opened (the user's, the side one, KILL QUERY's), for abandon() to destroy */
  private readonly opened = new Set<Connection>();

  constructor(private readonly ctx: EngineContext) {
    this.target = sqlTarget(ctx.endpoint, ctx.connectTimeoutMs);
    this.database = this.target.options.database;
  }

  /** for messages: follows `use`, so an error after `use x` names x */
  get endpoint(): string {
    return this.target.endpointFor(this.database);
  }

  split(script: string): Statement[] {
    this.script = script;
    return this.splitFrom(undefined);
  }

  /**
   * Splits the script (from a resume point). A quote that does not close is an error before anything runs, unless
   * the script changes sql_mode before it: then the statements up to there run first, and the quote is judged
   * with the backslash mode the server then says (splitRest), as the mysql client reads on.
   */
  private splitFrom(resume: SqlResume | undefined): Statement[] {
    this.unreadable = undefined;
    const statements: Statement[] = [];
    try {
      return splitSqlInto(statements, this.script, { resume, noBackslashEscapes: this.noBackslashEscapes });
    } catch (e) {
      const last = statements[statements.length - 1]?.resume as SqlResume | undefined;
      if (!(e instanceof ParseError) || !last || !/sql_mode/i.test(this.script.slice(resume?.offset ?? 0, last.offset))) throw e;
      e.source ??= this.script;
      this.unreadable = { error: e, after: last.offset };
      return statements;
    }
  }

  /**
   * The rest of the script after `stmt`, split again when the server's NO_BACKSLASH_ESCAPES is not what the
   * splitter assumed from there on (`set sql_mode = concat(…)`, a server whose global sql_mode has it); undefined
   * when the statements already split are right. Throws the parse error that was put off, once it is reached.
   */
  splitRest(stmt: Statement): Statement[] | undefined {
    const resume = stmt.resume as SqlResume | undefined;
    if (!resume) return undefined;
    if (resume.noBackslashEscapes !== this.noBackslashEscapes) return this.splitFrom(resume);
    if (this.unreadable && this.unreadable.after === resume.offset) throw this.unreadable.error;
    return undefined;
  }

  bindValues(statements: Statement[], values: BoundValues): Statement[] {
    return bindValues(statements, values);
  }

  private open(password: string | undefined, main = true): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const conn = mysql.createConnection({ ...this.target.options, password: password ?? this.target.options.password });
      this.opened.add(conn);
      conn.once('end', () => this.opened.delete(conn));
      // a fatal error (server gone, connection killed) also fails the running query; remember it, so that the next
      // statement fails at once instead of waiting for a reply that will never come
      conn.on('error', (e: { fatal?: boolean }) => {
        if (main && e.fatal !== false) this.lost = true;
      });
      // after the handshake, which must name the character set the profile asked for
      conn.connect((err) => (err ? (conn.destroy(), reject(err)) : (keepUtf8(conn), resolve(conn))));
    });
  }

  async connect(): Promise<void> {
    this.ctx.verbose(`-- connecting to ${this.endpoint}`);
    const started = performance.now();
    try {
      this.conn = await this.open(undefined);
      this.lost = false;
    } catch (e) {
      const err = e as { errno?: number; sqlMessage?: string };
      const noPassword = err.errno === 1045 && /using password: NO/i.test(err.sqlMessage ?? '');
      if (!(noPassword && this.target.passwordMissing && this.ctx.askPassword)) throw connectError(e, this.endpoint);
      this.typedPassword = await this.ctx.askPassword(`Enter password for ${this.endpoint}: `);
      try {
        this.conn = await this.open(this.typedPassword);
        this.lost = false;
      } catch (e2) {
        throw connectError(e2, this.endpoint);
      }
    }
    this.packetLimit.reset();
    const hello = handshake(this.conn);
    this.mariadb = /mariadb/i.test(hello.serverVersion);
    this.noBackslashEscapes = (hello.statusFlags & SERVER_STATUS_NO_BACKSLASH_ESCAPES) !== 0;
    this.ctx.verbose(`-- connected (thread ${this.conn.threadId}, ${(performance.now() - started).toFixed(0)} ms)`);
    if (this.target.serverCollation) await this.query('SET NAMES utf8mb4');
    if (this.ctx.readonly) {
      await this.query('SET SESSION TRANSACTION READ ONLY');
      this.ctx.verbose('-- session is read-only (safety: readonly)');
    }
  }

  async classify(stmt: Statement): Promise<Classification> {
    const c = classifySql(stmt.text);
    return { write: c.write, destructive: c.destructive };
  }

  private query(sql: string, values?: unknown[], shown = sql): Promise<unknown> {
    return new Promise((resolve, reject) =>
      this.conn!.query(sql, values, (err, res) => (err ? reject(statementError(err, shown, this.endpoint, { mariadb: this.mariadb })) : resolve(res))),
    );
  }

  /** The user's connection, when it can still carry a statement; throws the error that says it cannot. */
  private usable(): Connection {
    if (!this.conn) throw new StatementError('not connected', { code: 'NOT_CONNECTED', engine: 'sql', endpoint: this.endpoint });
    // the server closed it (KILL, wait_timeout, a restart) and mysql2 has seen it: nothing of the statement is sent
    const state = (this.conn as unknown as { state?: string }).state;
    if (this.lost || state === 'error' || state === 'disconnected') {
      this.lost = true;
      throw new ConnectError('connection lost', { code: 'PROTOCOL_CONNECTION_LOST', engine: 'sql', endpoint: this.endpoint, hint: 'run the statement again to reconnect', unsent: true });
    }
    return this.conn;
  }

  plan(statements: Statement[]): void {
    this.batches.plan(statements);
  }

  async execute(stmt: Statement): Promise<Result> {
    const conn = this.usable();
    const bound = stmt.params !== undefined || stmt.paramRows !== undefined;
    // pymysql's `%s` placeholders (the note's executemany) become `?`
    const sql = bound ? placeholders(stmt.text).text : stmt.text;
    const shown = maskStatement('sql', stmt.text);
    const wrap = (e: unknown) =>
      statementError(e, shown, this.endpoint, { line: stmt.line, mariadb: this.mariadb, joined: stmt.joined, bound });
    await this.reopenTransaction();
    if (this.txn) this.txn.last = shown;
    const onStatus = (header: ResultSetHeader, of = shown) => {
      this.noBackslashEscapes = (header.serverStatus & SERVER_STATUS_NO_BACKSLASH_ESCAPES) !== 0;
      // the server says when the session's database changed (use inside a DELIMITER chunk, a procedure's USE…)
      const schema = (header as { stateChanges?: { schema?: string | null } }).stateChanges?.schema;
      if (schema) this.database = schema;
      this.trackTransaction(header.serverStatus, of);
    };
    try {
      const batch = bound ? undefined : await this.batches.batchFor(stmt, conn, (header, s) => onStatus(header, this.txn ? maskStatement('sql', s.text) : ''));
      if (batch) {
        try {
          return await batch.take();
        } catch (e) {
          // the parser's message quotes the rest of the query, the next statements with it: the statement (which
          // did not run) is sent again alone for the message it has alone; any other error is the statement's own
          const errno = (e as { errno?: number }).errno;
          if (batch.atEnd || errno === undefined || !PARSE_ERRNOS.has(errno)) throw wrap(e);
        }
      }
      if (stmt.paramRows) return await runMany(conn, sql, stmt.paramRows, wrap, onStatus);
      if (!bound) await this.packetLimit.check(sql, wrap);
      const use = USE.exec(sql);
      const db = use ? use[1]!.replace(/^`|`$/g, '').replace(/``/g, '`') : undefined;
      const result = await runQuery(conn, sql, stmt.params, db, wrap, onStatus);
      if (db) this.database = db;
      return result;
    } catch (e) {
      if (e instanceof DbxError && e.exitCode === ExitCode.statement && this.conn) {
        if (e.errno === 1064) e.hint ??= textParamHint(e.message, stmt.params ?? stmt.paramRows?.[0]);
        await enrichHint(e, stmt.text, (q, v) => this.side.query(q, v, this.database) as Promise<unknown[][]>);
      }
      throw e;
    }
  }

  /** An OK packet's status: a statement that left no transaction open (DDL, COMMIT) committed everything before it. */
  private trackTransaction(status: number | undefined, shown: string): void {
    if (this.txn && status !== undefined && (status & SERVER_STATUS_IN_TRANS) === 0) {
      this.txn.committedBy = shown;
      this.txn.reopen = true;
    }
  }

  private async reopenTransaction(): Promise<void> {
    if (!this.txn?.reopen) return;
    this.txn.reopen = false;
    await this.query('START TRANSACTION');
  }

  readonly transaction = {
    begin: async () => {
      await this.query('START TRANSACTION');
      this.txn = { reopen: false };
    },
    commit: async () => {
      this.txn = undefined;
      await this.query('COMMIT');
      return undefined;
    },
    /** Throws when MySQL had already committed part of the script implicitly: the rollback could not undo that. */
    rollback: async () => {
      const txn = this.txn;
      this.txn = undefined;
      // a DDL statement commits before it runs, even when it then fails: the failing statement may have ended the
      // transaction without an OK packet to tell; the server's status after a no-op does
      const probe = (await this.query('DO 0')) as ResultSetHeader;
      const committedBy = (probe.serverStatus & SERVER_STATUS_IN_TRANS) === 0 && !txn?.reopen ? txn?.last : txn?.committedBy;
      await this.query('ROLLBACK');
      if (committedBy === undefined) return;
      const short = committedBy.replace(/\s+/g, ' ').slice(0, 80);
      throw new StatementError(`MySQL committed everything up to "${short}" implicitly: only what came after it was rolled back`, {
        code: 'IMPLICIT_COMMIT',
        engine: 'sql',
        endpoint: this.endpoint,
        hint: 'run CREATE, ALTER, DROP and other statements that commit implicitly outside --transaction',
      });
    },
  };

  /** KILL QUERY from a second connection: the server stops the statement, the running query fails with 1317. */
  async cancel(): Promise<void> {
    if (!this.conn) return;
    const id = this.conn.threadId;
    this.ctx.verbose(`-- KILL QUERY ${id}`);
    const killer = await this.open(this.typedPassword, false).catch(() => undefined);
    if (!killer) {
      this.conn.destroy();
      return;
    }
    await new Promise<void>((resolve) => killer.query(`KILL QUERY ${id}`, () => resolve()));
    killer.destroy();
  }

  /**
   * mysql2's destroy() only ends the socket politely (a FIN that a hung server never answers, so the socket stays
   * open): the sockets are destroyed here, which fails whatever waits on them (connection lost), and the
   * handshake timers of connections still opening are cleared.
   */
  abandon(): void {
    // the user's connection stays known, as lost: the next statement is refused unsent, and the shell reconnects
    this.lost = true;
    this.batches.forget(); // its statements' results will never come
    this.side.forget();
    for (const conn of this.opened) {
      const raw = conn as unknown as { connectTimeout?: NodeJS.Timeout | null; stream?: { destroy(): void } };
      if (raw.connectTimeout) clearTimeout(raw.connectTimeout);
      raw.connectTimeout = null;
      raw.stream?.destroy();
    }
    this.opened.clear();
  }

  /** From the handshake: asking `SELECT VERSION()` would reset the user's diagnostics area. */
  async serverVersion(): Promise<string> {
    if (!this.conn) return '';
    // MariaDB before 11 prefixes its version with 5.5.5- for old clients
    return handshake(this.conn).serverVersion.replace(/^5\.5\.5-/, '');
  }

  /** The shell's completion asks through here: on the side connection, in the user's current database. */
  async introspect(stmt: Statement): Promise<Result> {
    const rows = (await this.side.query(stmt.text, [], this.database)) as unknown[][];
    async function* each(): AsyncGenerator<Record<string, unknown>> {
      for (const r of rows) yield Object.fromEntries(r.map((v, i) => [String(i), v]));
    }
    return { kind: 'rows', columns: rows[0]?.map((_, i) => String(i)) ?? [], rows: each(), codec: sqlCodec };
  }

  async sessionStatus(): Promise<SessionStatus> {
    const conn = this.usable();
    const { host, port, socketPath } = this.target.options;
    return sessionStatus({
      conn,
      version: await this.serverVersion(),
      protocolVersion: handshake(conn).protocolVersion,
      database: this.database,
      host,
      port,
      socketPath,
      side: (sql) => this.side.query(sql, [], this.database) as Promise<unknown[][]>,
    });
  }

  lastWarnings(): Promise<string[]> {
    return lastWarnings(this.usable());
  }

  redact(stmt: Statement): string {
    return maskStatement('sql', stmt.text);
  }

  async close(): Promise<void> {
    await this.side.close();
    const conn = this.conn;
    this.conn = undefined;
    if (!conn) return;
    if (this.lost) return void conn.destroy(); // nothing to say goodbye to
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => (conn.destroy(), resolve()), 1000);
      conn.end(() => (clearTimeout(timer), resolve()));
    });
  }
}

export function createEngine(ctx: EngineContext): Engine {
  return new MysqlEngine(ctx);
}
