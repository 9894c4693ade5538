/**
 * The secrets a statement holds, found by the one function of its engine, so that every echo of a statement
 * masks them the same way: -v, --log-file, shell history, safety refusals and prompts, and every error message
 * (src/runner/report-error.ts: the statement under it, the caret of a parse error, hints, and the server's own
 * text, which may quote the statement back).
 *
 * - sql: IDENTIFIED [WITH plugin] BY [PASSWORD] '…', PASSWORD('…') / OLD_PASSWORD('…') / PASSWORD '…',
 *   SET PASSWORD [FOR user] = '…', … REPLACE '…' (the current password of ALTER USER), MASTER_PASSWORD = '…',
 *   SOURCE_PASSWORD = '…'
 * - kv: AUTH [user] password, HELLO … AUTH user password, MIGRATE … AUTH password / AUTH2 user password,
 *   CONFIG SET requirepass|masterauth|… value, ACL SETUSER … >password <password #hash !hash
 * - doc: the values of pwd / password / passwd keys (createUser, updateUser, a document), the password argument of
 *   db.auth(user, password) and db.changeUserPassword(user, password)
 * - all: the password of a URL (`scheme://user:password@host`)
 *
 * A secret is masked as `***`, inside its quotes when it has some. Text that does not parse (an unterminated
 * quote) is masked too: an unclosed string's secret runs to the end of the text.
 */
import type { EngineName } from '../errors.js';

export const SECRET_MASK = '***';

/** Where a secret's characters are in the text: [start, end). */
export interface SecretRange {
  start: number;
  end: number;
}

/** a quoted string, maybe unterminated, as the statement languages write them ('' doubled, \ escapes) */
const STRING = String.raw`(?:'(?:[^'\\]|\\[\s\S]|'')*'?|"(?:[^"\\]|\\[\s\S]|"")*"?|\x60(?:[^\x60\\]|\\[\s\S])*\x60?)`;

/** a value typed without quotes where a string belongs (a syntax error the server or parser quotes back) */
const BARE = String.raw`[^\s;,'"\x60(){}\[\]]+`;

/** The secret inside a matched string literal (its quotes left out), given where the literal starts. */
function inside(literal: string, at: number): SecretRange {
  const quote = literal[0]!;
  if (quote !== "'" && quote !== '"' && quote !== '\x60') return { start: at, end: at + literal.length };
  const closed = literal.length > 1 && literal.endsWith(quote) && !literal.endsWith(`\\${quote}`);
  return { start: at + 1, end: at + literal.length - (closed ? 1 : 0) };
}

/** Every `prefix STRING` match of `re` (the string its last group): the string's insides. */
function literalsAfter(text: string, re: RegExp): SecretRange[] {
  const out: SecretRange[] = [];
  for (const m of text.matchAll(re)) {
    const literal = m[m.length - 1]!;
    out.push(inside(literal, m.index + m[0].length - literal.length));
  }
  return out;
}

const SQL_RULES = [
  new RegExp(String.raw`\bidentified\s+(?:(?:with|via)\s+\S+\s+)?(?:by|as|using)\s+(?:password\s+)?(?!password\s*\()(${STRING}|${BARE})`, 'gi'),
  // PASSWORD('…'), OLD_PASSWORD('…'); PASSWORD '…' (OPTIONS of CREATE SERVER, IDENTIFIED BY PASSWORD); not @password
  new RegExp(String.raw`(?<![@\w])(?:old_)?password\s*(?:\(\s*|\s)(${STRING})`, 'gi'),
  new RegExp(String.raw`\b(?:master|source)_password\s*=\s*(${STRING})`, 'gi'),
  new RegExp(String.raw`\bset\s+password\s*(?:for\s+\S+\s*)?=\s*(${STRING})`, 'gi'),
  new RegExp(String.raw`\bidentified\b[\s\S]*?\breplace\s+(${STRING})`, 'gi'),
];

const DOC_RULES = [
  // `pwd: '…'`, `'password': "…"`: keys quoted or bare
  new RegExp(String.raw`['"\x60]?\b(?:pwd|password|passwd)\b['"\x60]?\s*:\s*(${STRING}|${BARE})`, 'gi'),
  // db.auth('user', 'secret'), db.changeUserPassword('user', 'secret'): the second string argument
  new RegExp(String.raw`\b(?:auth|changeUserPassword)\s*\(\s*${STRING}\s*,\s*(${STRING}|${BARE})`, 'g'),
];

