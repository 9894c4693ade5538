/**
 * csv and tsv lines written from cells that are bytes (RowsResult.cells: sql's text protocol rows as they came):
 * the escaping of delimited-writer.ts's dialects done on the bytes, into large buffers, with no string per value.
 * A cell that is not plain ASCII (nor valid UTF-8 where its column says UTF-8 is its text) goes through its text
 * and the dialect's own escape(), so that every cell is what the line of strings would have been.
 */
import { isUtf8 } from 'node:buffer';
import type { CellRows, TextCells } from '../engines/engine.js';

/**
 * Writes one cell's bytes escaped into `out` at `at`; returns where it ended, or -1 on a byte over 0x7F when `high`
 * is false (the caller then decides how that cell is written).
 */
export type CellEncoder = (src: Uint8Array, start: number, end: number, out: Uint8Array, at: number, high: boolean) => number;

const HIGH = 1;

/** tsv (mysql --batch): tab, LF, CR, NUL and backslash become `\t` `\n` `\r` `\0` `\\`; 0: as it is */
const TSV_CLASS = new Uint8Array(256);
TSV_CLASS.fill(HIGH, 0x80);
TSV_CLASS[0x09] = 0x74; // t
TSV_CLASS[0x0a] = 0x6e; // n
TSV_CLASS[0x0d] = 0x72; // r
TSV_CLASS[0x00] = 0x30; // 0
TSV_CLASS[0x5c] = 0x5c; // backslash

export const tsvCell: CellEncoder = (src, start, end, out, at, high) => {
  for (let i = start; i < end; i++) {
    const c = src[i]!;
    const x = TSV_CLASS[c]!;
    if (x === 0) {
      out[at++] = c;
    } else if (x === HIGH) {
      if (!high) return -1;
      out[at++] = c;
    } else {
      out[at++] = 0x5c;
      out[at++] = x;
    }
  }
  return at;
};

const QUOTE = 0x22;
/** csv (RFC 4180): a cell with `"` `,` CR or LF is quoted, its quotes doubled; the empty string is `""` */
const CSV_CLASS = new Uint8Array(256);
CSV_CLASS.fill(HIGH, 0x80);
const CSV_QUOTED = 2;
for (const c of [QUOTE, 0x2c, 0x0d, 0x0a]) CSV_CLASS[c] = CSV_QUOTED;

function csvQuoted(src: Uint8Array, start: number, end: number, out: Uint8Array, at: number, high: boolean): number {
  out[at++] = QUOTE;
  for (let i = start; i < end; i++) {
    const c = src[i]!;
    if (c === QUOTE) out[at++] = QUOTE;
    else if (c >= 0x80 && !high) return -1;
    out[at++] = c;
  }
  out[at++] = QUOTE;
  return at;
}

export const csvCell: CellEncoder = (src, start, end, out, at, high) => {
  if (start === end) {
    out[at++] = QUOTE;
    out[at++] = QUOTE;
    return at;
  }
  const from = at;
  for (let i = start; i < end; i++) {
    const c = src[i]!;
    const x = CSV_CLASS[c]!;
    if (x === 0) {
      out[at++] = c;
    } else if (x === HIGH) {
      if (!high) return -1;
      out[at++] = c;
    } else {
      return csvQuoted(src, start, end, out, from, high);
    }
  }
  return at;
};

export interface ByteDialect {
  /** one ASCII character */
  separator: string;
  cell: CellEncoder;
  /** the dialect's escape of a cell's text (for the cells that go through their text) */
  escape(text: string): string;
  /** NULL as written: the dialect's null cell, or the escaped text of null */
  nullText: string;
}

/** a fresh buffer holds this much, or a row's bound if that is more */
const BUFFER_BYTES = 1 << 20;

/** Encodes groups of cell rows as lines, into buffers of BUFFER_BYTES that successive groups fill in turn. */
export class CellLines {
  private out: Buffer = Buffer.alloc(0);
  private at = 0;
  private readonly separator: number;
  private readonly nullBytes: Buffer;

  constructor(
    private readonly columns: number,
    private readonly cells: TextCells,
    private readonly dialect: ByteDialect,
  ) {
    this.separator = dialect.separator.charCodeAt(0);
    this.nullBytes = Buffer.from(dialect.nullText, 'utf8');
  }

  /** The lines of a group's rows: one piece, or more when a buffer filled up on the way. */
  lines(rows: CellRows): Uint8Array[] {
    const pieces: Uint8Array[] = [];
    const { columns, separator, nullBytes } = this;
    const { buffers, starts, ends } = rows;
    const cellOf = this.dialect.cell;
    // per cell at most 3 bytes per byte (a `\\` escape is 2, an invalid UTF-8 byte becomes U+FFFD's 3) and a quote
    // pair, NULL's text or a separator; the cell's own length byte is not written
    const perColumn = Math.max(2, nullBytes.length) + 1;
    let from = this.at;
    for (let r = 0; r < rows.count; r++) {
      const src = buffers[r]!;
      let p = starts[r]!;
      const end = ends[r]!;
      const bound = 3 * (end - p) + columns * perColumn + 1;
      if (this.at + bound > this.out.length) {
        if (this.at > from) pieces.push(this.out.subarray(from, this.at));
        this.out = Buffer.allocUnsafe(Math.max(BUFFER_BYTES, bound));
        this.at = from = 0;
      }
      const out = this.out;
      let at = this.at;
      for (let c = 0; c < columns; c++) {
        if (c > 0) out[at++] = separator;
        let len = src[p++]!;
        if (len === 0xfb) {
          for (let i = 0; i < nullBytes.length; i++) out[at++] = nullBytes[i]!;
          continue;
        }
        if (len >= 0xfc) {
          if (len === 0xfc) {
            len = src[p]! | (src[p + 1]! << 8);
            p += 2;
          } else if (len === 0xfd) {
            len = src[p]! | (src[p + 1]! << 8) | (src[p + 2]! << 16);
            p += 3;
          } else {
            len = src[p]! + src[p + 1]! * 0x100 + src[p + 2]! * 0x10000 + src[p + 3]! * 0x1000000 + src[p + 4]! * 0x100000000;
            p += 8;
          }
        }
        const next = cellOf(src, p, p + len, out, at, false);
        at = next >= 0 ? next : this.unusual(c, src, p, p + len, at);
        p += len;
      }
      out[at++] = 0x0a;
      this.at = at;
    }
    if (this.at > from) pieces.push(this.out.subarray(from, this.at));
    return pieces;
  }

  /** A cell with bytes over 0x7F: as they are if they are its text (valid UTF-8 in a UTF-8 column), else its text. */
  private unusual(column: number, src: Uint8Array, start: number, end: number, at: number): number {
    if (this.cells.utf8[column] && isUtf8(src.subarray(start, end))) return this.dialect.cell(src, start, end, this.out, at, true);
    const text = this.dialect.escape(this.cells.text(column, src, start, end));
    return at + this.out.write(text, at, 'utf8');
  }
}
