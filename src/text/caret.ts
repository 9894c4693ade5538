/**
 * Shows where a parse error is: the offending line and a caret under the column, aligned in a terminal (tabs kept,
 * East Asian wide characters two columns).
 */
import { codePointWidth } from './text-width.js';

const LINE_BREAK = /\r\n?|\n|\u2028|\u2029/;
/** characters of a line shown whole; a longer one is cut to CONTEXT on each side of the column */
const WIDE_LINE = 200;
const CONTEXT = 60;

/**
 *     db.student.find({_id: 123, {name: 1}})
 *                                ^
 * `line` and `column` are 1-based and count in `text`, whose first line is `startLine`. Returns '' when the
 * position is outside `text`.
 */
export function caretAt(text: string, line: number, column: number, startLine = 1): string {
  let row = text.split(LINE_BREAK)[line - startLine];
  if (row === undefined || column < 1) return '';
  // a line of a megabyte (a statement nested 50,000 deep, a huge literal) is shown around the column only
  if (row.length > WIDE_LINE) {
    const from = Math.max(0, column - 1 - CONTEXT);
    const to = Math.min(row.length, column - 1 + CONTEXT);
    const head = from > 0 ? '…' : '';
    row = head + row.slice(from, to) + (to < row.length ? '…' : '');
    column = column - from + head.length;
  }
  let pad = '';
  for (const ch of row.slice(0, column - 1)) pad += ch === '\t' ? '\t' : ' '.repeat(codePointWidth(ch.codePointAt(0)!));
  return `${row}\n${pad}^`;
}
