/**
 * `ndjson`: one row / document / element per line — the format for results too big for one JSON value.
 * A 'values' result gives one value per line; a 'map' result one row object (`{"field":…,"value":…}`) per line.
 */
import type { Result, RowsResult } from '../engines/engine.js';
import { jsonText, rowObject } from './json-text.js';
import { columnAt, eachRow } from './row-columns.js';
import type { FormatWriter, WriteContext, WriterIo } from './writer-types.js';

export class NdjsonWriter implements FormatWriter {
  constructor(private readonly io: WriterIo) {}

  async write(result: Result, _ctx: WriteContext): Promise<number> {
    const { out, tagger } = this.io;
    if (result.kind === 'status') {
      await out.push(`${tagger ? tagger.object(result.info) : jsonText(result.info)}\n`);
      await this.io.status.warnings(result.warnings);
      return 0;
    }
    if (result.kind === 'value') {
      const json = result.codec.json(result.value);
      if (!Array.isArray(json)) {
        await out.push(`${this.valueLine(json)}\n`);
        return 1;
      }
      for (const element of json) await out.push(`${this.valueLine(element)}\n`);
      return json.length;
    }
    return this.rows(result);
  }

  /** a value on a line of its own; fan-out: `{"profile":…,"value":…}` */
  private valueLine(json: unknown): string {
    const text = jsonText(json);
    return this.io.tagger ? this.io.tagger.value(text) : text;
  }

  private async rows(result: RowsResult): Promise<number> {
    const { codec } = result;
    const values = result.shape === 'values';
    let count = 0;
    const { out, tagger } = this.io;
    if (values && !tagger && result.jsonLines) {
      for await (const lines of result.jsonLines) {
        count += lines.rows;
        await out.push(lines.text);
      }
      return count;
    }
    await eachRow(result, (row) => {
      count++;
      let line: string;
      if (values) line = this.valueLine(codec.json(columnAt(result, row, 0)));
      else if (tagger) line = tagger.object(rowObject(row, result.columns, codec));
      else line = jsonText(rowObject(row, result.columns, codec));
      // push() returns a promise only when a full chunk went out
      return out.push(`${line}\n`);
    });
    return count;
  }
}
