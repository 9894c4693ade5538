/**
 * `vertical` and sql's `\G`: the mysql client's one block per row, names right-aligned.
 * Values are printed as they are, newlines included, as mysql does (SHOW CREATE TABLE\G is read this way).
 * Each row is written as it arrives; documents without declared columns show their own fields.
 */
import type { RowsResult } from '../engines/engine.js';
import { cellText, eachRow, ownColumns } from './row-columns.js';
import { padStartWidth, stringWidth } from '../text/text-width.js';
import type { WriterIo } from './writer-types.js';

const STARS = '*'.repeat(27);

export async function writeVerticalRows(result: RowsResult, io: WriterIo): Promise<number> {
  const { codec, columns: fixed } = result;
  // documents repeat the same field names row after row: measure each name once
  const nameWidths = new Map<string, number>();
  const measure = (name: string): number => {
    let width = nameWidths.get(name);
    if (width === undefined) {
      width = stringWidth(name);
      if (nameWidths.size < 10_000) nameWidths.set(name, width);
    }
    return width;
  };
  const labels = fixed && result.headers?.length === fixed.length ? result.headers : fixed;
  const fixedWidth = labels ? Math.max(0, ...labels.map(measure)) : 0;
  let count = 0;
  // through the engine's chunks when it gives them: a million rows cost a few hundred awaits, not a million
  await eachRow(result, (row) => {
    count++;
    const columns = fixed ?? ownColumns(row, result.pinned);
    const nameWidth = fixed ? fixedWidth : Math.max(0, ...columns.map(measure));
    let block = `${STARS} ${count}. row ${STARS}\n`;
    columns.forEach((name, i) => {
      const label = fixed ? labels![i]! : name;
      block += `${io.bold(padStartWidth(label, nameWidth, measure(label)))}: ${cellText(codec, row[name])}\n`;
    });
    return io.out.push(block);
  });
  return count;
}
