/**
 * Fan-out: every result says which profile it came from (CONTRACT "Output"). The text formats (table, vertical,
 * csv, tsv) get a first column `profile`: a result is turned into rows that carry it. The JSON formats put a
 * `"profile"` key first in each row and status object, and wrap a single value as `{"profile":…,"value":…}`
 * (json-writer.ts, ndjson-writer.ts, with objectTagger below).
 *
 * A row's own `profile` (`select name as profile`, a document's field) is kept under `profile_2` (`_3`… if that is
 * taken too), the rule sql already follows for a repeated column name: no value is hidden behind the tag.
 */
import type { Result, RowsResult, ValueCodec, ValueResult } from '../engines/engine.js';
import { jsonText } from './json-text.js';
import type { Row } from './row-columns.js';

export const TAG = 'profile';

/** The profile's cell: the codec would quote it or shape it as the engine's own values (mongo-shell strings). */
class ProfileCell {
  constructor(readonly name: string) {}
}

/** A single value in a text format's row: shown as the engine's client shows it alone (`"Sam"`, `(integer) 5`). */
class DisplayCell {
  constructor(readonly value: unknown) {}
}

function taggedCodec(inner: ValueCodec): ValueCodec {
  return {
    text: (v) =>
      v instanceof ProfileCell ? v.name : v instanceof DisplayCell ? (inner.display ? inner.display(v.value) : inner.text(v.value)) : inner.text(v),
    json: (v) => (v instanceof ProfileCell ? v.name : v instanceof DisplayCell ? inner.json(v.value) : inner.json(v)),
  };
}

/** The key a row's own `profile` moves to: `profile_2`, or the first `profile_N` the row does not use. */
function aliasFor(taken: (key: string) => boolean): string {
  let n = 2;
  while (taken(`${TAG}_${n}`)) n++;
  return `${TAG}_${n}`;
}

/** Renames a row's own `profile` key, keeping the key order; rows without one are returned as they are. */
export function withoutTagKey<T extends Record<string, unknown>>(row: T): T {
  if (!Object.hasOwn(row, TAG)) return row;
  const alias = aliasFor((k) => Object.hasOwn(row, k));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(row)) out[key === TAG ? alias : key] = row[key];
  return out as T;
}

async function* mapRows<T, U>(source: AsyncIterable<T>, map: (item: T) => U): AsyncGenerator<U> {
  for await (const item of source) yield map(item);
}

function tagRows(result: RowsResult, profile: string): RowsResult {
  const cell = new ProfileCell(profile);
  const fixed = result.columns;
  const alias = fixed?.includes(TAG) ? aliasFor((k) => fixed.includes(k)) : undefined;
  const columns = fixed ? [TAG, ...fixed.map((c) => (c === TAG ? alias! : c))] : undefined;
  const tag = (row: Row): Row => {
    const out: Row = { [TAG]: cell };
    if (fixed) {
      fixed.forEach((name, i) => (out[columns![i + 1]!] = row[name]));
      return out;
    }
    return Object.assign(out, withoutTagKey(row));
  };
  return {
    kind: 'rows',
    columns,
    rows: mapRows(result.rows, tag),
    chunks: result.chunks ? mapRows(result.chunks, (chunk) => chunk.map(tag)) : undefined,
    codec: taggedCodec(result.codec),
    // the server's names stay as they are in the header (a row's own `profile` is shown as the server named it)
    headers: result.headers && [TAG, ...result.headers],
    numeric: result.numeric && [false, ...result.numeric],
    summary: result.summary,
    live: result.live,
    pinned: 1,
    following: result.following
      ? async () => {
          const next = await result.following!();
          return next && tagForText(next, profile);
        }
      : undefined,
  };
}

function tagValue(result: ValueResult, profile: string, split: boolean): RowsResult {
  const cell = new ProfileCell(profile);
  const values = split && Array.isArray(result.value) ? result.value : [result.value];
  async function* rows(): AsyncGenerator<Row> {
    for (const value of values) yield { [TAG]: cell, value: split ? value : new DisplayCell(value) };
  }
  return { kind: 'rows', columns: [TAG, 'value'], rows: rows(), codec: taggedCodec(result.codec), pinned: 1 };
}

/**
 * A result as the text formats print it under fan-out. A single value becomes one row (profile, value) shown as
 * the engine shows it alone; `split` (csv, tsv): an array value is one row per element, as those formats print
 * it without fan-out. A status result is left as it is: its line on stderr names the profile (StatusLines' prefix).
 */
export function tagForText(result: Result, profile: string, split = false): Result {
  if (result.kind === 'status') return result;
  if (result.kind === 'value') return tagValue(result, profile, split);
  return tagRows(result, profile);
}

/** JSON text of tagged objects, for the json and ndjson writers: `{"profile":"a",…}`. */
export class ObjectTagger {
  private readonly prefix: string;
  constructor(readonly profile: string) {
    this.prefix = `{${jsonText(TAG)}:${jsonText(profile)}`;
  }

  /** an object (a row, a status) with the profile key first */
  object(value: Record<string, unknown>): string {
    const text = jsonText(withoutTagKey(value));
    return text === '{}' ? `${this.prefix}}` : `${this.prefix},${text.slice(1)}`;
  }

  /** a single value: `{"profile":"a","value":…}`; `valueText` is the value's JSON text */
  value(valueText: string): string {
    return `${this.prefix},"value":${valueText}}`;
  }

  /** what comes before a value streamed in pieces (a kv list as one JSON array): close it with `}` */
  get valueOpening(): string {
    return `${this.prefix},"value":`;
  }
}
