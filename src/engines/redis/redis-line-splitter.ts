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
          else utf8Into(bytes, e.charCodeAt(0));
          i += 2;
          continue;
        }
        if (c === '"') {
          if (i + 1 < n && !isBlank(text[i + 1])) throw closingQuote(line, i + 1);
          i++;
          break;
        }
        i += charInto(bytes, text, i);
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
        i += charInto(bytes, text, i);
      } else {
        if (c === undefined || isBlank(c)) break;
        if (c === '"' || c === "'") {
          quote = c;
          quoteStart = i;
          i++;
          continue;
        }
        i += charInto(bytes, text, i);
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
 * A script line, with where its text lies in the script's bytes when the script is ASCII (character and byte
 * offsets then agree): a pipeline sends runs of such lines as the bytes they are (redis-pipeline.ts).
 */
export interface ScriptLine extends Statement {
  /** the whole script's bytes, shared by its lines */
  bytes?: Buffer;
  /** bytes[from, to) is `text` */
  from?: number;
  to?: number;
}

/**
 * One statement per line; blank lines and lines starting with `#` are skipped. Quoting is checked now, before
 * anything is sent; the words themselves are split again when the statement runs (or never: a pipeline may send
 * the line as it is, see redis-pipeline.ts). `maybeClient` collects the lines whose command may be CLIENT.
 */
export function splitRedisScript(script: string, maybeClient?: ScriptLine[]): ScriptLine[] {
  const out: ScriptLine[] = [];
  let line = 0;
  // a script without a quote or backslash anywhere (a bulk load) has no line to check
  const quoting = QUOTING.test(script);
  const bytes = Buffer.byteLength(script, 'utf8') === script.length ? Buffer.from(script, 'latin1') : undefined;
  // a byte-order mark is the file's, not the first command's
  for (let pos = script.charCodeAt(0) === 0xfeff ? 1 : 0; pos <= script.length;) {
    let end = script.indexOf('\n', pos);
    if (end < 0) end = script.length;
    line++;
    // the blanks redis-cli splits on (C isspace) are trimmed, and nothing else: String.trim() would also take a
    // trailing no-break or ideographic space (U+00A0, U+3000) off the last word, changing the value that is stored
    let from = pos;
    let to = end;
    while (from < to && isBlankCode(script.charCodeAt(from))) from++;
    while (to > from && isBlankCode(script.charCodeAt(to - 1))) to--;
    const start = pos;
    pos = end + 1;
    if (from === to || script.charCodeAt(from) === 0x23 /* # */) continue;
    const text = script.slice(from, to);
    // columns in errors count from the raw line
    if (quoting && QUOTING.test(text)) splitRedisArgs(script.slice(start, end).replace(/\r$/, ''), line);
    const stmt: ScriptLine = bytes ? { text, line, bytes, from, to } : { text, line };
    out.push(stmt);
    // a line that may be a CLIENT command: c or C, or a quote or backslash before the first word's letters
    const c = script.charCodeAt(from) | 0x20;
    if (maybeClient && (c === 0x63 || c === 0x22 || c === 0x27 || c === 0x7c)) maybeClient.push(stmt);
  }
  return out;
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

/** the UTF-8 bytes of the code point at text[i] (a surrogate pair stays together); returns its length in text */
function charInto(bytes: number[], text: string, i: number): number {
  const cp = text.codePointAt(i)!;
  utf8Into(bytes, cp);
  return cp > 0xffff ? 2 : 1;
}

/** the UTF-8 bytes of a code point, as Buffer.from writes them: a lone surrogate is U+FFFD */
function utf8Into(bytes: number[], cp: number): void {
  if (cp < 0x80) bytes.push(cp);
  else if (cp < 0x800) bytes.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
  else if (cp >= 0xd800 && cp <= 0xdfff) bytes.push(0xef, 0xbf, 0xbd);
  else if (cp < 0x10000) bytes.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  else bytes.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
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
