/**
 * Shows where a parse error is: the offending line and a caret under the column, aligned in a terminal (tabs kept,
 * East Asian wide characters two columns).
 */
import { codePointWidth } from './text-width.js';

const LINE_BREAK = /\r\n?|\n|\u2028|\u2029/;

/**
 *     db.student.find({_id: 123, {name: 1}})
 *                                ^
 * `line` and `column` are 1-based and count in `text`, whose first line is `startLine`. Returns '' when the
 * position is outside `text`.
 */
export function caretAt(text: string, line: number, column: number, startLine = 1): string {
  const row = text.split(LINE_BREAK)[line - startLine];
  if (row === undefined || column < 1) return '';
  let pad = '';
  for (const ch of row.slice(0, column - 1)) pad += ch === '\t' ? '\t' : ' '.repeat(codePointWidth(ch.codePointAt(0)!));
  return `${row}\n${pad}^`;
}
