/**
 * One mysql2 query → a neutral Result. Rows stream: the connection is paused while the consumer lags, so memory
 * stays flat however many rows come back.
 */
import type { Connection, FieldPacket, ResultSetHeader } from 'mysql2';
import type { CellRows, Result, RowsResult } from '../engine.js';
import { sqlCodec } from './mysql-codec.js';
import { columnSet, type ColumnSet } from './mysql-columns.js';
import { queryOk, rowsInSet } from './mysql-status.js';
import { captureRows, cellText, hookRows, RawRows, textCellColumns } from './mysql-text-cells.js';

export { columnKeys } from './mysql-columns.js';

/** rows buffered before the connection is paused: memory stays flat while the writer lags */
const HIGH_WATER = 2000;

/** mysql's "Query OK, 0 rows affected, 1 warning (0.01 sec)", "1 row in set, 1 warning (0.00 sec)" */
function withWarnings(line: string, warnings: number | undefined): string {
  if (!warnings) return line;
  return line.replace(/ \(/, `, ${warnings} warning${warnings === 1 ? '' : 's'} (`);
}

export function okResult(header: ResultSetHeader, isUse: string | undefined, following?: () => Promise<Result | undefined>): Result {
  const info = { affectedRows: header.affectedRows, insertId: header.insertId, warnings: header.warningStatus };
  const extra = header.info ? header.info.trim() : undefined;
  const result: Result = {
    kind: 'status',
    info: isUse ? { ...info, db: isUse } : info,
    message: (s) => (isUse ? 'Database changed' : withWarnings(queryOk(header.affectedRows, s, extra || undefined), header.warningStatus)),
  };
  if (following) result.following = following;
  return result;
}

/** Aggregates executemany: one status for the whole run, as pymysql's executemany returns one count. */
export function sumOk(infos: ReadonlyArray<Record<string, unknown>>): Result {
  const num = (v: unknown) => (typeof v === 'number' ? v : 0);
  const affectedRows = infos.reduce((n, h) => n + num(h.affectedRows), 0);
  const warnings = infos.reduce((n, h) => n + num(h.warnings), 0);
  const insertId = infos.find((h) => h.insertId)?.insertId ?? 0;
  return {
    kind: 'status',
    info: { affectedRows, insertId, warnings, statements: infos.length },
    message: (s) => withWarnings(queryOk(affectedRows, s), warnings),
  };
}

export type QueryError = (e: unknown) => Error;

/**
 * In the row queue: the end of a result set, and the columns of the next one of the same statement (CALL returns
 * one per SELECT) — none when an error came after the set had ended.
 */
class NextSet {
  constructor(
    readonly columns?: ColumnSet,
    /** the set's rows come as bytes (mysql-text-cells.ts): per column, whether its cells are UTF-8 */
    readonly cells?: boolean[],
  ) {}
}

/** In the row queue: the OK packet of a further statement (several in one DELIMITER chunk) or the one ending a CALL. */
class NextOk {
  constructor(readonly header: ResultSetHeader) {}
}

const isBoundary = (e: unknown): e is NextSet | NextOk => e instanceof NextSet || e instanceof NextOk;

/** A set's rows as the driver's arrays: kept bytes are decoded by its row parser now. */
function valuesOf(batch: Array<unknown[] | RawRows>): unknown[][] {
  const first = batch[0];
  if (!(first instanceof RawRows)) return batch as unknown[][];
  if (batch.length === 1) return first.decode();
  return batch.flatMap((group) => (group instanceof RawRows ? group.decode() : [group]));
}

/**
 * mysql2's count of the result sets that have ended. Private, and read only here: mysql2 has no public signal for
 * the end of one result set of a multi-result statement (the EOF packet that ends it emits no event; 'result'
 * gives the set's index only with a row, 'fields' none), so an error right after a set could not be told from an
 * error inside it. Undefined if a release renames it: the error is then shown after the rows, which is still true.
 */
function resultIndex(query: unknown): number | undefined {
  const index = (query as { _resultIndex?: unknown })._resultIndex;
  return typeof index === 'number' ? index : undefined;
}

/**
 * Starts the query and resolves once its first packet says what it is: a result set (rows follow, streamed) or
 * an OK packet. `useDb` is the database name when the statement is `USE db`. A statement that returns several
 * result sets (a stored procedure's CALL) gives a RowsResult whose `following()` gives the next one, once the rows
 * before it have been read; the rows of one set never run into the next.
 */
export function runQuery(
  conn: Connection,
  sql: string,
  values: unknown[] | undefined,
  useDb: string | undefined,
  wrap: QueryError,
  /** the server status of every OK packet (the statement's own, or the one that ends a CALL) */
  onStatus?: (header: ResultSetHeader) => void,
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const query = values ? conn.query(sql, values) : conn.query(sql);
    const canCapture = hookRows(query);
    // warnings of each result set, in order; its summary reads them once its rows are read
    const setWarnings: number[] = [];
    let sets = 0;
    query.on('eofWarnings', (n: number) => setWarnings.push(n));
    // rows (arrays, or groups of rows kept as bytes) and the boundaries between results
    const queue: Array<unknown[] | RawRows | NextSet | NextOk> = [];
    let boundaries = 0; // NextSet and NextOk entries in the queue
    let queued = 0; // rows in the queue
    let ended = false;
    let failure: unknown;
    let wake: (() => void) | undefined;
    let paused = false;
    let settled = false;
    let inSet = false;
    let setIndex: number | undefined; // resultIndex() when the current set's columns came

    const notify = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    const arrival = () => new Promise<void>((r) => (wake = r));
    const resume = () => {
      if (paused) {
        paused = false;
        conn.resume();
      }
    };
    const arrived = () => {
      queued++;
      if (!paused && queued >= HIGH_WATER) {
        paused = true;
        conn.pause();
      }
      notify();
    };
    /** the first `end` entries of the queue, rows no longer counted as queued (a group of kept rows is sealed) */
    const dequeue = (end: number): Array<unknown[] | RawRows> => {
      const items = queue.splice(0, end) as Array<unknown[] | RawRows>;
      for (const item of items) {
        if (item instanceof RawRows) {
          item.sealed = true;
          queued -= item.count;
        } else {
          queued--;
        }
      }
      return items;
    };

    const fail = (e: unknown) => {
      conn.off('error', fail);
      if (!settled) {
        settled = true;
        reject(wrap(e));
        return;
      }
      // an error after a set ended cleanly (a procedure that SELECTs, then fails) belongs to what came next: that
      // set is shown whole, then the error
      const index = resultIndex(query);
      if (inSet && index !== undefined && setIndex !== undefined && index > setIndex) {
        queue.push(new NextSet());
        boundaries++;
      }
      failure = e;
      ended = true;
      notify();
    };
    query.on('error', fail);
    // some fatal errors reach only the connection, never the query (mysql2 refusing a column named __proto__, a
    // lost connection mid-stream): without this the statement would wait for rows forever
    conn.on('error', fail);

    /**
     * The next result of this statement (a result set or an OK packet), once the current one's rows are read;
     * undefined after the last.
     */
    const following = async (): Promise<Result | undefined> => {
      for (;;) {
        const head = queue[0];
        if (head instanceof NextSet || head instanceof NextOk) {
          queue.shift();
          boundaries--;
          if (head instanceof NextOk) return okResult(head.header, undefined, following);
          if (head.columns) return rowSet(head.columns, head.cells);
          continue;
        }
        if (head) {
          // rows the consumer left unread (it stopped early): not part of the next set
          dequeue(boundaries > 0 ? queue.findIndex(isBoundary) : queue.length);
          resume();
          continue;
        }
        if (failure) throw wrap(failure);
        if (ended) return undefined;
        await arrival();
      }
    };

    const rowSet = (set: ColumnSet, cells: boolean[] | undefined): Result => {
      const { keys: columns, headers, numeric, toObject, toCells } = set;
      const ordinal = sets++;
      let done = false;
      // every row of this set that has arrived, or undefined at its end; the connection resumes once the consumer
      // caught up
      const take = async (): Promise<Array<unknown[] | RawRows> | undefined> => {
        while (!done && queue.length === 0) {
          if (failure) throw wrap(failure);
          if (ended) done = true;
          else await arrival();
        }
        if (done || isBoundary(queue[0])) {
          done = true;
          return undefined;
        }
        const batch = dequeue(boundaries > 0 ? queue.findIndex(isBoundary) : queue.length);
        resume();
        return batch;
      };
      async function* chunks(): AsyncGenerator<Record<string, unknown>[]> {
        for (let batch = await take(); batch; batch = await take()) yield valuesOf(batch).map(toObject);
      }
      const cellsDiffer = set.zerofill;
      async function* arrays(): AsyncGenerator<unknown[][]> {
        for (let batch = await take(); batch; batch = await take()) {
          const rows = valuesOf(batch);
          if (cellsDiffer) for (const row of rows) toCells(row);
          yield rows;
        }
      }
      // a set is captured whole or not at all: its groups are all RawRows
      async function* cellRows(): AsyncGenerator<CellRows> {
        for (let batch = await take(); batch; batch = await take()) yield* batch as RawRows[];
      }
      async function* rows(): AsyncGenerator<Record<string, unknown>> {
        for await (const batch of chunks()) yield* batch;
      }
      const summary = (count: number, seconds: number) => withWarnings(rowsInSet(count, seconds), setWarnings[ordinal]);
      const result: RowsResult = { kind: 'rows', columns, numeric, rows: rows(), chunks: chunks(), arrays: arrays(), codec: sqlCodec, summary, following };
      if (headers) result.headers = headers;
      if (cells) result.cells = { chunks: cellRows(), utf8: cells, text: cellText(cells) };
      return result;
    };

    query.on('fields', (fields: FieldPacket[] | undefined) => {
      // mysql2 also emits 'fields' (undefined) before an OK packet
      if (!fields) return;
      inSet = true;
      setIndex = resultIndex(query);
      // now, before mysql2 compiles its row parser from the fields (columnSet changes how it reads some types)
      const set = columnSet(fields);
      // the rows that follow are kept as bytes when every column's text is its bytes, and decoded only for a
      // reader of values
      const cells = canCapture ? textCellColumns(fields) : undefined;
      if (cells) captureRows(query, (rows) => queue.push(rows), arrived);
      else captureRows(query);
      if (!settled) {
        settled = true;
        resolve(rowSet(set, cells));
        return;
      }
      queue.push(new NextSet(set, cells));
      boundaries++;
      notify();
    });
    query.on('result', (row: unknown) => {
      if (!Array.isArray(row)) onStatus?.(row as ResultSetHeader);
      if (!settled) {
        settled = true;
        resolve(okResult(row as ResultSetHeader, useDb, following));
        return;
      }
      if (!Array.isArray(row)) {
        // a further statement's OK packet, or the one that ends a CALL: the mysql client shows it as "Query OK"
        queue.push(new NextOk(row as ResultSetHeader));
        boundaries++;
        inSet = false;
        notify();
        return;
      }
      if (!inSet) return;
      queue.push(row);
      arrived();
    });
    query.on('end', () => {
      conn.off('error', fail);
      ended = true;
      notify();
    });
  });
}

