/**
 * RESP replies as plain values. A bulk string is a JS string when its bytes are valid UTF-8 (decoding is exact
 * and reversible then, and a string is far cheaper than a Buffer view per element of a million-item reply) and
 * a Buffer otherwise, so binary values survive byte for byte. RESP3's typed aggregates keep their type so the
 * reply mapper needs no list of "commands that return a map".
 */

/** A command word: plain text, or bytes when an escape produced something that is not UTF-8. */
export type Arg = string | Buffer;

/** A command word as text, to compare with names (bytes one char each, so no byte is lost); '' when absent. */
export function argText(a: Arg | undefined): string {
  if (a === undefined) return '';
  return typeof a === 'string' ? a : a.toString('latin1');
}

/** A command word lower-cased, to compare with command names. */
export function argWord(a: Arg | undefined): string {
  return argText(a).toLowerCase();
}

/** `+OK` — printed unquoted by redis-cli. */
export class SimpleString {
  constructor(readonly value: string) {}
}

/** `,3.5` — a RESP3 double; the server's own text is kept for display (`"3.5"`, `inf`). */
export class Double {
  readonly value: number;
  constructor(readonly text: string) {
    this.value = text === 'inf' ? Infinity : text === '-inf' ? -Infinity : Number(text);
  }
}

/** `(123456789012345678901` — a RESP3 big number, kept as text. */
export class BigNumber {
  constructor(readonly text: string) {}
}

/**
 * `=` — a RESP3 verbatim string (`txt:` + text): redis-cli prints it as it is, never quoted. The format prefix is
 * dropped.
 */
export class Verbatim {
  constructor(readonly value: string | Buffer) {}
}

/** `~` — a RESP3 set. */
export class ReplySet {
  constructor(readonly items: Reply[]) {}
}

/** `%` — a RESP3 map, as [key, value] pairs in server order (keys may be binary). */
export class ReplyMap {
  constructor(readonly entries: [Reply, Reply][]) {}
}

/** `>` — an out-of-band RESP3 push (pub/sub messages, tracking invalidations). */
export class Push {
  constructor(readonly items: Reply[]) {}
}

/** `-ERR …` / `!…` — an error reply. A value, not an exception: a pipeline carries on past it. */
export class ReplyError {
  /** the first word: ERR, WRONGTYPE, MOVED, NOAUTH… */
  readonly prefix: string;
  /** the text after the prefix */
  readonly text: string;
  constructor(readonly message: string) {
    const space = message.indexOf(' ');
    const first = space < 0 ? message : message.slice(0, space);
    // A prefix is an upper-case word; some module errors have none.
    if (/^[A-Z][A-Z0-9_]*$/.test(first)) {
      this.prefix = first;
      this.text = space < 0 ? '' : message.slice(space + 1);
    } else {
      this.prefix = 'ERR';
      this.text = message;
    }
  }
}

export type Reply =
  | string
  | Buffer
  | number
  | bigint
  | boolean
  | null
  | SimpleString
  | Double
  | BigNumber
  | Verbatim
  | ReplySet
  | ReplyMap
  | Push
  | ReplyError
  | Reply[];

/** Interned replies: a 100,000-line script of SETs gets the same `OK` object back each time. */
export const OK = new SimpleString('OK');
export const QUEUED = new SimpleString('QUEUED');

/** a bulk string: text, or bytes that are not UTF-8 */
export function isBulk(r: Reply | undefined): r is string | Buffer {
  return typeof r === 'string' || Buffer.isBuffer(r);
}

export function isAggregate(r: Reply): r is Reply[] | ReplySet | ReplyMap | Push {
  return Array.isArray(r) || r instanceof ReplySet || r instanceof ReplyMap || r instanceof Push;
}

/** The reply as text (bulk strings decoded as UTF-8), for internal use: docs, flags, cursors. */
export function replyText(r: Reply): string {
  if (typeof r === 'string') return r;
  if (Buffer.isBuffer(r)) return r.toString('utf8');
  if (r instanceof SimpleString) return r.value;
  if (r instanceof Double || r instanceof BigNumber) return r.text;
  if (r instanceof Verbatim) return replyText(r.value);
  if (r instanceof ReplyError) return r.message;
  return String(r);
}

/** Items of an array or set reply; maps give their flattened pairs (as RESP2 would). */
export function replyItems(r: Reply): Reply[] {
  if (Array.isArray(r)) return r;
  if (r instanceof ReplySet || r instanceof Push) return r.items;
  if (r instanceof ReplyMap) return r.entries.flat();
  return [];
}

/** A map reply (or RESP2's flat key/value array) as a lookup by text key. */
export function replyRecord(r: Reply): Map<string, Reply> {
  const out = new Map<string, Reply>();
  if (r instanceof ReplyMap) {
    for (const [k, v] of r.entries) out.set(replyText(k), v);
  } else if (Array.isArray(r)) {
    for (let i = 0; i + 1 < r.length; i += 2) out.set(replyText(r[i]!), r[i + 1]!);
  }
  return out;
}
