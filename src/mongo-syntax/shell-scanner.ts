/**
 * The lexical layer shared by the doc splitter and parser: cuts mongo-shell text into coarse tokens so that
 * brackets, `;` and newlines inside strings, regex literals and comments are never mistaken for structure.
 * It does not understand JavaScript beyond that; acorn does the real parsing of each statement.
 */
import { ParseError } from '../errors.js';

export type TokenType =
  | 'open' // ( [ {
  | 'close' // ) ] }
  | 'semi' // ;
  | 'newline'
  | 'string' // '…' or "…"
  | 'template' // `…`, with any ${…} inside it
  | 'regex'
  | 'comment'
  | 'word' // a run of identifier characters or digits
  | 'punct'; // any other single character

export interface Token {
  type: TokenType;
  /** offset of the first character */
  start: number;
  /** offset after the last character */
  end: number;
}

/** Maps offsets to 1-based line and column, counting line breaks the way acorn does (\r\n, \r, \n, U+2028/9). */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 0x2028 || c === 0x2029) this.starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
  }

  /** line and column (both 1-based; the column counts UTF-16 units) of an offset */
  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo]! + 1 };
  }
}

const isNewline = (c: number): boolean => c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
const isSpace = (c: number): boolean =>
  c === 32 || c === 9 || c === 11 || c === 12 || c === 0xa0 || c === 0xfeff || (c > 0x7f && /\s/.test(String.fromCharCode(c)));
const isWordChar = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 36 || c === 95 || c === 92 || (c > 0x7f && !isSpace(c) && !isNewline(c));

/**
 * Whether a `/` after this token starts a regex literal rather than a division. A value (word, string, closing
 * bracket, regex) before it means division; anything else (an operator, `(`, `,`, `:`, start of text) means regex.
 */
function slashStartsRegex(prev: Token | undefined): boolean {
  if (!prev) return true;
  switch (prev.type) {
    case 'word':
    case 'string':
    case 'template':
    case 'regex':
    case 'close':
      return false;
    default:
      return true;
  }
}

class Scanner {
  readonly tokens: Token[] = [];
  private pos = 0;
  private lines: LineIndex | undefined;

  constructor(private readonly text: string, private readonly firstLine: number) {}

  fail(message: string, offset: number, hint?: string): never {
    this.lines ??= new LineIndex(this.text);
    const { line, column } = this.lines.position(offset);
    throw new ParseError(message, line + this.firstLine - 1, column, { engine: 'doc', hint });
  }

  /**
   * Scans until the end of the text, or until the `}` that closes a template's `${` when `inTemplate`;
   * true when it stopped at that `}`.
   */
  run(inTemplate = false): boolean {
    const { text } = this;
    let depth = 0;
    while (this.pos < text.length) {
      const start = this.pos;
      const c = text.charCodeAt(start);
      if (isNewline(c)) {
        this.pos += c === 13 && text.charCodeAt(start + 1) === 10 ? 2 : 1;
        this.push('newline', start);
      } else if (isSpace(c)) {
        this.pos++;
      } else if (c === 39 || c === 34) {
        this.quoted(c);
      } else if (c === 96) {
        this.template();
      } else if (c === 47 && text.charCodeAt(start + 1) === 47) {
        while (this.pos < text.length && !isNewline(text.charCodeAt(this.pos))) this.pos++;
        this.push('comment', start);
      } else if (c === 47 && text.charCodeAt(start + 1) === 42) {
        const close = text.indexOf('*/', start + 2);
        if (close < 0) this.fail('unterminated comment: /* is never closed by */', start);
        this.pos = close + 2;
        this.push('comment', start);
      } else if (c === 47 && slashStartsRegex(this.lastSignificant())) {
        this.regex();
      } else if (c === 40 || c === 91 || c === 123) {
        this.pos++;
        if (c === 123) depth++;
        this.push('open', start);
      } else if (c === 41 || c === 93 || c === 125) {
        if (c === 125 && inTemplate && depth === 0) {
          this.pos++;
          return true;
        }
        if (c === 125) depth--;
        this.pos++;
        this.push('close', start);
      } else if (c === 59) {
        this.pos++;
        this.push('semi', start);
      } else if (isWordChar(c)) {
        while (this.pos < text.length && isWordChar(text.charCodeAt(this.pos))) this.pos++;
        this.push('word', start);
      } else {
        this.pos++;
        this.push('punct', start);
      }
    }
    return false;
  }

  private push(type: TokenType, start: number): void {
    this.tokens.push({ type, start, end: this.pos });
  }

