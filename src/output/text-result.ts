/**
 * What the text formats (table, vertical, raw, csv, tsv) do alike: a StatusResult is status lines on stderr, a
 * RowsResult is followed by its summary line. Each format supplies only how it prints a value and rows.
 */
import type { Result, RowsResult, ValueResult } from '../engines/engine.js';
import type { WriteContext, WriterIo } from './writer-types.js';

export interface TextParts {
  value(result: ValueResult): Promise<number>;
  rows(result: RowsResult): Promise<number>;
}

export async function writeTextResult(io: WriterIo, result: Result, ctx: WriteContext, parts: TextParts): Promise<number> {
  if (result.kind === 'status') {
    await io.status.status(result, ctx.seconds);
    return 0;
  }
  if (result.kind === 'value') return parts.value(result);
  const count = await parts.rows(result);
  await io.status.summary(result.summary, count, ctx.seconds);
  return count;
}
