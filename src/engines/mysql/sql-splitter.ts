/**
 * The lexical rules of MySQL scripts, as the mysql client applies them: cutting a script into statements
 * (splitSql). Reading one statement as tokens (sql-tokenizer.ts) shares the rules for quotes and comments kept here,
 * so a `;` or a WHERE inside a string is never seen.
 */
import type { Statement } from '../engine.js';
import { ParseError } from '../../errors.js';

/**
 * Index just past the quote that closes the one opening at `i`, or -1 when it never closes. Under the server's
 * NO_BACKSLASH_ESCAPES a backslash is a plain character (`'a\'` is a whole string).
 */
export function skipQuoted(text: string, i: number, noBackslashEscapes = false): number {
  const quote = text[i];
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j];
    // backticks have no backslash escapes; '' "" `` double up in all three
    if (c === '\\' && quote !== '`' && !noBackslashEscapes) j++;
    else if (c === quote) {
      if (text[j + 1] === quote) j++;
      else return j + 1;
    }
  }
  return -1;
}

/** `--` starts a comment only when followed by whitespace or the end, as MySQL requires (`1--1` is arithmetic). */
function isDashComment(text: string, i: number): boolean {
  if (text[i] !== '-' || text[i + 1] !== '-') return false;
  const after = text[i + 2];
  return after === undefined || after === ' ' || after === '\t' || after === '\n' || after === '\r';
}

/** Length of the opener of a versioned comment (`/*!50003`, `/*M!100100`) at `i`: its body is SQL. 0 = none. */
export function versionedOpener(text: string, i: number): number {
  const m = /^\/\*M?!\d*/.exec(text.slice(i, i + 12));
  return m ? m[0].length : 0;
}

export function isLineCommentStart(text: string, i: number): boolean {
  return text[i] === '#' || isDashComment(text, i);
}

export function lineEnd(text: string, i: number): number {
  const nl = text.indexOf('\n', i);
  return nl === -1 ? text.length : nl;
}

/**
 * 1-based line and column (in characters, so CJK text counts one per character) of offsets in a text. The line is a
 * binary search; the column, which costs a pass over its line, is counted only when asked for (an error): counting
 * it for every statement made a long one-line script (`dbx sql "…; …; …"`) quadratic.
 */
function positions(text: string): { line(offset: number): number; at(offset: number): { line: number; column: number } } {
  const starts = [0];
  for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', nl + 1)) starts.push(nl + 1);
  const index = (offset: number): number => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  return {
    line: (offset) => index(offset) + 1,
    at: (offset) => {
      const lo = index(offset);
      return { line: lo + 1, column: Array.from(text.slice(starts[lo], offset)).length + 1 };
    },
  };
}

/** JavaScript's \s: the ASCII ones answered without a regular expression (the splitter asks for every character) */
function isSpace(code: number): boolean {
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return /\s/.test(String.fromCharCode(code));
}

/**
 * ASCII characters that can start nothing the splitter looks for: not a space, quote, backslash, comment opener
 * (`#`, `-`, `/`), `*` (of `*\/`) or the delimiter's first character. A run of them is one token: the splitter
 * takes it at once rather than character by character (a long INSERT script is mostly such runs).
 */
function plainRunEnd(text: string, i: number, delimiterCode: number): number {
  let j = i;
  for (; j < text.length; j++) {
    const code = text.charCodeAt(j);
    if (code <= 32 || code >= 127 || code === delimiterCode) break;
    // " # ' * - / \ `
    if (code === 34 || code === 35 || code === 39 || code === 42 || code === 45 || code === 47 || code === 92 || code === 96) break;
  }
  return j;
}

const DELIMITER_COMMAND = /^delimiter(?=[ \t]|\r?\n|$)/i;
/** `use db` alone on its line: a mysql client command that, like DELIMITER, needs no delimiter in a script */
const USE_LINE = /^use[ \t]+(?:`(?:[^`\n]|``)+`|[^\s;`'"#]+)(?=[ \t]*\r?\n)/i;

