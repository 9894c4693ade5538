/**
 * What a result set's columns are, from the server's column definitions: the keys of the row objects, the names
 * the headers show, which columns are numeric (right-aligned), and how a row of values becomes a row object.
 */
import type { FieldPacket } from 'mysql2';
import { JsonText, ServerNumber } from './mysql-codec.js';

/**
 * Column keys for row objects: the server's names, made unique (`select 1, 1` has two columns named 1). A repeated
 * name gets `_2`, `_3`…, skipping any suffix that another column already has as its own name (`select 1 a, 2 a,
 * 3 a_2`), so that no value is hidden behind another column's key. Only JSON needs this: headers show the names.
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

const TIMESTAMP = 7;
const INT24 = 9;
const YEAR = 13;
const NEWDECIMAL = 246;
const INTEGERS = new Set([1, 2, 3, 8, INT24]);
const ZEROFILL_FLAG = 64;

/** The mysql client's IS_NUM(): the column types it right-aligns (DECIMAL, the integers, FLOAT, DOUBLE, YEAR…). */
export function isNumericType(columnType: number | undefined): boolean {
  if (columnType === undefined) return false;
  return (columnType <= INT24 && columnType !== TIMESTAMP) || columnType === YEAR || columnType === NEWDECIMAL;
}

/** MySQL's JSON type (245), or MariaDB's JSON (a LONGTEXT that its extended metadata marks as json). */
function isJson(f: FieldPacket): boolean {
  return f.columnType === 245 || (f as { extendedFormat?: string }).extendedFormat === 'json';
}

export interface ColumnSet {
  keys: string[];
  /** the server's names, repeated ones included; undefined when they are the keys */
  headers?: string[];
  numeric: boolean[];
  toObject(row: unknown[]): Record<string, unknown>;
}

export function columnSet(fields: FieldPacket[]): ColumnSet {
  const keys = columnKeys(fields);
  const names = fields.map((f) => f.name);
  const json = fields.flatMap((f, i) => (isJson(f) ? [i] : []));
  // a ZEROFILL integer prints padded to its display width (`0003`), as the server's text is
  const zerofill = fields.flatMap((f, i) =>
    INTEGERS.has(f.columnType ?? -1) && ((f.flags as number) & ZEROFILL_FLAG) !== 0 ? [[i, f.columnLength ?? 0] as const] : [],
  );
  const special = json.length > 0 || zerofill.length > 0;
  return {
    keys,
    headers: names.some((n, i) => n !== keys[i]) ? names : undefined,
    numeric: fields.map((f) => isNumericType(f.columnType)),
    toObject(row) {
      const obj: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) obj[keys[i]!] = row[i];
      if (!special) return obj;
      for (const i of json) if (typeof row[i] === 'string') obj[keys[i]!] = new JsonText(row[i] as string);
      for (const [i, width] of zerofill) {
        const v = row[i];
        if (typeof v === 'number' || typeof v === 'string') obj[keys[i]!] = new ServerNumber(String(v).padStart(width, '0'), v);
      }
      return obj;
    },
  };
}