/** the password of `scheme://user:password@`: every engine's text may hold a URL */
function urlPasswords(text: string): SecretRange[] {
  const out: SecretRange[] = [];
  for (const m of text.matchAll(/\b[a-z][a-z0-9+.-]*:\/\/([^\s/?#@:]*):([^\s/?#]*)@/gi)) {
    // a hint's placeholder (`mysql://root:<password>@host`) is no secret
    if (/^<[\w-]*>$/.test(m[2]!)) continue;
    const start = m.index + m[0].length - 1 - m[2]!.length;
    out.push({ start, end: start + m[2]!.length });
  }
  return out;
}

/** A kv word and where it is in the text. */
interface Word {
  text: string;
  start: number;
  end: number;
}

/** Splits a kv line as redis-cli does, loosely: quotes respected, an unclosed one running to the end. */
function kvWords(text: string): Word[] {
  const words: Word[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    const start = i;
    let value = '';
    while (i < text.length && !/\s/.test(text[i]!)) {
      const q = text[i]!;
      if (q === '"' || q === "'") {
        i++;
        while (i < text.length && text[i] !== q) {
          if (q === '"' && text[i] === '\\' && i + 1 < text.length) i++;
          value += text[i++];
        }
        i++;
      } else value += text[i++];
    }
    words.push({ text: value, start, end: Math.min(i, text.length) });
  }
  return words;
}

const SECRET_CONFIG = new Set(['requirepass', 'masterauth', 'masteruser', 'tls-key-file-pass', 'tls-client-key-file-pass']);

/**
 * Which words of a kv command are secrets, as [index, offset]: the word from that offset on (ACL SETUSER's
 * `>password` keeps its `>`). The one rule for command-line words (src/engines/redis/redis-redact.ts) and text.
 */
export function kvSecretWords(words: readonly string[]): [index: number, from: number][] {
  const out: [number, number][] = [];
  const lower = (i: number): string => (words[i] ?? '').toLowerCase();
  const name = lower(0);
  const mask = (i: number, from = 0): void => {
    if (i > 0 && i < words.length) out.push([i, from]);
  };
  if (name === 'auth') {
    // AUTH password | AUTH username password; more words than that: which is which cannot be told
    if (words.length > 3) for (let i = 1; i < words.length; i++) mask(i);
    else mask(words.length - 1);
  } else if (name === 'hello') {
    for (let i = 1; i < words.length; i++) if (lower(i) === 'auth') mask(i + 2);
  } else if (name === 'config' && lower(1) === 'set') {
    for (let i = 2; i + 1 < words.length; i += 2) if (SECRET_CONFIG.has(lower(i))) mask(i + 1);
  } else if (name === 'migrate') {
    for (let i = 1; i < words.length; i++) {
      if (lower(i) === 'auth') mask(i + 1);
      if (lower(i) === 'auth2') mask(i + 2);
    }
  } else if (name === 'acl' && lower(1) === 'setuser') {
    for (let i = 3; i < words.length; i++) if (/^[><#!]/.test(words[i]!)) mask(i, 1);
  }
  return out;
}

function kvSecrets(text: string): SecretRange[] {
  // a script holds one command per line
  const out: SecretRange[] = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    const words = kvWords(line);
    for (const [i, from] of kvSecretWords(words.map((w) => w.text))) {
      const w = words[i]!;
      const raw = line.slice(w.start, w.end);
      // the word as typed: its quotes stay, what is inside them goes
      const quoted = /^["']/.test(raw) ? inside(raw, 0) : { start: 0, end: raw.length };
      out.push({ start: offset + w.start + Math.max(from, quoted.start), end: offset + w.start + quoted.end });
    }
    offset += line.length + 1;
  }
  return out;
}

/** The secrets of a statement (or a script) of `engine`, in order, not overlapping. */
export function secretRanges(engine: EngineName | undefined, text: string): SecretRange[] {
  // every secret follows one of these words: most statements (a script's 100,000 INSERTs) need no pass of the rules
  const found = text.includes('://') ? urlPasswords(text) : [];
  if (engine === 'sql' && /password|identified/i.test(text)) for (const re of SQL_RULES) found.push(...literalsAfter(text, re));
  if (engine === 'doc' && /pwd|passw|auth/i.test(text)) for (const re of DOC_RULES) found.push(...literalsAfter(text, re));
  if (engine === 'kv' && /auth|config|acl/i.test(text)) found.push(...kvSecrets(text));
  if (found.length === 0) return found;
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: SecretRange[] = [];
  for (const r of found) {
    if (r.end <= r.start) continue;
    const last = merged[merged.length - 1];
    if (last && r.start < last.end) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  return merged;
}

/** The text with its secrets masked: what every echo of a statement shows. */
export function maskStatement(engine: EngineName | undefined, text: string): string {
  return maskRanges(text, secretRanges(engine, text));
}

function maskRanges(text: string, ranges: readonly SecretRange[]): string {
  let out = '';
  let at = 0;
  for (const r of ranges) {
    out += text.slice(at, r.start) + SECRET_MASK;
    at = r.end;
  }
  return out + text.slice(at);
}

/**
 * Other text about the statement (a server's message that quotes it, a hint) with the statement's secret values
 * masked wherever they appear, then its own secrets. Values shorter than 4 characters are left to the rules: masking
 * every `a` of a message would garble it.
 */
export function maskAbout(engine: EngineName | undefined, text: string, statement: string | undefined): string {
  let out = text;
  if (statement !== undefined) {
    const values = secretRanges(engine, statement).map((r) => statement.slice(r.start, r.end)).filter((v) => v.length >= 4);
    for (const v of values.sort((a, b) => b.length - a.length)) out = out.split(v).join(SECRET_MASK);
  }
  return maskStatement(engine, out);
}

/**
 * Where a 1-based line and column of `text` are once its secrets are masked: further left by what the masks
 * removed before it on that line, at a mask's start when it points inside one.
 */
export function maskedColumn(engine: EngineName | undefined, text: string, line: number, column: number): number {
  let lineStart = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf('\n', lineStart);
    if (next < 0) return column;
    lineStart = next + 1;
  }
  const at = lineStart + column - 1;
  let shift = 0;
  for (const r of secretRanges(engine, text)) {
    if (r.start >= at) break;
    if (r.start < lineStart) continue;
    if (at < r.end) return column - shift - (at - r.start);
    shift += r.end - r.start - SECRET_MASK.length;
  }
  return column - shift;
}
