/**
 * One mysql2 query → a neutral Result. Rows stream: the connection is paused while the consumer lags, so memory
 * stays flat however many rows come back.
 */
import type { Connection, FieldPacket, ResultSetHeader } from 'mysql2';
import type { Result } from '../engine.js';
import { JsonText, sqlCodec } from './mysql-codec.js';
import { queryOk, rowsInSet } from '../../output/status.js';

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
export function sumOk(headers: ResultSetHeader[]): Result {
  const affectedRows = headers.reduce((n, h) => n + h.affectedRows, 0);
  const warnings = headers.reduce((n, h) => n + h.warningStatus, 0);
  const insertId = headers.find((h) => h.insertId)?.insertId ?? 0;
  return {
    kind: 'status',
    info: { affectedRows, insertId, warnings, statements: headers.length },
    message: (s) => queryOk(affectedRows, s),
  };
}

export type QueryError = (e: unknown) => Error;

/**
 * Starts the query and resolves once its first packet says what it is: a result set (rows follow, streamed) or
 * an OK packet. `useDb` is the database name when the statement is `USE db`.
 */
export function runQuery(conn: Connection, sql: string, values: unknown[] | undefined, useDb: string | undefined, wrap: QueryError): Promise<Result> {
  return new Promise((resolve, reject) => {
    const query = values ? conn.query(sql, values) : conn.query(sql);
    const queue: unknown[][] = [];
    let ended = false;
    let failure: unknown;
    let wake: (() => void) | undefined;
    let paused = false;
    let settled = false;
    let keys: string[] | undefined;

    const notify = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };

    const fail = (e: unknown) => {
      conn.off('error', fail);
      if (!settled) {
        settled = true;
        reject(wrap(e));
        return;
      }
      failure = e;
      ended = true;
      notify();
    };
    query.on('error', fail);
    // some fatal errors reach only the connection, never the query (mysql2 refusing a column named __proto__, a
    // lost connection mid-stream): without this the statement would wait for rows forever
    conn.on('error', fail);
    query.on('fields', (fields: FieldPacket[] | undefined) => {
      // mysql2 also emits 'fields' (undefined) before an OK packet
      if (settled || !fields) return; // a second result set (CALL): only the first is shown
      settled = true;
      keys = columnKeys(fields);
      const columns = keys;
      const json = jsonColumns(fields);
      const toObject = (row: unknown[]): Record<string, unknown> => {
        const obj: Record<string, unknown> = {};
        for (let i = 0; i < columns.length; i++) obj[columns[i]!] = row[i];
        for (const i of json) if (typeof row[i] === 'string') obj[columns[i]!] = new JsonText(row[i] as string);
        return obj;
      };
      // every row that has arrived, or undefined at the end; the connection resumes once the consumer caught up
      const take = async (): Promise<Record<string, unknown>[] | undefined> => {
        while (queue.length === 0) {
          if (failure) throw wrap(failure);
          if (ended) return undefined;
          await new Promise<void>((r) => (wake = r));
        }
        const batch = queue.splice(0, queue.length);
        if (paused) {
          paused = false;
          conn.resume();
        }
        return batch.map(toObject);
      };
      async function* chunks(): AsyncGenerator<Record<string, unknown>[]> {
        for (let batch = await take(); batch; batch = await take()) yield batch;
      }
      async function* rows(): AsyncGenerator<Record<string, unknown>> {
        for await (const batch of chunks()) yield* batch;
      }
      resolve({ kind: 'rows', columns, rows: rows(), chunks: chunks(), codec: sqlCodec, summary: rowsInSet });
    });
    query.on('result', (row: unknown) => {
      if (!settled) {
        settled = true;
        resolve(okResult(row as ResultSetHeader, useDb));
        return;
      }
      if (!keys || !Array.isArray(row)) return;
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