/**
 * executemany (--params with rows): the statement once per row. Writes add up into one status line, as pymysql's
 * executemany returns one count; a query shows its result set for each row in turn (they were summed as "NaN rows
 * affected" and their rows lost).
 */
export async function runMany(conn: Connection, sql: string, rows: unknown[][], wrap: QueryError, onStatus: (header: ResultSetHeader) => void): Promise<Result> {
  const run = (row: unknown[]) => runQuery(conn, sql, row, undefined, wrap, onStatus);
  const first = await run(rows[0] ?? []);
  if (first.kind === 'rows') {
    const chain = (result: Result, next: number): Result => {
      if (result.kind !== 'rows' || next >= rows.length) return result;
      const own = (result as RowsResult).following;
      const chained: RowsResult = {
        ...result,
        following: async () => {
          const more = own ? await own() : undefined; // a CALL's further result sets come first
          return more ? chain(more, next) : chain(await run(rows[next]!), next + 1);
        },
      };
      return chained;
    };
    return chain(first, 1);
  }
  const infos = [first.kind === 'status' ? first.info : {}];
  for (const row of rows.slice(1)) {
    const result = await run(row);
    if (result.kind === 'status') infos.push(result.info);
    else if (result.kind === 'rows') for await (const _ of result.rows); // not expected after an OK packet: drained
  }
  return sumOk(infos);
}
