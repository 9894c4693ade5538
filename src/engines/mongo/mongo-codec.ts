/**
 * How documents and replies become text and JSON: table cells and lone values in mongo-shell style
 * (formatShellValue), JSON as relaxed Extended JSON (`{"$oid": …}`, `{"$date": ISO}`), as mongosh and
 * mongoexport write them.
 */
import { EJSON } from 'bson';
import type { ValueCodec } from '../engine.js';
import { formatShellPretty, formatShellValue } from '../../mongo-syntax/shell-format.js';

/**
 * Relaxed Extended JSON of one value, walked here rather than by EJSON.serialize (a stringify/parse round trip:
 * rows are hot), and lossless where bson's relaxed mode is not: a 64-bit integer beyond 2^53 stays
 * {"$numberLong": "…"} (bson would print 9223372036854775807 as 9223372036854776000), and a regex whose options
 * JavaScript lacks still prints (bson throws on them).
 */
export function toExtendedJson(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // relaxed EJSON keeps finite doubles as numbers; NaN, ±Infinity and -0 need {"$numberDouble"}
      if (Number.isFinite(value) && !Object.is(value, -0)) return value;
      break;
    case 'undefined':
      return null;
    case 'bigint':
      return { $numberLong: value.toString() };
  }
  if (value === null) return null;
  if (Array.isArray(value)) return value.map(toExtendedJson);
  const tag = (value as { _bsontype?: unknown })._bsontype;
  if (tag === 'ObjectId') return { $oid: (value as { toHexString(): string }).toHexString() };
  if (tag === 'Long') {
    const n = (value as { toNumber(): number }).toNumber();
    return Number.isSafeInteger(n) ? n : { $numberLong: String(value) };
  }
  if (tag === 'BSONRegExp') {
    const r = value as { pattern: string; options: string };
    return { $regularExpression: { pattern: r.pattern, options: r.options } };
  }
  if (value instanceof Date) return dateJson(value);
  if (value instanceof RegExp) return { $regularExpression: { pattern: value.source, options: regexOptions(value.flags) } };
  if (tag === undefined && isPlainObject(value as object)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as object)) {
      const json = toExtendedJson((value as Record<string, unknown>)[key]);
      // a field named __proto__ is an ordinary key in a document
      if (key === '__proto__') Object.defineProperty(out, key, { value: json, enumerable: true, writable: true, configurable: true });
      else out[key] = json;
    }
    return out;
  }
  return EJSON.serialize(value, { relaxed: true });
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A JavaScript regex's flags as BSON options: the server's letters, sorted; `g` and `y` have no BSON meaning. */
function regexOptions(flags: string): string {
  return [...flags].filter((f) => 'imsux'.includes(f)).sort().join('');
}

/** Latest date relaxed EJSON writes as an ISO string: 9999-12-31T23:59:59.999Z. */
const MAX_ISO_DATE = 253402300799999;

/** EJSON's relaxed date without its stringify/parse round trip: ISO text in 1970–9999, no `.000`. */
function dateJson(date: Date): unknown {
  const ms = date.getTime();
  if (!(ms >= 0 && ms <= MAX_ISO_DATE)) return EJSON.serialize(date, { relaxed: true });
  const iso = date.toISOString();
  return { $date: date.getUTCMilliseconds() === 0 ? `${iso.slice(0, -5)}Z` : iso };
}

/** A table cell or a lone value: text as itself (`Sam`, `test`, `name_1`), anything else as the shell writes it. */
export function shellText(value: unknown): string {
  return typeof value === 'string' ? value : formatShellValue(value);
}

/** A single value as mongosh prints it: on one line when it fits in 80 columns, else indented (util.inspect's rule). */
function shellDisplay(value: unknown): string {
  return typeof value === 'string' ? value : formatShellPretty(value);
}

/** Documents and values: cells on one line, a value on its own (findOne, explain, stats) as mongosh prints it. */
export const documentCodec: ValueCodec = {
  text: shellText,
  json: toExtendedJson,
  display: shellDisplay,
};

/**
 * Write results: JSON is the driver's result as it is; the table shows an update the way mongosh does,
 * `{ acknowledged: true, insertedId: null, matchedCount: 1, modifiedCount: 1, upsertedCount: 0 }`
 * (mongosh calls the upserted id insertedId).
 */
export const writeResultCodec: ValueCodec = {
  text: shellText,
  json: toExtendedJson,
  display: (value) => shellDisplay(shownWrite(value)),
};

/** An update's result as mongosh shows it (it calls the upserted id insertedId); any other value as it is. */
function shownWrite(value: unknown): unknown {
  const r = value as Record<string, unknown> | null;
  if (!r || typeof r !== 'object' || !('matchedCount' in r)) return value;
  return {
    acknowledged: r.acknowledged,
    insertedId: r.upsertedId ?? null,
    matchedCount: r.matchedCount,
    modifiedCount: r.modifiedCount,
    upsertedCount: r.upsertedCount,
  };
}

/** `show collections` (and `show users` names): one name per line, as mongosh prints them. */
export const nameListCodec: ValueCodec = {
  text: shellText,
  json: toExtendedJson,
  display: nameLines,
  // --format raw: the names alone, for `dbx doc 'show collections' --format raw | xargs …`
  raw: nameLines,
};

function nameLines(value: unknown): string {
  return Array.isArray(value) ? value.map(shellText).join('\n') : shellText(value);
}

/** mongosh's sizes: 1024-based with two decimals ("40.00 KiB"). */
export function formatSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let n = bytes;
  let unit = 0;
  while (n >= 1024 && unit < units.length - 1) {
    n /= 1024;
    unit++;
  }
  return `${n.toFixed(2)} ${units[unit]}`;
}

export interface DatabaseInfo {
  name: string;
  sizeOnDisk: number;
  empty: boolean;
}

/** `show dbs`: JSON keeps {name, sizeOnDisk, empty}; the table is mongosh's two columns, names padded. */
export const databaseListCodec: ValueCodec = {
  text: shellText,
  json: toExtendedJson,
  display: (value) => {
    const list = value as DatabaseInfo[];
    const width = Math.max(0, ...list.map((d) => d.name.length));
    return list.map((d) => `${d.name.padEnd(width)}  ${formatSize(d.sizeOnDisk)}`.trimEnd()).join('\n');
  },
};
