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
  /** a ZEROFILL column is there: toCells changes values */
  zerofill: boolean;
  toObject(row: unknown[]): Record<string, unknown>;
  /**
   * The row's values for the text formats, in the row itself (the driver's array, read once): values whose text
   * (sqlCodec.text) is toObject's, not their JSON (a FLOAT stays the server's text as a string).
   */
  toCells(row: unknown[]): unknown[];
}

const FLOAT = 4;
const DOUBLE = 5;
const BLOB = 252;
const GEOMETRY = 255;
const BINARY_CHARSET = 63;

/**
 * How mysql2 reads the text protocol's values is compiled from the column definitions once per result set. Three
 * types are read otherwise than it would, by changing their definitions before it compiles its row parser
 * ('fields' comes first): FLOAT, DOUBLE and YEAR as the server's text (JavaScript's printing of the number, 1e15
 * as 1000000000000000, is not the mysql client's), GEOMETRY as the bytes it is (WKB after a 4-byte SRID), not the
 * driver's lossy {x, y}. A typeCast function did the same at the cost of a call and a closure per value.
 * Returns the columns read as text that stand for numbers (ServerNumber). Call after columnSet's types are read.
 */
function readAsServerText(fields: FieldPacket[]): number[] {
  const numbers: number[] = [];
  fields.forEach((f, i) => {
    const field = f as { columnType?: number; type?: number; characterSet?: number };
    if (field.columnType === FLOAT || field.columnType === DOUBLE || field.columnType === YEAR) {
      numbers.push(i);
      // read as DECIMAL is: the text, in ASCII (with decimalNumbers off, as sqlTarget sets it)
      field.columnType = NEWDECIMAL;
      field.type = NEWDECIMAL;
    } else if (field.columnType === GEOMETRY) {
      field.columnType = BLOB;
      field.type = BLOB;
      field.characterSet = BINARY_CHARSET;
    }
  });
  return numbers;
}

/**
 * The column set of a result set's fields, from the types the server gave; the fields are then changed for the
 * row parser (readAsServerText): call once per result set, when its fields arrive.
 */
export function columnSet(fields: FieldPacket[]): ColumnSet {
  const keys = columnKeys(fields);
  const names = fields.map((f) => f.name);
  const json = fields.flatMap((f, i) => (isJson(f) ? [i] : []));
  // a ZEROFILL integer prints padded to its display width (`0003`), as the server's text is
  const zerofill = fields.flatMap((f, i) =>
    INTEGERS.has(f.columnType ?? -1) && ((f.flags as number) & ZEROFILL_FLAG) !== 0 ? [[i, f.columnLength ?? 0] as const] : [],
  );
  const numeric = fields.map((f) => isNumericType(f.columnType));
  const numbers = readAsServerText(fields);
  const special = json.length > 0 || zerofill.length > 0 || numbers.length > 0;
  // a ZEROFILL integer's text is padded; a FLOAT's or a JSON column's text is the string the driver read
  const toCells = (row: unknown[]): unknown[] => {
    for (const [i, width] of zerofill) {
      const v = row[i];
      if (typeof v === 'number' || typeof v === 'string') row[i] = new ServerNumber(String(v).padStart(width, '0'), v);
    }
    return row;
  };
  return {
    keys,
    headers: names.some((n, i) => n !== keys[i]) ? names : undefined,
    numeric,
    zerofill: zerofill.length > 0,
    toCells,
    toObject(row) {
      const obj: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) obj[keys[i]!] = row[i];
      if (!special) return obj;
      for (const i of numbers) {
        const text = row[i];
        if (typeof text === 'string') obj[keys[i]!] = new ServerNumber(text, Number(text));
      }
      for (const i of json) if (typeof row[i] === 'string') obj[keys[i]!] = new JsonText(row[i] as string);
      toCells(row);
      for (const [i] of zerofill) obj[keys[i]!] = row[i];
      return obj;
    },
  };
}
