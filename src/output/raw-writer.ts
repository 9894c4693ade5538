/**
 * `raw`: like `redis-cli --raw` — bare values, no quotes, no header, no escaping.
 * A lone value uses the codec's raw rendering; rows print their cells tab-separated, a 'values' result one value
 * per line, a 'map' result field and value on lines of their own (as redis-cli --raw prints HGETALL).
 */
import type { Result, RowsResult, ValueCodec, ValueResult } from '../engines/engine.js';
import { columnAt, eachRow } from './row-columns.js';
import type { FormatWriter, WriteContext, WriterIo } from './writer-types.js';
import { writeTextResult } from './text-result.js';

function rawText(codec: ValueCodec, value: unknown): string {
  if (value === undefined) return '';
  return codec.raw ? codec.raw(value) : codec.text(value);
}

export class RawWriter implements FormatWriter {
  constructor(private readonly io: WriterIo) {}

  write(result: Result, ctx: WriteContext): Promise<number> {
    return writeTextResult(this.io, result, ctx, {
      value: async (r) => {
        await this.io.out.push(this.valueText(r));
        return 1;
      },
      rows: (r) => this.rows(r),
    });
  }

  valueText(result: ValueResult): string {
    return `${rawText(result.codec, result.value)}\n`;
  }

  private async rows(result: RowsResult): Promise<number> {
    const { codec } = result;
    let count = 0;
    await eachRow(result, (row) => {
      let text: string;
      if (result.shape === 'values') text = rawText(codec, columnAt(result, row, 0));
      else if (result.shape === 'map') {
        text = `${rawText(codec, columnAt(result, row, 0))}\n${rawText(codec, columnAt(result, row, 1))}`;
      } else text = (result.columns ?? Object.keys(row)).map((name) => rawText(codec, row[name])).join('\t');
      count++;
      return this.io.out.push(`${text}\n`);
    });
    return count;
  }
}
