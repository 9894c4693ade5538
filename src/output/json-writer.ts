/**
 * `json`: each Result is one JSON value on one line, so a script of several statements gives JSON Lines.
 * Result sets are streamed — `[`, the rows joined by `,`, then `]` — never built as one array in memory.
 * No status lines: the JSON line on stdout carries the status; server warnings still go to stderr.
 */
import type { Result, RowsResult } from '../engines/engine.js';
import { jsonText, mapKey, rowObject } from './json-text.js';
import { columnAt, eachRow } from './row-columns.js';
import type { FormatWriter, WriteContext, WriterIo } from './writer-types.js';

export class JsonWriter implements FormatWriter {
  constructor(private readonly io: WriterIo) {}

  async write(result: Result, _ctx: WriteContext): Promise<number> {
    const { tagger } = this.io;
    if (result.kind === 'status') {
      await this.io.out.push(`${tagger ? tagger.object(result.info) : jsonText(result.info)}\n`);
      await this.io.status.warnings(result.warnings);
      return 0;
    }
    if (result.kind === 'value') {
      const text = jsonText(result.codec.json(result.value));
      await this.io.out.push(`${tagger ? tagger.value(text) : text}\n`);
      return 1;
    }
    return this.rows(result);
  }

  private async rows(result: RowsResult): Promise<number> {
    const { out, tagger } = this.io;
    const { codec } = result;
    const shape = result.shape ?? 'objects';
    // fan-out: a list or a map (kv) is one value, tagged as a whole; rows of records each carry the profile
    const wrapped = tagger !== undefined && shape !== 'objects';
    // opened with the first row: a statement that fails before it leaves nothing on stdout
    const open = `${wrapped ? tagger.valueOpening : ''}${shape === 'map' ? '{' : '['}`;
    const close = `${shape === 'map' ? '}' : ']'}${wrapped ? '}' : ''}\n`;
    let count = 0;
    try {
      await eachRow(result, (row) => {
        let piece: string;
        if (shape === 'objects') piece = tagger ? tagger.object(rowObject(row, result.columns, codec)) : jsonText(rowObject(row, result.columns, codec));
        else if (shape === 'values') piece = jsonText(codec.json(columnAt(result, row, 0)));
        else piece = `${jsonText(mapKey(columnAt(result, row, 0), codec))}:${jsonText(codec.json(columnAt(result, row, 1)))}`;
        return out.push(count++ === 0 ? open + piece : `,${piece}`);
      });
    } catch (error) {
      // stdout holds only complete values: the rows written so far are closed as a value (the error says the
      // output is partial), and the next statement's JSON starts on a line of its own
      if (count > 0) await out.push(close);
      throw error;
    }
    await out.push(`${count === 0 ? open : ''}${close}`);
    return count;
  }
}
