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
    const { out } = this.io;
    if (result.kind === 'status') {
      await out.push(`${jsonText(result.info)}\n`);
      await this.io.status.warnings(result.warnings);
      return 0;
    }
    if (result.kind === 'value') {
      const json = result.codec.json(result.value);
      if (!Array.isArray(json)) {
        await out.push(`${jsonText(json)}\n`);
        return 1;
      }
      for (const element of json) await out.push(`${jsonText(element)}\n`);
      return json.length;
    }
    return this.rows(result);
  }

  private async rows(result: RowsResult): Promise<number> {
    const { codec } = result;
    const values = result.shape === 'values';
    let count = 0;
    const { out } = this.io;
    await eachRow(result, (row) => {
      count++;
      const json = values ? codec.json(columnAt(result, row, 0)) : rowObject(row, result.columns, codec);
      // push() returns a promise only when a full chunk went out
      return out.push(`${jsonText(json)}\n`);
    });
    return count;
  }
}
