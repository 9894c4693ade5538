/**
 * Shows where a ParseError is: the offending line of the statement and a caret under the column.
 */
import type { ParseError } from '../errors.js';
import { caretAt } from '../text/caret.js';

/**
 * The line of `text` that `err` points at, and a `^` under its column. `startLine` is the script line `text`
 * starts on (err.line counts script lines). Returns '' when the position is outside `text`.
 */
export function formatParseError(text: string, err: Pick<ParseError, 'line' | 'column'>, startLine = 1): string {
  return caretAt(text, err.line, err.column, startLine);
}
