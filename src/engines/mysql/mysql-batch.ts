/**
 * Scripts in batches: consecutive statements that each give exactly one OK packet (INSERT, UPDATE, DELETE,
 * REPLACE) go to the server together, as one multi-statement query, while the runner still takes each statement's
 * result in turn through execute(). The server runs the statements of a query in order and stops at the first
 * that fails, so what runs is what running them one by one would run: the statements after a failing one are
 * not run, and are sent again (from the next one) only if the runner goes on (--force).
 */
import type { Connection, ResultSetHeader } from 'mysql2';
import type { Result, Statement } from '../engine.js';
import { runQuery } from './mysql-result.js';

/**
 * A batch stays far below any server's max_allowed_packet (1 MB at the least since MySQL 5.5): a packet over it
 * is refused and the connection dropped.
 */
const MAX_BATCH_BYTES = 64 * 1024;
const MAX_BATCH_STATEMENTS = 2000;

const ONE_OK = /^(?:insert|update|delete|replace)\b/i;

/**
 * A statement that can share a query with its neighbours: one OK packet, never a result set (RETURNING), nothing
 * that changes how the statements after it are read or sent (sql_mode: backslashes; USE: the endpoint in
 * messages), no placeholders, and no `;` of its own (a DELIMITER chunk of several statements gives several
 * results, which could not be told from the next statement's).
 */
export function batchable(stmt: Statement): boolean {
  const text = stmt.text;
  return (
    stmt.params === undefined &&
    stmt.paramRows === undefined &&
    ONE_OK.test(text) &&
    !text.includes(';') &&
    !/sql_mode|returning/i.test(text)
  );
}

/**
 * How many statements from `from` on go into one batch: the batchable ones in a row, within the bounds; 0 when
 * fewer than two (a statement alone is sent as it is).
 */
export function batchLength(statements: readonly Statement[], from: number): number {
  let bytes = 0;
  let n = 0;
  for (let i = from; i < statements.length && n < MAX_BATCH_STATEMENTS; i++, n++) {
    const stmt = statements[i]!;
    bytes += Buffer.byteLength(stmt.text) + 2;
    if ((n > 0 && bytes > MAX_BATCH_BYTES) || !batchable(stmt)) break;
  }
  return n >= 2 ? n : 0;
}

/** mysql errors that are the parser's: their message quotes the text after the error, which runs into the next statement */
export const PARSE_ERRNOS = new Set([1064, 1149]);

/** The statements of one multi-statement query, whose results are taken one by one, in order. */
export class SqlBatch {
  private taken = 0;
  private next: () => Promise<Result | undefined>;
  /** a statement failed: the ones after it were not run */
  broken = false;

  constructor(
    conn: Connection,
    readonly statements: readonly Statement[],
    /** every OK packet's status, with the statement it belongs to */
    onStatus: (header: ResultSetHeader, stmt: Statement) => void,
  ) {
    let oks = 0;
    const sql = statements.map((s) => s.text).join(';\n');
    const first = runQuery(conn, sql, undefined, undefined, (e) => e as Error, (header) => onStatus(header, statements[oks++]!));
    first.catch(() => undefined); // taken (and its failure seen) by the first take()
    this.next = () => first;
  }

  /** the statement whose result take() gives next, if any */
  expects(stmt: Statement): boolean {
    return !this.broken && this.statements[this.taken] === stmt;
  }

  get done(): boolean {
    return this.broken || this.taken >= this.statements.length;
  }

  /** whether the statement taken last was the batch's last */
  get atEnd(): boolean {
    return this.taken >= this.statements.length;
  }

  /**
   * The next statement's result (its own: not chained to the next statement's, as a DELIMITER chunk's results
   * are), or the driver's error for it, unwrapped.
   */
  async take(): Promise<Result> {
    this.taken++;
    let result: Result | undefined;
    try {
      result = await this.next();
    } catch (e) {
      this.broken = true;
      throw e;
    }
    if (!result || result.kind !== 'status') {
      this.broken = true;
      throw new Error(`a batch of ${this.statements.length} statements gave fewer results than statements`);
    }
    const following = result.following;
    this.next = following ?? (async () => undefined);
    const { following: _chained, ...own } = result;
    return own;
  }

  /** Reads what is left of the batch (a runner that stopped early): the connection is free again after it. */
  async drain(): Promise<void> {
    while (!this.done) await this.take().catch(() => undefined);
  }
}

/**
 * The script's statements in the order execute() will be given them (Engine.plan), where it has got to, and the
 * batch whose results execute() hands out, one statement at a time.
 */
export class BatchPlan {
  private planned: readonly Statement[] = [];
  private cursor = 0;
  private batch?: SqlBatch;

  plan(statements: readonly Statement[]): void {
    this.planned = statements;
    this.cursor = 0;
  }

  /**
   * The batch that holds `stmt`: the one under way, or a new one when `stmt` starts a run of statements that can
   * go together; undefined when it is sent alone.
   */
  async batchFor(stmt: Statement, conn: Connection, status: (header: ResultSetHeader, stmt: Statement) => void): Promise<SqlBatch | undefined> {
    if (this.batch?.expects(stmt)) return this.batch;
    // a batch left half-read (never expected: the runner takes its statements in order) is read to its end first
    if (this.batch && !this.batch.done) await this.batch.drain();
    this.batch = undefined;
    const at = this.planned[this.cursor] === stmt ? this.cursor : this.planned.indexOf(stmt);
    if (at === -1) return undefined;
    const n = batchLength(this.planned, at);
    this.cursor = at + Math.max(n, 1);
    if (n === 0) return undefined;
    this.batch = new SqlBatch(conn, this.planned.slice(at, at + n), status);
    return this.batch;
  }

  /** the connection was given up on: the batch's results will never come */
  forget(): void {
    this.batch = undefined;
  }
}
