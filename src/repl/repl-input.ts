/**
 * When the lines typed so far make a whole input, and which continuation prompt to show when they do not:
 * sql until the delimiter or `\G` (with the mysql client's `'>` `">` `` `> `` `/*>` while a quote or comment is
 * open), doc until brackets balance, kv one line per command. The engine's own splitter decides; a ParseError at
 * an opener that more lines could close means "keep reading".
 */
import type { Engine, Statement } from '../engines/engine.js';
import { ParseError } from '../errors.js';

export type InputState =
  | { kind: 'complete'; statements: Statement[] }
  /** `waiting` is the continuation marker: `->`, `'>`, `">`, `` `> ``, `/*>`, `...` */
  | { kind: 'incomplete'; waiting: string };

/** What the shell itself handles, before the engine sees a line (only on the first line of an input). */
export type ShellCommand =
  | { kind: 'exit' }
  | { kind: 'help'; topic?: string }
  | { kind: 'delimiter'; delimiter: string }
  | { kind: 'rehash' }
  /** sql, as the mysql client: `status` / `\s`, `source FILE` / `\. FILE`, `warnings` / `\W`, `nowarning` / `\w`, `clear` / `\c` */
  | { kind: 'status' }
  | { kind: 'source'; file: string }
  | { kind: 'warnings'; on: boolean }
  | { kind: 'clear' };

export interface InputRules {
  /** Throws ParseError for input that no further line can fix. */
  check(buffer: string): InputState;
  /** A shell command on the first line of an input, or undefined for engine input. */
  command(line: string): ShellCommand | undefined;
  /** The first line is already a whole statement (sql `use db` needs no `;`, as in the mysql client). */
  completeLine?(line: string): boolean;
  /** sql `\c` at the end, or `clear` on a line of its own: throw the input away. */
  cleared?(buffer: string): boolean;
  /** sql: the delimiter in use, for `status` */
  readonly delimiter?: string;
}

const EXIT = /^\s*(?:(?:exit|quit)(?:\s*\(\s*\))?\s*;?|\\q|\.exit)\s*$/i;
const HELP = /^\s*(?:help|\\h|\?)(?:\s+(\S.*?))?\s*;?\s*$/i;
const REHASH = /^\s*(?:rehash|\\#)\s*;?\s*$/i;

function commonCommand(line: string): ShellCommand | undefined {
  if (EXIT.test(line)) return { kind: 'exit' };
  const help = HELP.exec(line);
  if (help) return help[1] ? { kind: 'help', topic: help[1] } : { kind: 'help' };
  if (REHASH.test(line)) return { kind: 'rehash' };
  return undefined;
}

/** Offset of a 1-based line/column; `codePoints`: columns count characters (sql) rather than UTF-16 units (doc). */
function offsetOf(text: string, line: number, column: number, codePoints: boolean): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl === -1) return text.length;
    offset = nl + 1;
  }
  if (!codePoints) return offset + column - 1;
  const chars = Array.from(text.slice(offset, text.indexOf('\n', offset) === -1 ? undefined : text.indexOf('\n', offset)));
  return offset + chars.slice(0, column - 1).join('').length;
}

/**
 * The mysql client's own commands (sql shell): long names in any case, short ones as written (`\W` turns warnings
 * on, `\w` off). A trailing `;` is allowed, as the mysql client allows it.
 */
const SQL_COMMANDS: Array<[RegExp, (m: RegExpExecArray) => ShellCommand]> = [
  [command('status', 's'), () => ({ kind: 'status' })],
  [/^\s*(?:[Ss][Oo][Uu][Rr][Cc][Ee]\s+|\\\.\s*)(\S.*?)\s*;?\s*$/, (m) => ({ kind: 'source', file: unquoteFile(m[1]!) })],
  [command('warnings', 'W'), () => ({ kind: 'warnings', on: true })],
  [command('nowarning', 'w'), () => ({ kind: 'warnings', on: false })],
  [command('clear', 'c'), () => ({ kind: 'clear' })],
];

/** `name` in any case, or `\short` exactly (the mysql client's `\C` is another command than `\c`), alone on the line */
function command(name: string, short: string): RegExp {
  const anyCase = [...name].map((c) => `[${c.toLowerCase()}${c.toUpperCase()}]`).join('');
  return new RegExp(`^\\s*(?:${anyCase}\\s*;?|\\\\${short})\\s*$`);
}

