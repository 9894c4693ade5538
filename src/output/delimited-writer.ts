/**
 * `csv` and `tsv`: a header line, then one line per row. Lines end with `\n` (not RFC 4180's CRLF: Unix tools
 * and every CSV reader accept LF, and it matches the other formats).
 * - csv: RFC 4180 quoting — a cell with `,` `"` CR or LF is quoted, its quotes doubled. NULL (and a field a
 *   document lacks) is an empty field and an empty string is `""`, as PostgreSQL's COPY … CSV and Python's csv
 *   module read them: the text `NULL` would be the string 'NULL' to every CSV reader.
 * - tsv: mysql --batch escaping — tab, newline, CR, NUL and backslash become `\t` `\n` `\r` `\0` `\\`.
 * Documents without declared columns get the union of the first window's keys as header (`_id` first); fields
 * first seen after that window cannot join the header and are reported once on stderr.
 */
import type { Result, RowsResult, TextCells, ValueCodec } from '../engines/engine.js';
import { CellLines, csvCell, tsvCell, type CellEncoder } from './delimited-bytes.js';
import { cellText, eachRow, peekColumns, WINDOW_ROWS, type Row } from './row-columns.js';
import type { FormatWriter, WriteContext, WriterIo } from './writer-types.js';
import { writeTextResult } from './text-result.js';

export interface Dialect {
  separator: string;
  escape(cell: string): string;
  /** how NULL / a missing field is written; absent: the engine's text for it (tsv: the mysql client's `NULL`) */
  nullCell?: string;
  /** escape() on a cell's bytes (delimited-bytes.ts), for rows whose cells come as bytes */
  cellBytes: CellEncoder;
}

const CSV_SPECIAL = /[",\r\n]/;

export const CSV: Dialect = {
  separator: ',',
  escape: (cell) => (cell === '' ? '""' : CSV_SPECIAL.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell),
  nullCell: '',
  cellBytes: csvCell,
};

const TSV_SPECIAL = /[\t\n\r\0\\]/;
const TSV_SPECIALS = /[\t\n\r\0\\]/g;
const TSV_ESCAPES: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0', '\\': '\\\\' };

export const TSV: Dialect = {
  separator: '\t',
  escape: (cell) => (TSV_SPECIAL.test(cell) ? cell.replace(TSV_SPECIALS, (c) => TSV_ESCAPES[c]!) : cell),
  cellBytes: tsvCell,
};

export class DelimitedWriter implements FormatWriter {
  constructor(
    private readonly io: WriterIo,
    private readonly dialect: Dialect,
  ) {}

  write(result: Result, ctx: WriteContext): Promise<number> {
    return writeTextResult(this.io, result, ctx, {
      value: async ({ codec, value }) => {
        const elements = Array.isArray(value) ? value : [value];
        let text = '';
        for (const element of elements) text += this.line([this.cell(codec, element)]);
        await this.io.out.pushHeader(this.line(['value']));
        await this.io.out.push(text);
        return elements.length;
      },
      rows: (r) => this.rows(r),
    });
  }

  private async rows(result: RowsResult): Promise<number> {
    if (result.cells && result.columns) return this.cellRows(result, result.cells, result.columns);
    if (result.arrays && result.columns) return this.arrays(result, result.arrays, result.columns);
    const { out } = this.io;
    let columns = result.columns;
    let source: RowsResult = result;
    if (!columns) {
      let rows: AsyncIterable<Row>;
      ({ columns, rows } = await peekColumns(result.rows, result.pinned));
      source = { ...result, rows, chunks: undefined };
    }
    const header = columns;
    // the header goes out with the first row, or at the end of an empty set: a statement that fails before its
    // first row (a function that SIGNALs) leaves nothing on stdout
    const headerLine = this.line(result.headers ?? columns);
    // a document stream that returned nothing has no header to print
    const headerWhenEmpty = result.columns !== undefined || columns.length > 0;
    const known = result.columns ? undefined : new Set(columns);
    const late = new Set<string>();
    let count = 0;
    await eachRow(source, (row) => {
      const line = this.line(header.map((name) => this.cell(result.codec, row[name])));
      if (known) for (const key of Object.keys(row)) if (!known.has(key)) late.add(key);
      if (count++ > 0) return out.push(line);
      return out.pushHeader(headerLine).then(() => out.push(line));
    });
    if (count === 0 && headerWhenEmpty) await out.pushHeader(headerLine);
    if (late.size > 0) {
      await this.io.status.warnings([
        `Warning: fields first seen after row ${WINDOW_ROWS} are not in the header and were left out: ${[...late].join(', ')}`,
      ]);
    }
    return count;
  }

  /**
   * Rows as arrays in the columns' order (sql): each group that arrives becomes one piece of text, the header
   * before the first row, as rows() writes them.
   */
  private async arrays(result: RowsResult, arrays: AsyncIterable<unknown[][]>, columns: string[]): Promise<number> {
    const { out } = this.io;
    const { escape, nullCell, separator } = this.dialect;
    const codec = result.codec;
    const n = columns.length;
    const headerLine = this.line(result.headers ?? columns);
    let count = 0;
    for await (const chunk of arrays) {
      if (chunk.length === 0) continue;
      let text = '';
      for (const row of chunk) {
        for (let i = 0; i < n; i++) {
          const v = row[i];
          if (i > 0) text += separator;
          text += (v === null || v === undefined) && nullCell !== undefined ? nullCell : escape(cellText(codec, v));
        }
        text += '\n';
      }
      if (count === 0) await out.pushHeader(headerLine);
      count += chunk.length;
      const wait = out.push(text);
      if (wait) await wait;
    }
    if (count === 0) await out.pushHeader(headerLine);
    return count;
  }

  /** Rows as bytes (sql): the lines of each group that arrives written as bytes, as arrays() writes them as text. */
  private async cellRows(result: RowsResult, cells: TextCells, columns: string[]): Promise<number> {
    const { out } = this.io;
    const { escape, nullCell, separator, cellBytes } = this.dialect;
    const nullText = nullCell ?? escape(cellText(result.codec, null));
    const lines = new CellLines(columns.length, cells, { separator, cell: cellBytes, escape, nullText });
    const headerLine = this.line(result.headers ?? columns);
    let count = 0;
    for await (const group of cells.chunks) {
      if (group.count === 0) continue;
      const pieces = lines.lines(group);
      if (count === 0) await out.pushHeader(headerLine);
      count += group.count;
      for (const piece of pieces) {
        const wait = out.push(piece);
        if (wait) await wait;
      }
    }
    if (count === 0) await out.pushHeader(headerLine);
    return count;
  }

  /** `undefined` stands for NULL: written as the dialect's nullCell, never escaped (csv's `""` is the empty string) */
  private cell(codec: ValueCodec, value: unknown): string | undefined {
    if ((value === null || value === undefined) && this.dialect.nullCell !== undefined) return undefined;
    return cellText(codec, value);
  }

  private line(cells: readonly (string | undefined)[]): string {
    const { escape, nullCell, separator } = this.dialect;
    return `${cells.map((c) => (c === undefined ? nullCell ?? '' : escape(c))).join(separator)}\n`;
  }
}