  private lastSignificant(): Token | undefined {
    for (let i = this.tokens.length - 1; i >= 0; i--) {
      const t = this.tokens[i]!;
      if (t.type !== 'comment' && t.type !== 'newline') return t;
    }
    return undefined;
  }

  private quoted(quote: number): void {
    const { text } = this;
    const start = this.pos;
    let i = start + 1;
    for (;;) {
      if (i >= text.length) this.fail('unterminated string: the quote is never closed', start);
      const c = text.charCodeAt(i);
      if (c === quote) break;
      if (c === 92) i += text.charCodeAt(i + 1) === 13 && text.charCodeAt(i + 2) === 10 ? 3 : 2;
      else if (c === 10 || c === 13) this.fail('unterminated string: the quote is not closed on its line', start);
      else i++;
    }
    this.pos = i + 1;
    this.push('string', start);
  }

  private template(): void {
    const { text } = this;
    const start = this.pos;
    // the ${…} parts are scanned into a throwaway list: the template is one token to the splitter
    const outer = this.tokens.length;
    this.pos++;
    for (;;) {
      if (this.pos >= text.length) this.fail('unterminated template string: the backquote is never closed', start);
      const c = text.charCodeAt(this.pos);
      if (c === 96) break;
      if (c === 92) this.pos += 2;
      else if (c === 36 && text.charCodeAt(this.pos + 1) === 123) {
        this.pos += 2;
        const open = this.pos - 2;
        if (!this.run(true)) this.fail("'${' is never closed", open);
      } else this.pos++;
    }
    this.tokens.length = outer;
    this.pos++;
    this.push('template', start);
  }

  private regex(): void {
    const { text } = this;
    const start = this.pos;
    let i = start + 1;
    let inClass = false;
    for (;;) {
      if (i >= text.length || isNewline(text.charCodeAt(i))) this.fail('unterminated regular expression', start);
      const c = text.charCodeAt(i);
      if (c === 92) i += 2;
      else {
        if (c === 91) inClass = true;
        else if (c === 93) inClass = false;
        else if (c === 47 && !inClass) break;
        i++;
      }
    }
    i++;
    while (i < text.length && isWordChar(text.charCodeAt(i))) i++; // flags
    this.pos = i;
    this.push('regex', start);
  }
}

/**
 * Cuts text into tokens. Throws ParseError (positions relative to `firstLine`) for an unterminated string,
 * template, regex literal or block comment. Whitespace other than newlines produces no token.
 */
export function scanTokens(text: string, firstLine = 1): Token[] {
  const scanner = new Scanner(text, firstLine);
  try {
    scanner.run();
  } catch (e) {
    // ${…} inside ${…} recurses; only an absurd nesting gets here
    if (e instanceof RangeError) scanner.fail('the text is nested too deeply', 0);
    throw e;
  }
  return scanner.tokens;
}

/** Whether a token is code (not a comment or a line break). */
export const isSignificant = (t: Token): boolean => t.type !== 'comment' && t.type !== 'newline';

/**
 * For every bracket token index, the index of its partner (open → close and close → open), and for every open
 * bracket the index of the open bracket that contains it (-1 at top level). Mismatched brackets get no partner.
 */
export function matchBrackets(text: string, tokens: Token[]): { partner: Map<number, number>; parent: Map<number, number> } {
  const partner = new Map<number, number>();
  const parent = new Map<number, number>();
  const stack: number[] = [];
  tokens.forEach((t, i) => {
    if (t.type === 'open') {
      parent.set(i, stack.length ? stack[stack.length - 1]! : -1);
      stack.push(i);
    } else if (t.type === 'close' && stack.length) {
      const top = stack[stack.length - 1]!;
      if (closerOf(text[tokens[top]!.start]!) === text[t.start]) {
        stack.pop();
        partner.set(top, i);
        partner.set(i, top);
      }
    }
  });
  return { partner, parent };
}

export function closerOf(open: string): string {
  return open === '(' ? ')' : open === '[' ? ']' : '}';
}

/** The text with comments blanked out (same length, so offsets stay valid). */
export function blankComments(text: string, tokens: Token[]): string {
  let out = '';
  let at = 0;
  for (const t of tokens) {
    if (t.type !== 'comment') continue;
    out += text.slice(at, t.start) + text.slice(t.start, t.end).replace(/[^\r\n\u2028\u2029]/g, ' ');
    at = t.end;
  }
  return out + text.slice(at);
}
