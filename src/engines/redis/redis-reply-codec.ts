/**
 * How Redis replies print, type by type as redis-cli 7.0 prints them: `display` is its terminal output
 * (cliFormatReplyTTY), `raw` is `redis-cli --raw` (cliFormatReplyRaw: the server's bytes unchanged), `json`
 * follows CONTRACT.md (bytes that are not UTF-8 → {"$base64": …}), `text` is a table cell (the raw rendering,
 * with `(nil)` for nil). Which types arrive is the connection's protocol: RESP2 (redis-cli's default) sends no
 * doubles, booleans, maps or sets, RESP3 (`redis-cli -3`, and `--json`) does.
 *
 * Two deliberate differences, both in the display: text that is valid UTF-8 prints as characters, not as \xHH
 * escapes, so CJK values stay readable; and what could drive the terminal (text/terminal-text.ts) is escaped
 * wherever the display shows text (redis-cli leaves it raw in status and error replies).
 */
import { isUtf8 } from 'node:buffer';
import { escapeTerminalControls, hexEscape, isTerminalControl } from '../../text/terminal-text.js';
import type { ValueCodec } from '../engine.js';
import {
  BigNumber, Double, OK, Push, ReplyError, ReplyMap, ReplySet, SimpleString, Verbatim, isAggregate, replyItems, type Reply,
} from './resp-types.js';

export const redisCodec: ValueCodec = {
  text: (v) => cellText(v as Reply),
  json: (v) => toJson(v as Reply),
  // a script of 100,000 SETs prints OK 100,000 times: without a string built each time
  display: (v) => (v === OK ? 'OK' : tty(v as Reply, '').replace(/\n$/, '')),
  raw: (v) => (v === OK ? 'OK' : rawBytes(v as Reply)),
};

/**
 * INFO, CLIENT LIST, LATENCY DOCTOR…: redis-cli writes these reports as they come (its cliSendCommand forces raw
 * output for them), on the terminal as in --raw.
 */
export const textReportCodec: ValueCodec = {
  ...redisCodec,
  display: (v) => {
    const report = withoutFinalNewline(reportOf(v as Reply));
    return typeof report === 'string' ? report : report.toString('utf8');
  },
  raw: (v) => withoutFinalNewline(reportOf(v as Reply)),
};

function reportOf(r: Reply): string | Buffer {
  const v = r instanceof Verbatim ? r.value : r;
  return typeof v === 'string' || Buffer.isBuffer(v) ? v : cellText(v);
}

/** the writer ends the value with a newline: a report's own last one (INFO's CRLF keeps its CR) is left to it */
function withoutFinalNewline(v: string | Buffer): string | Buffer {
  if (typeof v === 'string') return v.endsWith('\n') ? v.slice(0, -1) : v;
  return v[v.length - 1] === 0x0a ? v.subarray(0, -1) : v;
}

const EMPTY: Record<string, string> = { array: '(empty array)', map: '(empty hash)', set: '(empty set)', push: '(empty push)' };

function kind(r: Reply[] | ReplySet | ReplyMap | Push): string {
  return r instanceof ReplyMap ? 'map' : r instanceof ReplySet ? 'set' : r instanceof Push ? 'push' : 'array';
}

function tty(r: Reply, prefix: string): string {
  if (!isAggregate(r)) return `${scalarDisplay(r)}\n`;
  const type = kind(r);
  const count = r instanceof ReplyMap ? r.entries.length : replyItems(r).length;
  if (count === 0) return `${EMPTY[type]}\n`;
  const width = String(count).length;
  const childPrefix = prefix + ' '.repeat(width + 2);
  const mark = type === 'set' ? '~' : type === 'map' ? '#' : ')';
  let out = '';
  for (let i = 0; i < count; i++) {
    out += `${i === 0 ? '' : prefix}${String(i + 1).padStart(width)}${mark} `;
    if (r instanceof ReplyMap) {
      const [key, value] = r.entries[i]!;
      out += `${tty(key, childPrefix).slice(0, -1)} => `;
      // a value of several lines starts on a line of its own, aligned under the key
      if (multiline(value)) out += `\n${childPrefix}`;
      out += tty(value, childPrefix);
    } else {
      out += tty(replyItems(r)[i]!, childPrefix);
    }
  }
  return out;
}

/** whether tty() renders the reply on several lines (redis-cli's cliIsMultilineValueTTY) */
function multiline(r: Reply): boolean {
  if (r instanceof ReplyMap) return r.entries.length > 1 || (r.entries.length === 1 && multiline(r.entries[0]![1]));
  if (!isAggregate(r)) return false;
  const items = replyItems(r);
  return items.length > 1 || (items.length === 1 && multiline(items[0]!));
}

function scalarDisplay(r: Reply): string {
  if (r === null) return '(nil)';
  if (typeof r === 'string' || Buffer.isBuffer(r)) return quote(r);
  if (typeof r === 'number' || typeof r === 'bigint') return `(integer) ${r}`;
  if (typeof r === 'boolean') return r ? '(true)' : '(false)';
  if (r instanceof SimpleString) return escapeControls(r.value);
  if (r instanceof Double) return `(double) ${r.text}`;
  // redis-cli 7.0 cannot print a RESP3 big number at all (it exits: "Unknown reply type: 13"); RESP2 sends the
  // same digits as a bulk string, which it quotes
  if (r instanceof BigNumber) return `"${r.text}"`;
  if (r instanceof Verbatim) return bulkText(r.value);
  if (r instanceof ReplyError) return `(error) ${escapeControls(r.message)}`;
  return String(r);
}

