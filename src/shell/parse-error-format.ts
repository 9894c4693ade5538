/**
 * Shows where a ParseError is: the offending line of the statement and a caret under the column.
 */
import type { ParseError } from '../errors.js';

const LINE_BREAK = /\r\n?|\n|\u2028|\u2029/;

/**
 * The line of `text` that `err` points at, and a `^` under its column:
 *
 *     db.student.find({_id: 123, {name: 1}})
 *                                ^
 *
 * `startLine` is the script line `text` starts on (err.line counts script lines). Tabs are kept in the padding
 * and East Asian wide characters count two columns, so the caret lines up in a terminal. Returns '' when the
 * position is outside `text`.
 */
export function formatParseError(text: string, err: Pick<ParseError, 'line' | 'column'>, startLine = 1): string {
  const lines = text.split(LINE_BREAK);
  const line = lines[err.line - startLine];
  if (line === undefined || err.column < 1) return '';
  let pad = '';
  for (const ch of line.slice(0, err.column - 1)) pad += ch === '\t' ? '\t' : isWide(ch.codePointAt(0)!) ? '  ' : ' ';
  return `${line}\n${pad}^`;
}

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}
