/**
 * Cuts a mongo-shell script into statements (CONTRACT.md: "doc statements end at `;` or at a newline where
 * brackets are balanced"). Pure text work: nothing is parsed as JavaScript here.
 */
import type { Statement } from '../engines/engine.js';
import { ParseError } from '../errors.js';
import { rejectUrlAsStatement } from './doc-hints.js';
import { LineIndex, closerOf, scanTokens, type Token } from './shell-scanner.js';

/**
 * Splits `script` into statements, each with the 1-based line where its first token stands.
 *
 * - `;` ends a statement when no bracket is open; so does a line break, unless the next line starts with `.`
 *   (a chained `.sort()` / `.limit()` on its own line continues the statement, as in mongosh).
 * - Brackets, `;` and line breaks inside strings, template strings, regex literals and comments do not count.
 * - A statement's text runs from its first to its last token: leading and trailing comments are left out,
 *   comments inside it are kept. Statements with no code (blank, comment-only, lone `;`) are dropped.
 *
 * Throws ParseError (line and column in the script) for an unterminated string, template, regex or comment, a
 * closing bracket that matches nothing, and a bracket still open at the end of the script.
 */
export function splitDocScript(script: string): Statement[] {
  rejectUrlAsStatement(script);
  const tokens = scanTokens(script);
  let lines: LineIndex | undefined;
  const where = (offset: number): { line: number; column: number } => (lines ??= new LineIndex(script)).position(offset);

  const statements: Statement[] = [];
  const open: Token[] = [];
  let first: Token | undefined;
  let last: Token | undefined;
  const finish = (): void => {
    if (first && last) statements.push({ text: script.slice(first.start, last.end), line: where(first.start).line });
    first = last = undefined;
  };

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type === 'comment') continue;
    if (t.type === 'newline') {
      if (open.length === 0 && !continuesOnNextLine(script, tokens, i)) finish();
      continue;
    }
    if (t.type === 'semi' && open.length === 0) {
      finish();
      continue;
    }
    if (t.type === 'open') open.push(t);
    else if (t.type === 'close') {
      const opener = open.pop();
      const closer = script[t.start]!;
      if (!opener) {
        const at = where(t.start);
        throw new ParseError(`unexpected '${closer}': no bracket is open here`, at.line, at.column, { engine: 'doc' });
      }
      const expected = closerOf(script[opener.start]!);
      if (expected !== closer) {
        const at = where(t.start);
        const from = where(opener.start);
        throw new ParseError(
          `unexpected '${closer}': the '${script[opener.start]}' at line ${from.line}, column ${from.column} needs '${expected}' first`,
          at.line,
          at.column,
          { engine: 'doc' },
        );
      }
    }
    first ??= t;
    last = t;
  }
  const unclosed = open.pop();
  if (unclosed) {
    const at = where(unclosed.start);
    const bracket = script[unclosed.start]!;
    throw new ParseError(`'${bracket}' is never closed: '${closerOf(bracket)}' is missing`, at.line, at.column, {
      engine: 'doc',
    });
  }
  finish();
  return statements;
}

/** Whether the next code after the line break at `i` is a `.` member access (not a number like `.5`). */
function continuesOnNextLine(script: string, tokens: Token[], i: number): boolean {
  for (let j = i + 1; j < tokens.length; j++) {
    const t = tokens[j]!;
    if (t.type === 'comment' || t.type === 'newline') continue;
    if (t.type !== 'punct' || script[t.start] !== '.') return false;
    const next = script.charCodeAt(t.end);
    return !(next >= 48 && next <= 57);
  }
  return false;
}
