/**
 * An array reply of bulk strings kept as the server's bytes: one buffer and the bounds of each element, no string
 * per element. LRANGE of a million items asks for its ranges this way (RespConnection.sendBulkArray); the ndjson
 * writer then copies each element's bytes between quotes when JSON needs no escape for them (jsonLinesOf), and
 * every other consumer gets the very values the parser would have made (items()).
 */
import { isUtf8 } from 'node:buffer';
import type { Reply } from './resp-types.js';

/** bulk strings at least this long are checked before they are decoded (see bulkString) */
const LARGE_BULK = 64 * 1024;

/**
 * buf.toString('utf8', …) spends half its time in argument checks; Buffer.prototype.utf8Slice (present since
 * Node 0.x, though undocumented) is the call it ends in. Measured: 1,000,000 short values, 250 ms → 130 ms.
 */
type SliceableBuffer = Buffer & { utf8Slice?: (start: number, end: number) => string };
const HAS_UTF8_SLICE = typeof (Buffer.prototype as SliceableBuffer).utf8Slice === 'function';

/**
 * A bulk string's value: text when the bytes are valid UTF-8, else a copy of the bytes. Decoding first and checking
 * only when a U+FFFD shows up keeps the common case to one native call; large values are checked before they are
 * decoded.
 */
export function bulkString(buf: Buffer, start: number, end: number): string | Buffer {
  if (end - start > LARGE_BULK) {
    const view = buf.subarray(start, end);
    return isUtf8(view) ? view.toString('utf8') : Buffer.from(view);
  }
  const text = HAS_UTF8_SLICE ? (buf as SliceableBuffer).utf8Slice!(start, end) : buf.toString('utf8', start, end);
  if (text.indexOf('\uFFFD') < 0 || isUtf8(buf.subarray(start, end))) return text;
  return Buffer.from(buf.subarray(start, end));
}

export class BulkArray {
  constructor(
    /** the elements' bytes, one after another */
    readonly data: Buffer,
    /** element i is data[bounds[2i], bounds[2i + 1]) */
    readonly bounds: Int32Array,
    readonly length: number,
  ) {}

  /** the elements as the parser makes bulk strings: text, or bytes that are not UTF-8 */
  items(): Reply[] {
    const out = new Array<Reply>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = bulkString(this.data, this.bounds[2 * i]!, this.bounds[2 * i + 1]!);
    return out;
  }
}

/** Collects an array's bulk strings as they are parsed. */
export class BulkArrayBuilder {
  private data: Buffer;
  private readonly bounds: Int32Array;
  private filled = 0;
  private count = 0;

  constructor(length: number) {
    this.data = Buffer.allocUnsafe(Math.max(1024, length * 16));
    this.bounds = new Int32Array(length * 2);
  }

  add(src: Buffer, start: number, end: number): void {
    const len = end - start;
    if (this.filled + len > this.data.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.data.length * 2, this.filled + len));
      this.data.copy(grown, 0, 0, this.filled);
      this.data = grown;
    }
    const data = this.data;
    const at = this.filled;
    // a native copy costs more than a loop for the short values lists mostly hold
    if (len < 64) for (let k = 0; k < len; k++) data[at + k] = src[start + k]!;
    else src.copy(data, at, start, end);
    this.bounds[2 * this.count] = at;
    this.bounds[2 * this.count + 1] = at + len;
    this.count++;
    this.filled = at + len;
  }

  /** the elements collected so far, as values (the array turned out to hold something else) */
  items(): Reply[] {
    return this.build().items();
  }

  build(): BulkArray {
    return new BulkArray(this.data.subarray(0, this.filled), this.bounds, this.count);
  }
}

/**
 * The elements as ndjson lines, each what `JSON.stringify(json(value))` + "\n" gives for the value the parser would
 * have made. An element of printable ASCII without `"` and `\`, or of valid UTF-8 without control characters, is
 * its own bytes between quotes (JSON.stringify escapes nothing else in such text); any other goes through `json`.
 */
export function jsonLinesOf(array: BulkArray, json: (value: Reply) => unknown): Buffer {
  const { data, bounds, length } = array;
  let out = Buffer.allocUnsafe(data.length + length * 3 + 16);
  let at = 0;
  const room = (n: number): void => {
    if (at + n <= out.length) return;
    const grown = Buffer.allocUnsafe(Math.max(out.length * 2, at + n));
    out.copy(grown, 0, 0, at);
    out = grown;
  };
  for (let i = 0; i < length; i++) {
    const start = bounds[2 * i]!;
    const end = bounds[2 * i + 1]!;
    room(end - start + 3);
    const o = out;
    o[at] = 0x22;
    let w = at + 1;
    let plain = true;
    let high = false;
    for (let k = start; k < end; k++) {
      const b = data[k]!;
      if (b < 0x20 || b === 0x22 || b === 0x5c) {
        plain = false;
        break;
      }
      if (b >= 0x80) high = true;
      o[w++] = b;
    }
    if (plain && high && !isUtf8(data.subarray(start, end))) plain = false;
    if (plain) {
      o[w] = 0x22;
      o[w + 1] = 0x0a;
      at = w + 2;
      continue;
    }
    const line = `${JSON.stringify(json(bulkString(data, start, end))) ?? 'null'}\n`;
    const n = Buffer.byteLength(line);
    room(n);
    out.write(line, at, n, 'utf8');
    at += n;
  }
  return out.subarray(0, at);
}
