/**
 * One mysql2 query → a neutral Result. Rows stream: the connection is paused while the consumer lags, so memory
 * stays flat however many rows come back.
 */
import type { Connection, FieldPacket, ResultSetHeader } from 'mysql2';
import type { Result, RowsResult } from '../engine.js';
import { JsonText, sqlCodec } from './mysql-codec.js';
import { queryOk, rowsInSet } from './mysql-status.js';

/** rows buffered before the connection is paused: memory stays flat while the writer lags */
const HIGH_WATER = 2000;

/**
 * Column keys for row objects: the server's names, made unique (`select 1, 1` has two columns named 1). A repeated
 * name gets `_2`, `_3`…, skipping any suffix that another column already has as its own name (`select 1 a, 2 a,
 * 3 a_2`), so that no value is hidden behind another column's key.
 */
export function columnKeys(fields: ReadonlyArray<{ name: string }>): string[] {
  const taken = new Set(fields.map((f) => f.name));
  const seen = new Set<string>();
  return fields.map((f) => {
    if (!seen.has(f.name)) {
      seen.add(f.name);
      return f.name;
    }
    let n = 2;
    while (taken.has(`${f.name}_${n}`)) n++;
    const key = `${f.name}_${n}`;
    taken.add(key);
    return key;
  });
}

/** MySQL's JSON type (245), or MariaDB's JSON (a LONGTEXT that its extended metadata marks as json). */
function jsonColumns(fields: FieldPacket[]): number[] {
  const found: number[] = [];
  fields.forEach((f, i) => {
    if (f.columnType === 245 || (f as { extendedFormat?: string }).extendedFormat === 'json') found.push(i);
  });
  return found;
}

/** mysql's "Query OK, 0 rows affected, 1 warning (0.01 sec)" */
function withWarnings(line: string, warnings: number): string {
  if (!warnings) return line;
  return line.replace(' affected (', ` affected, ${warnings} warning${warnings === 1 ? '' : 's'} (`);
}

export function okResult(header: ResultSetHeader, isUse: string | undefined): Result {
  const info = { affectedRows: header.affectedRows, insertId: header.insertId, warnings: header.warningStatus };
  const extra = header.info ? header.info.trim() : undefined;
  return {
    kind: 'status',
    info: isUse ? { ...info, db: isUse } : info,
    message: (s) => (isUse ? 'Database changed' : withWarnings(queryOk(header.affectedRows, s, extra || undefined), header.warningStatus)),
  };
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
  constructor(readonly fields?: FieldPacket[]) {}
}

/** mysql2's count of the result sets that have ended (private: undefined if a release renames it). */
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
  onStatus?: (serverStatus: number) => void,
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const query = values ? conn.query(sql, values) : conn.query(sql);
    const queue: Array<unknown[] | NextSet> = [];
    let boundaries = 0; // NextSet entries in the queue
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

    /** The next result set of this statement, once the current one's rows are read; undefined after the last. */
    const following = async (): Promise<Result | undefined> => {
      for (;;) {
        const head = queue[0];
        if (head instanceof NextSet) {
          queue.shift();
          boundaries--;
          if (head.fields) return rowSet(head.fields);
          continue;
        }
        if (head) {
          // rows the consumer left unread (it stopped early): not part of the next set
          queue.splice(0, boundaries > 0 ? queue.findIndex((e) => e instanceof NextSet) : queue.length);
          resume();
          continue;
        }
        if (failure) throw wrap(failure);
        if (ended) return undefined;
        await arrival();
      }
    };

    const rowSet = (fields: FieldPacket[]): Result => {
      const columns = columnKeys(fields);
      const json = jsonColumns(fields);
      const toObject = (row: unknown[]): Record<string, unknown> => {
        const obj: Record<string, unknown> = {};
        for (let i = 0; i < columns.length; i++) obj[columns[i]!] = row[i];
        for (const i of json) if (typeof row[i] === 'string') obj[columns[i]!] = new JsonText(row[i] as string);
        return obj;
      };
      let done = false;
      // every row of this set that has arrived, or undefined at its end; the connection resumes once the consumer
      // caught up
      const take = async (): Promise<Record<string, unknown>[] | undefined> => {
        while (!done && queue.length === 0) {
          if (failure) throw wrap(failure);
          if (ended) done = true;
          else await arrival();
        }
        if (done || queue[0] instanceof NextSet) {
          done = true;
          return undefined;
        }
        const end = boundaries > 0 ? queue.findIndex((e) => e instanceof NextSet) : queue.length;
        const batch = queue.splice(0, end) as unknown[][];
        resume();
        return batch.map(toObject);
      };
      async function* chunks(): AsyncGenerator<Record<string, unknown>[]> {
        for (let batch = await take(); batch; batch = await take()) yield batch;
      }
      async function* rows(): AsyncGenerator<Record<string, unknown>> {
        for await (const batch of chunks()) yield* batch;
      }
      const result: RowsResult = { kind: 'rows', columns, rows: rows(), chunks: chunks(), codec: sqlCodec, summary: rowsInSet, following };
      return result;
    };

    query.on('fields', (fields: FieldPacket[] | undefined) => {
      // mysql2 also emits 'fields' (undefined) before an OK packet
      if (!fields) return;
      inSet = true;
      setIndex = resultIndex(query);
      if (!settled) {
        settled = true;
        resolve(rowSet(fields));
        return;
      }
      queue.push(new NextSet(fields));
      boundaries++;
      notify();
    });
    query.on('result', (row: unknown) => {
      if (!Array.isArray(row)) onStatus?.((row as ResultSetHeader).serverStatus);
      if (!settled) {
        settled = true;
        resolve(okResult(row as ResultSetHeader, useDb));
        return;
      }
      // the OK packet that ends a CALL carries nothing to show
      if (!inSet || !Array.isArray(row)) return;
      queue.push(row);
      if (!paused && queue.length >= HIGH_WATER) {
        paused = true;
        conn.pause();
      }
      notify();
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
export async function runMany(conn: Connection, sql: string, rows: unknown[][], wrap: QueryError, onStatus: (serverStatus: number) => void): Promise<Result> {
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
