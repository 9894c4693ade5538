/**
 * How MySQL values print: the cell text of the table, csv and vertical formats, and the JSON of --json.
 */
import type { ValueCodec } from '../engine.js';
import { parseJsonExact } from '../../text/json-exact.js';

/**
 * A JSON column's value as the server sent it. The text is printed as is (as the mysql client does); --json parses
 * it, with integers beyond 2^53 as strings (as for BIGINT columns) instead of rounded: the driver's own parsing
 * turned {"id": 12345678901234567890} into 12345678901234567000.
 */
export class JsonText {
  constructor(readonly text: string) {}
}

/**
 * A number as the server wrote it: FLOAT/DOUBLE (`1e15`, `0.00000015`, FLOAT(8,5)'s `121.00000`), YEAR, a
 * ZEROFILL integer (`0003`). Text formats print the text; --json gives the number, which the text is exactly.
 * JavaScript's own printing (1000000000000000, 1.5e-7, 121) is not what the mysql client shows.
 */
export class ServerNumber {
  constructor(
    readonly text: string,
    /** the JSON value: the number, or the text for an integer beyond 2^53 */
    readonly json: number | string,
  ) {}
}

export function parseJsonText(text: string): unknown {
  try {
    return parseJsonExact(text);
  } catch {
    return text; // not JSON after all (a server that lets anything into the column): its text
  }
}

export const sqlCodec: ValueCodec = {
  text(v) {
    if (v === null || v === undefined) return 'NULL';
    if (typeof v === 'string') return v;
    if (v instanceof ServerNumber || v instanceof JsonText) return v.text;
    if (Buffer.isBuffer(v)) return '0x' + v.toString('hex');
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v);
  },
  json(v) {
    if (v === undefined) return null;
    if (v instanceof ServerNumber) return v.json;
    if (v instanceof JsonText) return parseJsonText(v.text);
    if (Buffer.isBuffer(v)) return { $base64: v.toString('base64') };
    if (typeof v === 'bigint') return v.toString();
    return v;
  },
};