/** `source 'my file.sql'`: the quotes are not part of the name */
function unquoteFile(name: string): string {
  const m = /^(['"`])(.*)\1$/.exec(name);
  return m ? m[2]! : name;
}

/** `clear` on a continuation line of its own (the mysql client's `\c` needs no line of its own) */
const CLEAR_LINE = /(?:^|\n)\s*clear\s*;?\s*$/i;

// a character no one types: what follows a complete input in the probe
const SENTINEL = '\u0001';

/** The mysql client's rules, on top of the engine's splitter (which knows quotes, comments, DELIMITER and \G). */
class SqlInput implements InputRules {
  delimiter = ';';

  constructor(private readonly split: (script: string) => Statement[]) {}

  private prefix(): string {
    if (this.delimiter === ';') return '';
    const quote = ["'", '"', '`'].find((q) => !this.delimiter.includes(q));
    return /\s/.test(this.delimiter) && quote ? `DELIMITER ${quote}${this.delimiter}${quote}\n` : `DELIMITER ${this.delimiter}\n`;
  }

  check(buffer: string): InputState {
    if (buffer.trim() === '') return { kind: 'complete', statements: [] };
    const prefix = this.prefix();
    // A complete input leaves the sentinel as a statement of its own; an open one swallows it.
    const probe = `${prefix}${buffer}\n${SENTINEL}`;
    let statements: Statement[];
    try {
      statements = this.split(probe);
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      const at = offsetOf(probe, e.line, e.column, true);
      const opener = probe[at];
      if (opener === "'" || opener === '"' || opener === '`') return { kind: 'incomplete', waiting: `${opener}>` };
      if (opener === '/' && probe[at + 1] === '*') return { kind: 'incomplete', waiting: '/*>' };
      throw e;
    }
    const last = statements[statements.length - 1];
    if (last?.text !== SENTINEL) return { kind: 'incomplete', waiting: '->' };
    const shift = prefix === '' ? 0 : 1;
    return { kind: 'complete', statements: statements.slice(0, -1).map((s) => ({ ...s, line: s.line - shift })) };
  }

  command(line: string): ShellCommand | undefined {
    const delimiter = /^\s*delimiter(?:[ \t]+(?:(['"`])(.*?)\1|(\S+)))?/i.exec(line);
    if (delimiter) {
      const value = delimiter[2] ?? delimiter[3];
      // the splitter words the errors (no argument, a backslash) as the mysql client does
      if (value === undefined || value === '' || value.includes('\\')) this.split(line);
      this.delimiter = value!;
      return { kind: 'delimiter', delimiter: value! };
    }
    for (const [pattern, command] of SQL_COMMANDS) {
      const m = pattern.exec(line);
      if (m) return command(m);
    }
    return commonCommand(line);
  }

  completeLine(line: string): boolean {
    return /^\s*use\s+\S+\s*$/i.test(line) && !line.trimEnd().endsWith(this.delimiter);
  }

  cleared(buffer: string): boolean {
    const marker = /\\c\s*$/.test(buffer) ? /\\c\s*$/ : buffer.includes('\n') && CLEAR_LINE.test(buffer) ? CLEAR_LINE : undefined;
    if (!marker) return false;
    try {
      const state = this.check(buffer.replace(marker, ''));
      // inside a quote, \c is text
      return !(state.kind === 'incomplete' && state.waiting !== '->' && state.waiting !== '/*>');
    } catch {
      return true;
    }
  }
}

/** mongosh's rule: read on while a bracket, template string or block comment is open. */
class DocInput implements InputRules {
  constructor(private readonly split: (script: string) => Statement[]) {}

  check(buffer: string): InputState {
    try {
      return { kind: 'complete', statements: this.split(buffer) };
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      const at = offsetOf(buffer, e.line, e.column, false);
      const opener = buffer[at];
      // an unclosed bracket, template (or its `${`) or block comment is reported at its opener; a stray closer or
      // a string left open on its line at something else
      const open = '([{`$'.includes(opener ?? 'x') || (opener === '/' && buffer[at + 1] === '*');
      if (open) return { kind: 'incomplete', waiting: '...' };
      throw e;
    }
  }

  command(line: string): ShellCommand | undefined {
    return commonCommand(line);
  }
}

/** redis-cli: every line is one command. */
class KvInput implements InputRules {
  constructor(private readonly split: (script: string) => Statement[]) {}

  check(buffer: string): InputState {
    return { kind: 'complete', statements: this.split(buffer) };
  }

  command(line: string): ShellCommand | undefined {
    return commonCommand(line);
  }
}

export function inputRules(engine: Engine): InputRules {
  const split = (script: string) => engine.split(script);
  switch (engine.name) {
    case 'sql':
      return new SqlInput(split);
    case 'doc':
      return new DocInput(split);
    case 'kv':
      return new KvInput(split);
  }
}
