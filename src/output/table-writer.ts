/**
 * `table`: the mysql client's box. Column widths come from a first window of rows; later rows are printed with
 * those widths as they arrive (a wider cell just widens its own line), so memory holds one window at most.
 * Also prints a lone value as the engine's own CLI does, and status lines; `\G` and `--format vertical`
 * hand the rows to vertical-writer.ts.
 */
import type { Result, RowsResult, ValueCodec, ValueResult } from '../engines/engine.js';
import { addKeys, cellText, eachRow, WINDOW_ROWS, type Row } from './row-columns.js';
import { escapeTerminalControls, hexEscape } from '../text/terminal-text.js';
import { padEndWidth, padStartWidth, stringWidth } from '../text/text-width.js';
import { writeVerticalRows } from './vertical-writer.js';
import type { FormatWriter, WriteContext, WriterIo } from './writer-types.js';
import { writeTextResult } from './text-result.js';

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Newlines and tabs would break the box and escape sequences would drive the terminal: show them escaped. */
export function escapeControls(text: string): string {
  return escapeTerminalControls(text, (c) => NAMED[c] ?? hexEscape(c));
}

interface Layout {
  widths: number[];
  /** right-aligned, as mysql does for numeric columns */
  numeric: boolean[];
  columns: string[];
  border: string;
}

/** A plain object (a document), not an array, a class instance (a kv reply) nor a typed value (bson's carry _bsontype). */
function isDocument(value: unknown): value is Row {
  if (typeof value !== 'object' || value === null || '_bsontype' in value) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

async function* oneRow(row: Row): AsyncGenerator<Row> {
  yield row;
}

export class TableWriter implements FormatWriter {
  constructor(
    private readonly io: WriterIo,
    /** --format vertical: every result set as `\G` */
    private readonly alwaysVertical: boolean,
  ) {}

  write(result: Result, ctx: WriteContext): Promise<number> {
    return writeTextResult(this.io, result, ctx, {
      value: async (r) => {
        // --format vertical: a single document (findOne, a write's result) is one block, as a row would be
        if (this.alwaysVertical && isDocument(r.value)) {
          await writeVerticalRows({ kind: 'rows', rows: oneRow(r.value), codec: r.codec }, this.io);
          return 1;
        }
        await this.io.out.push(this.valueText(r));
        return 1;
      },
      rows: (r) => (this.alwaysVertical || ctx.vertical ? writeVerticalRows(r, this.io) : this.rows(r)),
    });
  }

  valueText({ codec, value }: ValueResult): string {
    return `${codec.display ? codec.display(value) : codec.text(value)}\n`;
  }

  /** RowsResult.display: each row as its own block, one after another (mongo's `.pretty()`) */
  private async blocks(result: RowsResult, display: (row: Row) => string): Promise<number> {
    let count = 0;
    await eachRow(result, (row) => {
      count++;
      return this.io.out.push(`${display(row)}\n`);
    });
    return count;
  }

  private async rows(result: RowsResult): Promise<number> {
    if (result.display) return this.blocks(result, result.display);
    const { out } = this.io;
    const fixed = result.columns;
    const columns = fixed ? [...fixed] : [];
    const seen = new Set(columns);
    let window: Row[] = [];
    let layout: Layout | undefined;
    let count = 0;
    // a live stream is sized from its first row, so that each message shows when it arrives
    const windowRows = result.live ? 1 : WINDOW_ROWS;
    try {
      for await (const row of result.rows) {
        count++;
        if (!layout) {
          if (!fixed) addKeys(columns, seen, row, result.pinned);
          window.push(row);
          if (window.length >= windowRows) {
            layout = await this.open(result, columns, window);
            window = [];
          }
        } else if (!fixed && addKeys(columns, seen, row, result.pinned)) {
          // a document with a field the header lacks: close this box and start another with the wider header
          await out.push(`${layout.border}\n`);
          layout = undefined;
          window.push(row);
        } else {
          await out.push(this.line(layout, result.codec, row));
        }
      }
    } catch (error) {
      // a box that was started is closed (the error says the output is partial); the rows of a window not yet
      // printed are dropped with it
      if (layout) await out.push(`${layout.border}\n`);
      throw error;
    }
    if (window.length > 0) layout = await this.open(result, columns, window);
    if (layout) await out.push(`${layout.border}\n`);
    return count;
  }

  /** Sizes the columns from the window, then prints the top border, the header and the window's rows. */
  private async open(result: RowsResult, columnList: string[], window: Row[]): Promise<Layout | undefined> {
    if (columnList.length === 0) return undefined;
    const columns = [...columnList];
    const names = (result.headers && result.headers.length === columns.length ? result.headers : columns).map(escapeControls);
    const widths = names.map((name) => (result.headless ? 0 : stringWidth(name)));
    // mysql right-aligns numeric columns: here, columns whose non-NULL cells in the window are all numbers
    const hasNumber = columns.map(() => false);
    const hasOther = columns.map(() => false);
    const texts: string[][] = [];
    const textWidths: number[][] = [];
    for (const row of window) {
      const cells: string[] = [];
      const cellWidths: number[] = [];
      columns.forEach((name, i) => {
        const value = row[name];
        if (typeof value === 'number' || typeof value === 'bigint') hasNumber[i] = true;
        else if (value !== null && value !== undefined) hasOther[i] = true;
        const text = escapeControls(cellText(result.codec, value));
        const width = stringWidth(text);
        cells.push(text);
        cellWidths.push(width);
        if (width > widths[i]!) widths[i] = width;
      });
      texts.push(cells);
      textWidths.push(cellWidths);
    }
    const layout: Layout = {
      columns,
      widths,
      // a live stream's first row says nothing about the rows to come
      numeric: columns.map((_, i) => result.numeric?.[i] ?? (!result.live && hasNumber[i]! && !hasOther[i]!)),
      border: `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`,
    };
    const { out, bold } = this.io;
    await out.push(`${layout.border}\n`);
    if (!result.headless) {
      const header = names.map((name, i) => bold(padEndWidth(name, widths[i]!)));
      await out.push(`| ${header.join(' | ')} |\n${layout.border}\n`);
    }
    for (let r = 0; r < texts.length; r++) await out.push(this.render(layout, texts[r]!, textWidths[r]!));
    return layout;
  }

  private line(layout: Layout, codec: ValueCodec, row: Row): string {
    const texts = layout.columns.map((name) => escapeControls(cellText(codec, row[name])));
    return this.render(layout, texts, texts.map(stringWidth));
  }

  private render(layout: Layout, texts: string[], widths: number[]): string {
    const cells = texts.map((text, i) =>
      layout.numeric[i]
        ? padStartWidth(text, layout.widths[i]!, widths[i])
        : padEndWidth(text, layout.widths[i]!, widths[i]),
    );
    return `| ${cells.join(' | ')} |\n`;
  }
}
