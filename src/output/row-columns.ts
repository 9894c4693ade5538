/**
 * Which columns a row stream has and what text a cell shows — shared by the table, vertical, csv/tsv and raw writers.
 */
import type { RowsResult, ValueCodec } from '../engines/engine.js';

export type Row = Record<string, unknown>;

/** How many rows are read before column widths (table) or the header (csv/tsv of documents) are fixed. */
export const WINDOW_ROWS = 1000;

/**
 * Adds the row's keys that `columns` lacks, `_id` always first (documents' union of keys), after the `pinned`
 * leading columns (fan-out's profile). Returns whether anything was added.
 */
export function addKeys(columns: string[], seen: Set<string>, row: Row, pinned = 0): boolean {
  let added = false;
  for (const key of Object.keys(row)) {
    if (seen.has(key)) continue;
    seen.add(key);
    if (key === '_id') columns.splice(Math.min(pinned, columns.length), 0, key);
    else columns.push(key);
    added = true;
  }
  return added;
}

/** A row's own keys, `_id` first (after the `pinned` leading ones). */
export function ownColumns(row: Row, pinned = 0): string[] {
  const keys = Object.keys(row);
  const id = keys.indexOf('_id');
  if (id > pinned) {
    keys.splice(id, 1);
    keys.splice(pinned, 0, '_id');
  }
  return keys;
}

/** A cell's text; a key the row does not have (a document without that field) is an empty cell. */
export function cellText(codec: ValueCodec, value: unknown): string {
  return value === undefined ? '' : codec.text(value);
}

/** Column `index` of a 'values' / 'map' row: by the result's column names, else by the row's key order. */
/**
 * Calls `each` for every row of the result, in order, through `chunks` when the engine gives them. `each` returns
 * a promise only when it must be awaited (backpressure), so a row costs no tick of its own.
 */
export async function eachRow(result: RowsResult, each: (row: Row) => Promise<void> | undefined): Promise<void> {
  if (result.chunks) {
    for await (const chunk of result.chunks) {
      for (const row of chunk) {
        const wait = each(row);
        if (wait) await wait;
      }
    }
    return;
  }
  for await (const row of result.rows) {
    const wait = each(row);
    if (wait) await wait;
  }
}

export function columnAt(result: RowsResult, row: Row, index: number): unknown {
  const name = result.columns?.[index] ?? Object.keys(row)[index];
  return name === undefined ? undefined : row[name];
}

/**
 * Reads up to WINDOW_ROWS rows ahead to learn the union of their keys, then gives back a stream that yields
 * those rows again followed by the rest. Memory holds one window, never the whole result.
 */
export async function peekColumns(rows: AsyncIterable<Row>, pinned = 0): Promise<{ columns: string[]; rows: AsyncIterable<Row> }> {
  const iterator = rows[Symbol.asyncIterator]();
  const window: Row[] = [];
  const columns: string[] = [];
  const seen = new Set<string>();
  let finished = false;
  while (window.length < WINDOW_ROWS) {
    const next = await iterator.next();
    if (next.done) {
      finished = true;
      break;
    }
    addKeys(columns, seen, next.value, pinned);
    window.push(next.value);
  }
  async function* replay(): AsyncGenerator<Row> {
    let done = finished;
    try {
      while (window.length > 0) yield window.shift()!;
      while (!done) {
        const next = await iterator.next();
        if (next.done) done = true;
        else yield next.value;
      }
    } finally {
      // stopped early (an output error): let the engine release its cursor
      if (!done) await iterator.return?.();
    }
  }
  return { columns, rows: replay() };
}