/** `SET [SESSION] sql_mode = '…'` with a literal value: what it does to backslashes, read before the server says. */
const SET_SQL_MODE = /^set\s+(?:(?:session|local)\s+|@@(?:session\.|local\.)?)?sql_mode\s*:?=\s*(['"])([^'"]*)\1\s*$/i;

export interface SplitOptions {
  /** the server's NO_BACKSLASH_ESCAPES status when the script starts (a backslash in a string is then a plain character) */
  noBackslashEscapes?: boolean;
  /** split from here (a Statement's `resume`), as when the server's mode changed after that statement */
  resume?: { offset: number; delimiter: string };
}

/** How the script is read from a statement on: a Statement's `resume` when its splitter is this one. */
export interface SqlResume {
  offset: number;
  delimiter: string;
  /** the backslash mode the splitter read the rest with */
  noBackslashEscapes: boolean;
}

/**
 * Cuts a script into statements the way the mysql client does: at the delimiter (`;` unless DELIMITER changed it),
 * `\G` (vertical) or `\g`, never inside quotes or comments. A last statement without delimiter still counts.
 * The text of each statement runs from its first token to its last: leading and trailing comments are left out
 * (a trailing `-- note` could otherwise swallow anything appended later), inner comments and `/*! … *\/` stay.
 * Strings follow the server's NO_BACKSLASH_ESCAPES as the mysql client does: from the options, and after a
 * statement that sets sql_mode to a literal value; the engine splits the rest again when the server's status
 * after a statement says otherwise.
 */
export function splitSql(script: string, options: SplitOptions = {}): Statement[] {
  return splitSqlInto([], script, options);
}

/**
 * splitSql, pushing each statement into `statements` as it is cut: when the rest of the script cannot be read (an
 * unterminated quote), the statements before it are there for the caller.
 */
export function splitSqlInto(statements: Statement[], script: string, options: SplitOptions = {}): Statement[] {
  const text = script.startsWith('\uFEFF') ? ' ' + script.slice(1) : script;
  const where = positions(text);
  const at = where.at;
  let delimiter = options.resume?.delimiter ?? ';';
  let noBackslash = options.noBackslashEscapes ?? false;
  let start = -1; // first token of the current statement
  let end = -1; // just past its last token
  let versionedFrom = -1; // inside /*! … */ since this offset: its body is SQL, but not a place to split

  const token = (from: number, to: number): void => {
    if (start === -1) start = from;
    end = to;
  };
  const emit = (vertical: boolean, after: number): void => {
    if (start !== -1) {
      const stmt: Statement = { text: text.slice(start, end), line: where.line(start) };
      if (vertical) stmt.vertical = true;
      const mode = SET_SQL_MODE.exec(stmt.text);
      if (mode) noBackslash = /no_backslash_escapes/i.test(mode[2]!);
      const resume: SqlResume = { offset: after, delimiter, noBackslashEscapes: noBackslash };
      stmt.resume = resume;
      statements.push(stmt);
    }
    start = -1;
    end = -1;
  };
  const fail = (what: string, opener: string, offset: number, hint: string): never => {
    const { line, column } = at(offset);
    const statement = text.slice(start === -1 ? offset : start).trim();
    throw new ParseError(`unterminated ${what} ${opener} opened at line ${line}, column ${column}`, line, column, {
      statement,
      hint,
    });
  };

  let i = options.resume?.offset ?? 0;
  while (i < text.length) {
    const c = text[i];
    if (start === -1 && versionedFrom === -1 && DELIMITER_COMMAND.test(text.slice(i, i + 11))) {
      i = readDelimiterCommand(text, i, at, (d) => (delimiter = d));
      continue;
    }
    if (start === -1 && (c === 'u' || c === 'U')) {
      // a bounded look: a database name is at most 64 characters, and a long line must not be copied per statement
      const use = USE_LINE.exec(text.slice(i, i + 300));
      if (use) {
        // `use db//` after DELIMITER //: the delimiter ends it, as any other statement
        const own = delimiter !== ';' && use[0].endsWith(delimiter) ? use[0].length - delimiter.length : use[0].length;
        token(i, i + own);
        emit(false, i + use[0].length);
        i += use[0].length;
        continue;
      }
    }
    if (versionedFrom === -1 && text.startsWith(delimiter, i)) {
      emit(false, i + delimiter.length);
      i += delimiter.length;
    } else if (versionedFrom === -1 && c === '\\' && (text[i + 1] === 'G' || text[i + 1] === 'g')) {
      emit(text[i + 1] === 'G', i + 2);
      i += 2;
    } else if (c === '\\' && i + 1 < text.length && !isSpace(text.charCodeAt(i + 1))) {
      // any other backslash pair is sent as written: `\;` ends no statement (the mysql client's rule too)
      token(i, i + 2);
      i += 2;
    } else if (c === "'" || c === '"' || c === '`') {
      const close = skipQuoted(text, i, noBackslash);
      if (close === -1) {
        const stmt = text.slice(start === -1 ? i : start).trimEnd();
        // the quote goes before a final delimiter, which the quote swallowed
        const closed = stmt.endsWith(delimiter)
          ? `${stmt.slice(0, -delimiter.length).trimEnd()}${c}${delimiter}`
          : `${stmt}${c}`;
        fail('quote', c, i, `close the quote: ${closed}`);
      }
      token(i, close);
      i = close;
    } else if (isLineCommentStart(text, i)) {
      i = lineEnd(text, i);
    } else if (c === '/' && text[i + 1] === '*' && versionedFrom === -1 && versionedOpener(text, i) > 0) {
      versionedFrom = i;
      token(i, i + 2);
      i += versionedOpener(text, i);
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close === -1) fail('comment', '/*', i, 'close the comment with */');
      i = close + 2;
    } else if (c === '*' && text[i + 1] === '/' && versionedFrom !== -1) {
      versionedFrom = -1;
      token(i, i + 2);
      i += 2;
    } else if (isSpace(text.charCodeAt(i))) {
      i++;
    } else {
      // this character, and the plain ones after it
      const to = Math.max(i + 1, plainRunEnd(text, i + 1, delimiter.charCodeAt(0)));
      token(i, to);
      i = to;
    }
  }
  if (versionedFrom !== -1) fail('comment', '/*!', versionedFrom, 'close the comment with */');
  emit(false, text.length);
  return statements;
}

/**
 * `DELIMITER xx`: the new delimiter is the next word (quotes around it are dropped). Unlike the mysql client, the
 * rest of the line is read as script rather than silently ignored: `dbx sql delimiter // create …` joins its
 * words into one line.
 */
function readDelimiterCommand(
  text: string,
  i: number,
  at: (offset: number) => { line: number; column: number },
  set: (delimiter: string) => void,
): number {
  let j = i + 'delimiter'.length;
  while (text[j] === ' ' || text[j] === '\t') j++;
  let arg: string;
  let next: number;
  const q = text[j];
  if (q === "'" || q === '"' || q === '`') {
    const close = text.indexOf(q, j + 1);
    const stop = close === -1 || close > lineEnd(text, j) ? lineEnd(text, j) : close;
    arg = text.slice(j + 1, stop);
    next = stop === close ? close + 1 : stop;
  } else {
    next = j;
    while (next < text.length && !/\s/.test(text[next])) next++;
    arg = text.slice(j, next);
  }
  const problem = arg === ''
    ? "DELIMITER must be followed by a 'delimiter' character or string"
    : arg.includes('\\')
      ? 'DELIMITER cannot contain a backslash character'
      : undefined;
  if (problem) {
    const { line, column } = at(i);
    throw new ParseError(problem, line, column, { statement: text.slice(i, lineEnd(text, i)).trim(), hint: 'DELIMITER //' });
  }
  set(arg);
  return next;
}
