/**
 * The MySQL/MariaDB engine: the only code that talks to mysql2.
 */
import mysql, { type Connection, type ResultSetHeader } from 'mysql2';
import type { BoundValues, Classification, Engine, EngineContext, Result, Statement } from '../engine.js';
import { ConnectError, DbxError, ExitCode, StatementError } from '../../errors.js';
import { enrichHint } from './mysql-hint-lookup.js';
import { connectError, statementError } from './mysql-errors.js';
import { sqlTarget, type SqlTarget } from './mysql-options.js';
import { runMany, runQuery } from './mysql-result.js';
import { classifySql } from './sql-classify.js';
import { bindValues, placeholders, textParamHint } from './sql-placeholders.js';
import { splitSql } from './sql-splitter.js';

/** the server status flag of an open transaction */
const SERVER_STATUS_IN_TRANS = 0x0001;

const USE = /^\s*use\s+(`(?:[^`]|``)+`|[^\s;`]+)\s*;?\s*$/i;

/** Secrets that must not reach -v, --log-file or history: IDENTIFIED BY '…', PASSWORD('…'), SET PASSWORD = '…'. */
export function redactSql(text: string): string {
  return text
    .replace(/(identified\s+(?:with\s+\S+\s+)?by\s+(?:password\s+)?)('(?:[^'\\]|\\.|'')*'?|"(?:[^"\\]|\\.|"")*"?)/gi, "$1'***'")
    .replace(/(password\s*\(\s*)('(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*")/gi, "$1'***'")
    .replace(/(set\s+password\s+(?:for\s+\S+\s+)?=\s*)('(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*")/gi, "$1'***'");
}

class MysqlEngine implements Engine {
  readonly name = 'sql' as const;
  database?: string;
  private readonly target: SqlTarget;
  private conn?: Connection;
  private lost = false;
  /** the password typed at the prompt, if one was asked for (the KILL QUERY connection needs it too) */
  private typedPassword?: string;
  /**
   * --transaction: the last statement that ended the transaction on the server (DDL commits implicitly), and
   * whether a new one must be started before the next statement, so that what follows stays all or nothing
   */
  private txn?: { committedBy?: string; reopen: boolean; last?: string };

  constructor(private readonly ctx: EngineContext) {
    this.target = sqlTarget(ctx.endpoint, ctx.connectTimeoutMs);
    this.database = this.target.options.database;
  }

  /** for messages: follows `use`, so an error after `use x` names x */
  get endpoint(): string {
    return this.target.endpointFor(this.database);
  }

  split(script: string): Statement[] {
    return splitSql(script);
  }

  bindValues(statements: Statement[], values: BoundValues): Statement[] {
    return bindValues(statements, values);
  }

  private open(password: string | undefined, main = true): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const conn = mysql.createConnection({ ...this.target.options, password: password ?? this.target.options.password });
      // a fatal error (server gone, connection killed) also fails the running query; remember it, so that the next
      // statement fails at once instead of waiting for a reply that will never come
      conn.on('error', (e: { fatal?: boolean }) => {
        if (main && e.fatal !== false) this.lost = true;
      });
      conn.connect((err) => (err ? (conn.destroy(), reject(err)) : resolve(conn)));
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
    this.ctx.verbose(`-- connected (thread ${this.conn.threadId}, ${(performance.now() - started).toFixed(0)} ms)`);
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
      this.conn!.query(sql, values, (err, res) => (err ? reject(statementError(err, shown, this.endpoint)) : resolve(res))),
    );
  }

  async execute(stmt: Statement): Promise<Result> {
    if (!this.conn) throw new StatementError('not connected', { code: 'NOT_CONNECTED', engine: 'sql', endpoint: this.endpoint });
    if (this.lost) {
      throw new ConnectError('connection lost', { code: 'PROTOCOL_CONNECTION_LOST', engine: 'sql', endpoint: this.endpoint, hint: 'run the statement again to reconnect' });
    }
    const bound = stmt.params !== undefined || stmt.paramRows !== undefined;
    // pymysql's `%s` placeholders (the note's executemany) become `?`
    const sql = bound ? placeholders(stmt.text).text : stmt.text;
    const shown = redactSql(stmt.text);
    const wrap = (e: unknown) => statementError(e, shown, this.endpoint, stmt.line);
    await this.reopenTransaction();
    if (this.txn) this.txn.last = shown;
    const onStatus = (status: number) => this.trackTransaction(status, shown);
    try {
      if (stmt.paramRows) return await runMany(this.conn, sql, stmt.paramRows, wrap, onStatus);
      const use = USE.exec(sql);
      const db = use ? use[1]!.replace(/^`|`$/g, '').replace(/``/g, '`') : undefined;
      const result = await runQuery(this.conn, sql, stmt.params, db, wrap, onStatus);
      if (db) this.database = db;
      return result;
    } catch (e) {
      if (e instanceof DbxError && e.exitCode === ExitCode.statement && this.conn) {
        if (e.errno === 1064) e.hint ??= textParamHint(e.message, stmt.params ?? stmt.paramRows?.[0]);
        await enrichHint(e, stmt.text, (q, v) => this.query(q, v) as Promise<unknown[][]>);
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

  async serverVersion(): Promise<string> {
    const rows = (await this.query('SELECT VERSION()')) as unknown[][];
    return String(rows[0]?.[0] ?? '');
  }

  redact(stmt: Statement): string {
    return redactSql(stmt.text);
  }

  async close(): Promise<void> {
    const conn = this.conn;
    this.conn = undefined;
    if (!conn) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => (conn.destroy(), resolve()), 1000);
      conn.end(() => (clearTimeout(timer), resolve()));
    });
  }
}

export function createEngine(ctx: EngineContext): Engine {
  return new MysqlEngine(ctx);
}
