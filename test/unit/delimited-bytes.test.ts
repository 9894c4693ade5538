/**
 * csv and tsv lines written from cell bytes (src/output/delimited-bytes.ts) against the same lines written from the
 * cells' text by the dialects' own escape(): random rows of specials, non-ASCII, invalid UTF-8, NULLs, cells whose
 * length takes 1, 2, 3 or 8 bytes, and enough of them to fill several buffers.
 */
import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import type { CellRows, TextCells } from '../../src/engines/engine.js';
import { CellLines } from '../../src/output/delimited-bytes.js';
import { CSV, TSV, type Dialect } from '../../src/output/delimited-writer.js';

/** a length-coded string (MySQL's text protocol), or NULL */
function lengthCoded(cell: Buffer | null, eightBytes = false): Buffer {
  if (cell === null) return Buffer.from([0xfb]);
  const n = cell.length;
  let head: Buffer;
  if (eightBytes) {
    head = Buffer.alloc(9);
    head[0] = 0xfe;
    head.writeUInt32LE(n, 1);
  } else if (n < 251) {
    head = Buffer.from([n]);
  } else if (n < 0x10000) {
    head = Buffer.from([0xfc, n & 0xff, n >> 8]);
  } else {
    head = Buffer.from([0xfd, n & 0xff, (n >> 8) & 0xff, n >> 16]);
  }
  return Buffer.concat([head, cell]);
}

/** rows in one buffer, each after a 4-byte packet header, as the driver's packets lie in a socket chunk */
function cellRows(rows: Array<Array<Buffer | null>>, eightBytes = false): CellRows {
  const buffers: Buffer[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const parts: Buffer[] = [];
  let at = 0;
  for (const row of rows) {
    const payload = Buffer.concat(row.map((c) => lengthCoded(c, eightBytes)));
    parts.push(Buffer.alloc(4), payload);
    starts.push(at + 4);
    at += 4 + payload.length;
    ends.push(at);
  }
  const chunk = Buffer.concat(parts);
  for (let i = 0; i < rows.length; i++) buffers.push(chunk);
  return { count: rows.length, buffers, starts, ends };
}

const decode = (utf8: readonly boolean[]) => (column: number, bytes: Uint8Array, start: number, end: number) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString(utf8[column] ? 'utf8' : 'ascii', start, end);

/** the lines as the writer makes them from strings */
function expected(rows: Array<Array<Buffer | null>>, dialect: Dialect, utf8: readonly boolean[]): Buffer {
  const text = decode(utf8);
  let out = '';
  for (const row of rows) {
    out += row
      .map((cell, i) => (cell === null ? dialect.nullCell ?? dialect.escape('NULL') : dialect.escape(text(i, cell, 0, cell.length))))
      .join(dialect.separator);
    out += '\n';
  }
  return Buffer.from(out, 'utf8');
}

function written(groups: Array<Array<Array<Buffer | null>>>, dialect: Dialect, utf8: readonly boolean[], eightBytes = false): Buffer {
  const cells: TextCells = { chunks: (async function* () {})(), utf8, text: decode(utf8) };
  const lines = new CellLines(utf8.length, cells, {
    separator: dialect.separator,
    cell: dialect.cellBytes,
    escape: dialect.escape,
    nullText: dialect.nullCell ?? dialect.escape('NULL'),
  });
  return Buffer.concat(groups.flatMap((rows) => lines.lines(cellRows(rows, eightBytes))));
}

/** xorshift: the same rows every run */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

const PIECES = [
  'a', 'Z', '0', ' ', '\t', '\n', '\r', '\0', '\\', '"', ',', 'NULL', 'é', '王', '😀', '\u{fffe}',
].map((s) => Buffer.from(s, 'utf8'));
const INVALID = [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xc0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]].map((b) => Buffer.from(b));

function randomRows(next: () => number, n: number, columns: number, invalid: boolean): Array<Array<Buffer | null>> {
  const rows: Array<Array<Buffer | null>> = [];
  for (let r = 0; r < n; r++) {
    const row: Array<Buffer | null> = [];
    for (let c = 0; c < columns; c++) {
      const kind = next();
      if (kind < 0.1) {
        row.push(null);
        continue;
      }
      const size = kind < 0.97 ? Math.floor(next() * 12) : 200 + Math.floor(next() * 400);
      const parts: Buffer[] = [];
      for (let i = 0; i < size; i++) {
        const p = next();
        parts.push(invalid && p < 0.05 ? INVALID[Math.floor(next() * INVALID.length)]! : PIECES[Math.floor(next() * PIECES.length)]!);
      }
      // now and then a cell past 64 KiB (a 3-byte length): the same pieces many times
      const cell = Buffer.concat(parts);
      row.push(kind > 0.997 && cell.length > 0 ? Buffer.concat(Array.from({ length: Math.ceil(70_000 / cell.length) }, () => cell)) : cell);
    }
    rows.push(row);
  }
  return rows;
}

describe('csv and tsv lines from cell bytes', () => {
  for (const [name, dialect] of [['tsv', TSV], ['csv', CSV]] as const) {
    test(`${name}: the same bytes as escape() of the text, valid and invalid UTF-8, UTF-8 and ASCII columns`, () => {
      const next = random(name === 'tsv' ? 12345 : 54321);
      const utf8 = [true, false, true, true, false];
      for (const invalid of [false, true]) {
        const groups = Array.from({ length: 40 }, () => randomRows(next, 1 + Math.floor(next() * 200), utf8.length, invalid));
        assert.ok(written(groups, dialect, utf8).equals(Buffer.concat(groups.map((rows) => expected(rows, dialect, utf8)))));
      }
    });

    test(`${name}: empty cells, NULL, and lengths in 2, 3 and 8 bytes`, () => {
      const rows = [
        [Buffer.alloc(0), null, Buffer.from('x')],
        [Buffer.alloc(300, 'a'), Buffer.alloc(70_000, '\t'), Buffer.from('"')],
      ];
      const utf8 = [true, true, true];
      assert.ok(written([rows], dialect, utf8).equals(expected(rows, dialect, utf8)));
      assert.ok(written([rows], dialect, utf8, true).equals(expected(rows, dialect, utf8)));
    });

    test(`${name}: rows that do not fit what is left of the buffer, and a row larger than one`, () => {
      const rows: Array<Array<Buffer | null>> = Array.from({ length: 3000 }, (_, i) => [Buffer.alloc(900, i % 2 ? 'y' : '\\'), Buffer.from(String(i))]);
      rows.push([Buffer.alloc(3 << 20, '"'), null]);
      const utf8 = [true, false];
      assert.ok(written([rows.slice(0, 1500), rows.slice(1500)], dialect, utf8).equals(expected(rows, dialect, utf8)));
    });
  }
});
