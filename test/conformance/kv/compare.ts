/**
 * How dbx's output is held against redis-cli's where dbx differs by design (README "dbx kv and redis-cli"):
 * collections as tables, valid UTF-8 shown as characters, JSON that is always valid JSON ($base64 for bytes,
 * {"error":…} for nested errors, member/score objects, strings for big integers and infinities).
 */
import { isUtf8 } from 'node:buffer';

/** redis-cli's sdscatrepr undone: the bytes of a quoted string's body. */
export function unrepr(body: string): Buffer {
  const out: number[] = [];
  const named: Record<string, number> = { n: 10, r: 13, t: 9, a: 7, b: 8, '\\': 92, '"': 34 };
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\') {
      out.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const next = body[i + 1]!;
    if (next === 'x') {
      out.push(parseInt(body.slice(i + 2, i + 4), 16));
      i += 3;
    } else {
      out.push(named[next]!);
      i += 1;
    }
  }
  return Buffer.from(out);
}

const SCALAR = /(?:^|\) |~ |# | => )("(?:[^"\\]|\\.)*"|\(nil\)|\(integer\) -?\d+|\(double\) \S+|\(true\)|\(false\))/gm;

/** The scalars of redis-cli's TTY output of a flat or pair-nested collection, in order, as dbx's cells show them. */
export function ttyScalarsAsCells(tty: string): string[] {
  const cells: string[] = [];
  for (const m of tty.matchAll(SCALAR)) {
    const s = m[1]!;
    if (s === '(nil)') cells.push('(nil)');
    else if (s.startsWith('(integer) ')) cells.push(s.slice(10));
    else if (s.startsWith('(double) ')) cells.push(s.slice(9));
    else if (s === '(true)' || s === '(false)') cells.push(s);
    else cells.push(cellOfBytes(unrepr(s.slice(1, -1))));
  }
  return cells;
}

/** dbx's cell text for a bulk string's bytes: UTF-8 as text with controls escaped, other bytes as \xHH. */
function cellOfBytes(b: Buffer): string {
  if (isUtf8(b)) {
    return b.toString('utf8').replace(/[\x00-\x1f\x7f-\x9f]/g, (c) =>
      ({ '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] ?? [...Buffer.from(c)].map((x) => `\\x${x.toString(16).padStart(2, '0')}`).join(''));
  }
  let out = '';
  for (const x of b) {
    if (x === 0x5c) out += '\\\\';
    else if (x === 0x22) out += '\\"';
    else if (x >= 0x20 && x < 0x7f) out += String.fromCharCode(x);
    else out += ({ 10: '\\n', 13: '\\r', 9: '\\t', 7: '\\a', 8: '\\b' } as Record<number, string>)[x] ?? `\\x${x.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** The cells of dbx's table output, row after row, left to right. */
export function tableCells(text: string): string[] {
  const lines = text.split('\n').filter((l) => l.startsWith('| '));
  const headed = text.split('\n').filter((l) => l.startsWith('+')).length === 3;
  const body = headed ? lines.slice(1) : lines;
  return body.flatMap((l) => l.slice(2, -2).split(' | ').map((c) => c.trim()));
}

export function isTable(out: Buffer): boolean {
  return out[0] === 0x2b; // '+'
}

/** dbx's display with every non-ASCII character written as redis-cli writes it: its UTF-8 bytes as \xHH. */
export function asciiEscaped(text: string): string {
  return text.replace(/[^\x00-\x7f]/gu, (ch) => [...Buffer.from(ch, 'utf8')].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join(''));
}

/**
 * redis-cli --json read as a value: its output is bytes (strings are the reply's bytes, not UTF-8 decoded), so
 * strings become "byte strings" (one char per byte); a nested error is `error:"…"`, an infinity is bare `inf`:
 * those become what dbx prints for them.
 */
export function cliJson(out: Buffer): unknown {
  let text = out.toString('latin1');
  text = text.replace(/error:("(?:[^"\\]|\\.)*")/g, '{"error":$1}');
  text = text.replace(/(?<=^|[[,:])(-?inf|nan)(?=[\],}\n])/g, '"$1"');
  return keysAsDbxShowsThem(JSON.parse(bigAsStrings(text)));
}

/** deliberate: a map key that is not UTF-8 cannot be {"$base64"}: dbx writes it as its display shows it (f\xff) */
function keysAsDbxShowsThem(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(keysAsDbxShowsThem);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const bytes = Buffer.from(k, 'latin1');
    out[isUtf8(bytes) ? k : cellOfBytes(bytes)] = keysAsDbxShowsThem(x);
  }
  return out;
}

/** dbx --json read the same way: text as its UTF-8 bytes, $base64 as its bytes, member/score objects as pairs. */
export function dbxJson(out: Buffer): unknown {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return Buffer.from(v, 'utf8').toString('latin1');
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o);
      if (keys.length === 1 && keys[0] === '$base64') return Buffer.from(o.$base64 as string, 'base64').toString('latin1');
      if (keys.length === 2 && keys[0] === 'member' && keys[1] === 'score') return [walk(o.member), o.score];
      const r: Record<string, unknown> = {};
      for (const k of keys) r[Buffer.from(k, 'utf8').toString('latin1')] = walk(o[k]);
      return r;
    }
    return v;
  };
  return walk(JSON.parse(bigAsStrings(out.toString('utf8'))));
}

/** integers past 2^53 as their digits (dbx prints them as strings; redis-cli's digits would round in JSON.parse) */
function bigAsStrings(text: string): string {
  return text.replace(/"(?:[^"\\]|\\.)*"|(?<![.\d])-?\d{16,}(?![.\deE])/g, (t) => (t[0] === '"' || Number.isSafeInteger(Number(t)) ? t : `"${t}"`));
}

/** Lines of output, sorted: for replies whose order is the server's walk of a set or hash. */
export function sortedLines(out: Buffer): string[] {
  return out.toString('latin1').split('\n').sort();
}

/** Where two outputs first differ, with some context: readable even when they are 100,000 lines long. */
export function firstDifference(got: Buffer, want: Buffer): string | undefined {
  if (got.equals(want)) return undefined;
  let i = 0;
  while (i < got.length && i < want.length && got[i] === want[i]) i++;
  const around = (b: Buffer) => JSON.stringify(b.subarray(Math.max(0, i - 40), i + 40).toString('latin1'));
  return `lengths ${got.length} vs ${want.length}, first difference at byte ${i}:\n  dbx:       ${around(got)}\n  redis-cli: ${around(want)}`;
}
