/**
 * JSON text of results, shared by the json and ndjson writers. Values pass through the result's codec first.
 */
import type { ValueCodec } from '../engines/engine.js';
import { cellText, type Row } from './row-columns.js';

function bigintAsString(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** JSON.stringify that never throws on a bigint a codec let through (it becomes a string); undefined → null. */
export function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch (error) {
    // the replacer costs time on every value, so it is only used once a bigint has actually turned up
    if (!(error instanceof TypeError)) throw error;
    return JSON.stringify(value, bigintAsString) ?? 'null';
  }
}

/**
 * A row as a JSON-ready object, keys in column order. An ordinary object: JSON.stringify is about twice as fast on
 * it as on a null-prototype one (those start in dictionary mode); a column named `__proto__` is defined as an own
 * key so that it stays an ordinary key.
 */
export function rowObject(row: Row, columns: readonly string[] | undefined, codec: ValueCodec): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const name of columns ?? Object.keys(row)) {
    const value = row[name];
    const json = value === undefined ? null : codec.json(value);
    if (name === '__proto__') Object.defineProperty(object, name, { value: json, enumerable: true, writable: true, configurable: true });
    else object[name] = json;
  }
  return object;
}

/** A 'map' field as an object key: its JSON string, or its text when the codec makes it something else ({$base64}). */
export function mapKey(field: unknown, codec: ValueCodec): string {
  const json = field === undefined ? undefined : codec.json(field);
  return typeof json === 'string' ? json : cellText(codec, field);
}
