/**
 * How Redis replies print. `display` is redis-cli on a terminal (its cliFormatReplyTTY, with the RESP2 look
 * users know: maps as flat numbered lists, scores as quoted strings); `raw` is `redis-cli --raw`; `json` follows
 * CONTRACT.md (bytes that are not UTF-8 → {"$base64": …}). One difference from redis-cli: text that is valid
 * UTF-8 prints as characters, not as \xHH escapes, so CJK values stay readable.
 */
import { isUtf8 } from 'node:buffer';
import type { ValueCodec } from '../engine.js';
import {
  BigNumber, Double, Push, ReplyError, ReplyMap, ReplySet, SimpleString, isAggregate, replyItems, type Reply,
} from './resp-types.js';

export const redisCodec: ValueCodec = {
  text: (v) => cellText(v as Reply),
  json: (v) => toJson(v as Reply),
  display: (v) => tty(v as Reply, '').replace(/\n$/, ''),
  raw: (v) => rawText(v as Reply).replace(/\n$/, ''),
};

/** INFO, CLIENT LIST, …: the report's lines as they are (CRLF as LF), in the table format and in raw. */
export const textReportCodec: ValueCodec = {
  ...redisCodec,
  display: (v) => reportText(v as Reply),
  raw: (v) => reportText(v as Reply),
};

function reportText(r: Reply): string {
  const text = Buffer.isBuffer(r) ? r.toString('utf8') : typeof r === 'string' ? r : cellText(r);
  return text.replace(/\r\n/g, '\n').replace(/\n$/, '');
}

function tty(r: Reply, prefix: string): string {
  if (isAggregate(r)) {
    const items = replyItems(r);
    if (items.length === 0) return '(empty array)\n';
    const width = String(items.length).length;
    const childPrefix = prefix + ' '.repeat(width + 2);
    let out = '';
    for (let i = 0; i < items.length; i++) {
      out += `${i === 0 ? '' : prefix}${String(i + 1).padStart(width)}) ${tty(items[i]!, childPrefix)}`;
    }
    return out;
  }
  return `${scalarDisplay(r)}\n`;
}

function scalarDisplay(r: Reply): string {
  if (r === null) return '(nil)';
  if (typeof r === 'string' || Buffer.isBuffer(r)) return quote(r);
  if (typeof r === 'number' || typeof r === 'bigint') return `(integer) ${r}`;
  if (typeof r === 'boolean') return `(integer) ${r ? 1 : 0}`;
  if (r instanceof SimpleString) return r.value;
  if (r instanceof Double) return `"${r.text}"`;
  if (r instanceof BigNumber) return `(integer) ${r.text}`;
  if (r instanceof ReplyError) return `(error) ${r.message}`;
  return String(r);
}

function rawText(r: Reply): string {
  if (isAggregate(r)) return replyItems(r).map(rawText).join('');
  if (r === null) return '\n';
  if (typeof r === 'string') return `${r}\n`;
  if (Buffer.isBuffer(r)) return `${r.toString('utf8')}\n`;
  if (typeof r === 'boolean') return `${r ? 1 : 0}\n`;
  return `${cellText(r)}\n`;
}

/** A table / csv cell. */
function cellText(r: Reply): string {
  if (typeof r === 'string') return r;
  if (r === null) return '(nil)';
  if (Buffer.isBuffer(r)) return isUtf8(r) ? r.toString('utf8') : escapeBytes(r);
  if (typeof r === 'number' || typeof r === 'bigint' || typeof r === 'boolean') return String(r);
  if (r instanceof SimpleString) return r.value;
  if (r instanceof Double || r instanceof BigNumber) return r.text;
  if (r instanceof ReplyError) return `(error) ${r.message}`;
  return JSON.stringify(toJson(r));
}

function toJson(r: Reply): unknown {
  if (r === null || typeof r === 'string' || typeof r === 'number' || typeof r === 'boolean') return r;
  if (Buffer.isBuffer(r)) return isUtf8(r) ? r.toString('utf8') : { $base64: r.toString('base64') };
  // integers past 2^53 and big numbers are strings, as CONTRACT.md asks of sql
  if (typeof r === 'bigint') return r.toString();
  if (r instanceof BigNumber) return r.text;
  if (r instanceof SimpleString) return r.value;
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
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
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
