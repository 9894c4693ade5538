// Stored documents keep the exact BSON types the client sent (deserialized with promoteValues: false), so a
// NumberLong comes back a NumberLong. mingo cannot compare those wrapper objects as numbers, hence the "view":
// a copy with Int32/Double/Long turned into JS numbers, used only for matching, sorting and aggregating.
import { EJSON, Long } from 'bson';
import type { Document } from 'bson';

type BsonWrapper = { _bsontype: string; value?: unknown; toString(radix?: number): string };

export function bsonType(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const tag = (value as Partial<BsonWrapper>)._bsontype;
  return typeof tag === 'string' ? tag : undefined;
}

/** A plain BSON sub-document: not an array, Date, RegExp or BSON wrapper type. */
export function isPlainDoc(value: unknown): value is Document {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date) &&
    !(value instanceof RegExp) && bsonType(value) === undefined;
}

/** JS number for Int32/Double/Long/number, undefined for anything else. */
export function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  switch (bsonType(value)) {
    case 'Int32':
    case 'Double':
      return Number((value as BsonWrapper).value);
    case 'Long':
      return (value as Long).toNumber();
    default:
      return undefined;
  }
}

/** Command options (limit, skip, batchSize…) as integers; a missing or non-numeric value gives the fallback. */
export function intOption(value: unknown, fallback: number): number {
  const n = numberOf(value);
  return n === undefined || Number.isNaN(n) ? fallback : Math.trunc(n);
}

export function toView(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(toView);
  if (value instanceof Date || value instanceof RegExp) return value;
  const tag = bsonType(value);
  if (tag !== undefined) {
    if (tag === 'BSONRegExp') {
      const re = value as unknown as { pattern: string; options: string };
      return new RegExp(re.pattern, re.options.replace(/[^gimsuy]/g, ''));
    }
    return numberOf(value) ?? value;
  }
  const out: Document = {};
  for (const key of Object.keys(value)) out[key] = toView((value as Document)[key]);
  return out;
}

/**
 * mingo computes on views, so its output holds JS numbers; values it left unchanged get their stored BSON
 * types back from `typed` (a NumberLong passed through a $project stays a NumberLong).
 */
export function restoreTypes(view: unknown, typed: unknown): unknown {
  if (isPlainDoc(view) && isPlainDoc(typed)) {
    const out: Document = {};
    for (const key of Object.keys(view)) out[key] = restoreTypes(view[key], typed[key]);
    return out;
  }
  return typed !== undefined && valueKey(toView(typed)) === valueKey(view) ? typed : view;
}

/** mingo moves `_id` last when projecting; mongod keeps the document's own field order, new fields after. */
export function orderLike(projected: Document, original: Document): Document {
  const out: Document = {};
  for (const key of Object.keys(original)) {
    if (!(key in projected)) continue;
    const value = projected[key];
    out[key] = isPlainDoc(value) && isPlainDoc(original[key]) ? orderLike(value, original[key]) : value;
  }
  for (const key of Object.keys(projected)) if (!(key in out)) out[key] = projected[key];
  return out;
}

/** Deep copy of the document tree; BSON wrapper values are immutable so they are shared. */
export function cloneValue<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneValue) as T;
  if (!isPlainDoc(value)) return value;
  const out: Document = {};
  for (const key of Object.keys(value)) out[key] = cloneValue(value[key]);
  return out as T;
}

/**
 * A string equal for values mongod treats as equal in an index: numbers compare by value across
 * Int32/Long/Double, everything else by type and content. Missing is indexed as null.
 */
export function valueKey(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return `s:${JSON.stringify(value)}`;
  if (typeof value === 'boolean') return `b:${value}`;
  if (typeof value === 'number') return `n:${String(value)}`;
  if (value instanceof Date) return `d:${value.getTime()}`;
  if (value instanceof RegExp) return `r:${value.source}/${value.flags}`;
  if (Array.isArray(value)) return `[${value.map(valueKey).join(',')}]`;
  const tag = bsonType(value);
  if (tag === 'Long') return `n:${(value as Long).toString()}`;
  if (tag === 'Int32' || tag === 'Double') return `n:${String(numberOf(value))}`;
  if (tag === 'ObjectId') return `o:${(value as BsonWrapper).toString()}`;
  if (tag !== undefined) return `${tag}:${EJSON.stringify(value as Document, { relaxed: false })}`;
  const doc = value as Document;
  return `{${Object.keys(doc).map((k) => `${JSON.stringify(k)}:${valueKey(doc[k])}`).join(',')}}`;
}

/** A value as mongod prints it inside messages such as `dup key: { _id: 123 }`. */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  if (value instanceof RegExp) return String(value);
  if (Array.isArray(value)) return value.length === 0 ? '[]' : `[ ${value.map(formatValue).join(', ')} ]`;
  const tag = bsonType(value);
  if (tag === 'Double') {
    const n = numberOf(value) as number;
    return Number.isInteger(n) ? n.toFixed(1) : String(n);
  }
  if (tag === 'Int32' || tag === 'Long') return (value as BsonWrapper).toString();
  if (tag === 'ObjectId') return `ObjectId('${(value as BsonWrapper).toString()}')`;
  if (tag !== undefined) return EJSON.stringify(value as Document, { relaxed: false });
  return formatDoc(value as Document);
}

export function formatDoc(doc: Document): string {
  const keys = Object.keys(doc);
  return keys.length === 0 ? '{}' : `{ ${keys.map((k) => `${k}: ${formatValue(doc[k])}`).join(', ')} }`;
}