/** redis-cli --raw, without the newline it writes after the whole reply */
function rawBytes(r: Reply): string | Buffer {
  const parts: (string | Buffer)[] = [];
  rawInto(r, parts);
  if (parts.length === 1) return parts[0]!;
  return parts.some(Buffer.isBuffer) ? Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))) : parts.join('');
}

function rawInto(r: Reply, out: (string | Buffer)[]): void {
  if (r instanceof ReplyMap) {
    r.entries.forEach(([k, v], i) => {
      if (i > 0) out.push('\n');
      rawInto(k, out);
      out.push(' ');
      rawInto(v, out);
    });
  } else if (isAggregate(r)) {
    replyItems(r).forEach((item, i) => {
      if (i > 0) out.push('\n');
      rawInto(item, out);
    });
  } else if (r === null) {
    out.push('');
  } else if (typeof r === 'string' || Buffer.isBuffer(r)) {
    out.push(r);
  } else if (r instanceof Verbatim) {
    out.push(r.value);
  } else if (r instanceof ReplyError) {
    out.push(`${r.message}\n`);
  } else if (typeof r === 'boolean') {
    out.push(r ? '(true)' : '(false)');
  } else {
    out.push(cellText(r));
  }
}

/** A table / csv cell: the raw rendering of a scalar, `(nil)` for nil. */
function cellText(r: Reply): string {
  if (typeof r === 'string') return r;
  if (r === null) return '(nil)';
  if (Buffer.isBuffer(r)) return bulkText(r);
  if (typeof r === 'number' || typeof r === 'bigint') return String(r);
  if (typeof r === 'boolean') return r ? '(true)' : '(false)';
  if (r instanceof SimpleString) return r.value;
  if (r instanceof Double || r instanceof BigNumber) return r.text;
  if (r instanceof Verbatim) return bulkText(r.value);
  if (r instanceof ReplyError) return `(error) ${r.message}`;
  return JSON.stringify(toJson(r));
}

/** bytes as text: UTF-8 decoded, or escaped where they are not UTF-8 */
function bulkText(v: string | Buffer): string {
  return typeof v === 'string' ? v : isUtf8(v) ? v.toString('utf8') : escapeBytes(v);
}

function toJson(r: Reply): unknown {
  if (r === null || typeof r === 'string' || typeof r === 'number' || typeof r === 'boolean') return r;
  if (Buffer.isBuffer(r)) return isUtf8(r) ? r.toString('utf8') : { $base64: r.toString('base64') };
  // integers past 2^53 and big numbers are strings, as CONTRACT.md asks of sql
  if (typeof r === 'bigint') return r.toString();
  if (r instanceof BigNumber) return r.text;
  if (r instanceof SimpleString) return r.value;
  if (r instanceof Verbatim) return toJson(r.value);
  if (r instanceof Double) return Number.isFinite(r.value) ? r.value : r.text;
  if (r instanceof ReplyError) return { error: r.message };
  if (r instanceof ReplyMap) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of r.entries) {
      const key = cellText(k);
      // a stream or field named __proto__ (XREAD streams __proto__ 0) must stay a key, not replace the prototype
      if (key === '__proto__') Object.defineProperty(out, key, { value: toJson(v), enumerable: true, writable: true, configurable: true });
      else out[key] = toJson(v);
    }
    return out;
  }
  if (r instanceof ReplySet || r instanceof Push) return r.items.map(toJson);
  if (Array.isArray(r)) return r.map(toJson);
  return null;
}

const NAMED: Record<number, string> = { 0x5c: '\\\\', 0x22: '\\"', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x07: '\\a', 0x08: '\\b' };

/** a control character as redis-cli escapes it: `\n` for the named ones, else its UTF-8 bytes as \xHH */
function escapeChar(ch: string): string {
  return NAMED[ch.charCodeAt(0)] ?? hexEscape(ch);
}

/** Status and error text with its terminal controls escaped (the rest, quotes and backslashes too, as it is). */
export function escapeControls(text: string): string {
  return escapeTerminalControls(text, escapeChar);
}

/** `"…"` as redis-cli quotes a bulk string (sdscatrepr), keeping valid UTF-8 readable. */
export function quote(value: string | Buffer): string {
  if (typeof value !== 'string') {
    if (!isUtf8(value)) return `"${escapeBytes(value)}"`;
    value = value.toString('utf8');
  }
  let out = '';
  for (const ch of value) {
    const c = ch.codePointAt(0)!;
    if (NAMED[c] !== undefined) out += NAMED[c];
    else if (isTerminalControl(ch)) out += escapeChar(ch);
    else out += ch;
  }
  return `"${out}"`;
}

function escapeBytes(buf: Buffer): string {
  let out = '';
  for (const b of buf) {
    if (NAMED[b] !== undefined) out += NAMED[b];
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return out;
}
