/**
 * Splits a command line the way redis-cli does (its sdssplitargs): words separated by blanks; "…" with the
 * escapes \n \r \t \b \a \xHH \" \\; '…' literal except \'; a quote may start inside a word (foo"bar baz" is
 * one word) but a closing quote must be followed by a blank or the end of the line.
 */
import { isUtf8 } from 'node:buffer';
import { ParseError } from '../../errors.js';
import type { Statement } from '../engine.js';
import type { Arg } from './resp-types.js';
import { ownTable } from '../../text/own-keys.js';

const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r'
  || c === '\v' || c === '\f';
/** the same blanks by code: space, \t \n \v \f \r */
const isBlankCode = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);
const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9a-fA-F]$/.test(c);
/** a line without these splits on blanks alone */
const QUOTING = /["'\\]/;
const SIMPLE_ESCAPES = ownTable({ n: 10, r: 13, t: 9, b: 8, a: 7 });

/**
 * The words of one line. A word whose escapes spell bytes that are not UTF-8 is a Buffer; every other word is a
 * string. `line` is the script line number used in errors.
 */
export function splitRedisArgs(text: string, line = 1): Arg[] {
  // fast path: most lines have no quotes at all
  if (!QUOTING.test(text)) return plainWords(text);
  const words: Arg[] = [];
  let i = 0;
  const n = text.length;
  while (true) {
    while (i < n && isBlank(text[i])) i++;
    if (i >= n) return words;
    const bytes: number[] = [];
    let hasEscapedByte = false;
    let quote: '"' | "'" | null = null;
    let quoteStart = 0;
    const push = (s: string): void => {
      for (const b of Buffer.from(s, 'utf8')) bytes.push(b);
    };
    for (;;) {
      const c = text[i];
      if (quote === '"') {
        if (c === undefined) throw unbalanced(line, quoteStart);
        if (c === '\\' && text[i + 1] === 'x' && isHex(text[i + 2]) && isHex(text[i + 3])) {
          bytes.push(parseInt(text.slice(i + 2, i + 4), 16));
          hasEscapedByte = true;
          i += 4;
          continue;
        }
        if (c === '\\' && text[i + 1] !== undefined) {
          const e = text[i + 1]!;
          if (SIMPLE_ESCAPES[e] !== undefined) bytes.push(SIMPLE_ESCAPES[e]);
          else push(e);
          i += 2;
          continue;
        }
        if (c === '"') {
          if (i + 1 < n && !isBlank(text[i + 1])) throw closingQuote(line, i + 1);
          i++;
          break;
        }
        push(takeChar(text, i));
        i += takeChar(text, i).length;
      } else if (quote === "'") {
        if (c === undefined) throw unbalanced(line, quoteStart);
        if (c === '\\' && text[i + 1] === "'") {
          bytes.push(0x27);
          i += 2;
          continue;
        }
        if (c === "'") {
          if (i + 1 < n && !isBlank(text[i + 1])) throw closingQuote(line, i + 1);
          i++;
          break;
        }
        push(takeChar(text, i));
        i += takeChar(text, i).length;
      } else {
        if (c === undefined || isBlank(c)) break;
        if (c === '"' || c === "'") {
          quote = c;
          quoteStart = i;
          i++;
          continue;
        }
        push(takeChar(text, i));
        i += takeChar(text, i).length;
      }
    }
    const buf = Buffer.from(bytes);
    words.push(hasEscapedByte && !isUtf8(buf) ? buf : buf.toString('utf8'));
  }
}

/** The words of one line as text (bytes that are not UTF-8 are decoded lossily). */
export function splitRedisLine(line: string): string[] {
  return splitRedisArgs(line).map((w) => (typeof w === 'string' ? w : w.toString('utf8')));
}

/**
 * One statement per line; blank lines and lines starting with `#` are skipped. Quoting is checked now, before
 * anything is sent; the words themselves are split again when the statement runs (or never: a pipeline may send
 * the line as it is, see redis-engine.ts).
 */
export function splitRedisScript(script: string): Statement[] {
  const out: Statement[] = [];
  let line = 0;
  // a script without a quote or backslash anywhere (a bulk load) has no line to check
  const quoting = QUOTING.test(script);
  // a byte-order mark is the file's, not the first command's
  for (let pos = script.charCodeAt(0) === 0xfeff ? 1 : 0; pos <= script.length;) {
    let end = script.indexOf('\n', pos);
    if (end < 0) end = script.length;
    line++;
    const raw = script.slice(pos, end);
    pos = end + 1;
    const text = trimBlanks(raw);
    if (text === '' || text.charCodeAt(0) === 0x23 /* # */) continue;
    // columns in errors count from the raw line
    if (quoting && QUOTING.test(text)) splitRedisArgs(raw.replace(/\r$/, ''), line);
    out.push({ text, line });
  }
  return out;
}

/**
 * Trims the blanks redis-cli splits on (C isspace), and nothing else: String.trim() would also take a trailing
 * no-break or ideographic space (U+00A0, U+3000) off the last word, changing the value that is stored.
 */
function trimBlanks(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isBlankCode(text.charCodeAt(start))) start++;
  while (end > start && isBlankCode(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** words of a line without quotes or backslashes */
function plainWords(text: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13)) {
      if (start >= 0) out.push(text.slice(start, i));
      start = -1;
    } else if (start < 0) {
      start = i;
    }
  }
  if (start >= 0) out.push(text.slice(start));
  return out;
}

/** one code point (a surrogate pair stays together) */
function takeChar(text: string, i: number): string {
  const cp = text.codePointAt(i)!;
  return String.fromCodePoint(cp);
}

function unbalanced(line: number, index: number): ParseError {
  return new ParseError(`unterminated quote at line ${line}, column ${index + 1}`, line, index + 1, { engine: 'kv' });
}

function closingQuote(line: number, index: number): ParseError {
  return new ParseError(
    `a closing quote must be followed by a space or the end of the line (line ${line}, column ${index + 1})`,
    line, index + 1, { engine: 'kv' },
  );
}
