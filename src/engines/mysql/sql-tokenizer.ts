/**
 * One statement read as tokens, for the classifier and the hints: the splitter's rules for quotes and comments
 * (sql-splitter.ts), so a WHERE inside a string is never seen.
 */
import { isLineCommentStart, lineEnd, skipQuoted, versionedOpener } from './sql-splitter.js';

export interface SqlToken {
  kind: 'word' | 'ident' | 'string' | 'number' | 'variable' | 'punct';
  /** as written (for `ident` and `string`: with their quotes) */
  text: string;
  start: number;
  end: number;
  /** parenthesis depth the token sits at: `(` and `)` themselves count as outside */
  depth: number;
  /** 1-based line within the text */
  line: number;
  /** no other token before it on its line */
  firstOnLine: boolean;
}

const WORD = /[\p{L}\p{N}_$]/u;

/**
 * Reads one statement as tokens, skipping comments but reading the body of `/*! … *\/` (the server runs it).
 * An unterminated quote just runs to the end: statements reaching here were already split.
 */
export function tokenizeSql(text: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let depth = 0;
  let line = 1;
  let lineOfLastToken = 0;
  let inVersioned = false;
  const push = (kind: SqlToken['kind'], start: number, end: number): void => {
    const t = text.slice(start, end);
    if (t === ')') depth = Math.max(0, depth - 1);
    tokens.push({ kind, text: t, start, end, depth, line, firstOnLine: lineOfLastToken !== line });
    lineOfLastToken = line;
    if (t === '(') depth++;
  };
  const advance = (from: number, to: number): number => {
    for (let k = from; k < to; k++) if (text[k] === '\n') line++;
    return to;
  };

  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === "'" || c === '"' || c === '`') {
      const close = skipQuoted(text, i);
      const stop = close === -1 ? text.length : close;
      push(c === '`' ? 'ident' : 'string', i, stop);
      i = advance(i, stop);
    } else if (isLineCommentStart(text, i)) {
      i = lineEnd(text, i);
    } else if (c === '/' && text[i + 1] === '*' && !inVersioned && versionedOpener(text, i) > 0) {
      inVersioned = true;
      i += versionedOpener(text, i);
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = advance(i, close === -1 ? text.length : close + 2);
    } else if (c === '*' && text[i + 1] === '/' && inVersioned) {
      inVersioned = false;
      i += 2;
    } else if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === '@') {
      let j = i + 1;
      if (text[j] === '@') j++;
      while (j < text.length && (WORD.test(text[j]) || text[j] === '.')) j++;
      push('variable', i, j);
      i = j;
    } else if (WORD.test(c)) {
      let j = i + 1;
      while (j < text.length && WORD.test(text[j])) j++;
      push(/^\d+$/.test(text.slice(i, j)) ? 'number' : 'word', i, j);
      i = j;
    } else {
      push('punct', i, i + 1);
      i++;
    }
  }
  return tokens;
}
