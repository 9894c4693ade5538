/**
 * A streaming RESP2/RESP3 reply parser. It keeps a stack of half-built aggregates, so a reply of a million
 * elements arriving in 64 KB chunks is parsed once (never re-scanned from its start), and a large bulk string is
 * copied into its final buffer as it arrives.
 */
import { BulkArray, BulkArrayBuilder, bulkString } from './resp-bulk-array.js';
import {
  BigNumber, Double, OK, Push, QUEUED, ReplyError, ReplyMap, ReplySet, SimpleString, Verbatim, type Reply,
} from './resp-types.js';

interface Frame {
  type: number;
  items: Reply[];
  remaining: number;
  /** the reply was asked for as a BulkArray: its bulk strings are collected as bytes while they are all it holds */
  bulk?: BulkArrayBuilder;
}

interface PartialBulk {
  type: number;
  data: Buffer;
  filled: number;
}

const EMPTY = Buffer.alloc(0);
/** bulk strings at least this long are copied out of the socket chunks as they arrive */
const LARGE_BULK = 64 * 1024;

const T = {
  simple: 0x2b, error: 0x2d, integer: 0x3a, bulk: 0x24, array: 0x2a, // + - : $ *
  nil: 0x5f, bool: 0x23, double: 0x2c, bignum: 0x28, blobError: 0x21, // _ # , ( !
  verbatim: 0x3d, map: 0x25, set: 0x7e, attribute: 0x7c, push: 0x3e, // = % ~ | >
} as const;

export class RespProtocolError extends Error {
  override name = 'RespProtocolError';
}

export class RespParser {
  private buf: Buffer = EMPTY;
  private pos = 0;
  private stack: Frame[] = [];
  private partial: PartialBulk | null = null;

  private readonly onReply: (reply: Reply | BulkArray) => void;
  /** asked at each top-level array: whether its reply is wanted as a BulkArray (RespConnection.sendBulkArray) */
  private readonly wantsBulkArray?: () => boolean;

  constructor(onReply: (reply: Reply) => void);
  constructor(onReply: (reply: Reply | BulkArray) => void, wantsBulkArray: () => boolean);
  constructor(onReply: ((reply: Reply) => void) | ((reply: Reply | BulkArray) => void), wantsBulkArray?: () => boolean) {
    // without wantsBulkArray no BulkArray is ever delivered
    this.onReply = onReply as (reply: Reply | BulkArray) => void;
    this.wantsBulkArray = wantsBulkArray;
  }

  reset(): void {
    this.buf = EMPTY;
    this.pos = 0;
    this.stack = [];
    this.partial = null;
  }

  feed(chunk: Buffer): void {
    if (this.partial) {
      const p = this.partial;
      const n = Math.min(chunk.length, p.data.length - p.filled);
      chunk.copy(p.data, p.filled, 0, n);
      p.filled += n;
      if (p.filled < p.data.length) return;
      this.partial = null;
      this.bulkDone(p.type, p.data, 0, p.data.length - 2);
      chunk = chunk.subarray(n);
    }
    if (this.pos < this.buf.length) {
      this.buf = Buffer.concat([this.buf.subarray(this.pos), chunk]);
    } else {
      this.buf = chunk;
    }
    this.pos = 0;
    while (this.pos < this.buf.length && this.parseOkRun() && this.parseOne()) {
      // each successful parseOne consumed one element
    }
    if (this.pos >= this.buf.length) {
      this.buf = EMPTY;
      this.pos = 0;
    } else if (this.buf === chunk) {
      // the rest of an element still to come: a copy, since the caller may reuse the chunk's memory for its next read
      this.buf = Buffer.from(this.buf.subarray(this.pos));
      this.pos = 0;
    }
  }

  /**
   * The replies `+OK` at pos, delivered without the general parse: a script of SETs gets 100,000 of them. True when
   * bytes are left to parse.
   */
  private parseOkRun(): boolean {
    if (this.stack.length > 0) return true;
    const buf = this.buf;
    let pos = this.pos;
    const end = buf.length - 5;
    while (pos <= end && buf[pos] === 0x2b && buf[pos + 1] === 0x4f && buf[pos + 2] === 0x4b && buf[pos + 3] === 13 && buf[pos + 4] === 10) {
      pos += 5;
      this.pos = pos;
      this.onReply(OK);
    }
    return pos < buf.length;
  }

  /** Parses one element at pos; false when more bytes are needed (pos is left at the element's start). */
  private parseOne(): boolean {
    const buf = this.buf;
    const start = this.pos;
    const end = buf.length;
    // header lines are a few bytes long: a plain loop beats a native indexOf call per element
    let cr = start + 1;
    while (cr < end && buf[cr] !== 13) cr++;
    if (cr + 1 >= end) return false;
    if (buf[cr + 1] !== 10) throw new RespProtocolError('expected CRLF');
    const type = buf[start]!;
    const next = cr + 2;
    switch (type) {
      case T.simple: {
        this.pos = next;
        const len = cr - start - 1;
        if (len === 2 && buf[start + 1] === 0x4f && buf[start + 2] === 0x4b) return this.deliver(OK);
        if (len === 6 && buf.toString('latin1', start + 1, cr) === 'QUEUED') return this.deliver(QUEUED);
        return this.deliver(new SimpleString(buf.toString('utf8', start + 1, cr)));
      }
      case T.error:
        this.pos = next;
        return this.deliver(new ReplyError(buf.toString('utf8', start + 1, cr)));
      case T.integer:
        this.pos = next;
        return this.deliver(parseInteger(buf, start + 1, cr));
      case T.nil:
        this.pos = next;
        return this.deliver(null);
      case T.bool:
        this.pos = next;
        return this.deliver(buf[start + 1] === 0x74);
      case T.double:
        this.pos = next;
        return this.deliver(new Double(buf.toString('latin1', start + 1, cr)));
      case T.bignum:
        this.pos = next;
        return this.deliver(new BigNumber(buf.toString('latin1', start + 1, cr)));
      case T.bulk:
      case T.verbatim:
      case T.blobError: {
        const len = Number(parseInteger(buf, start + 1, cr));
        if (len < 0) {
          this.pos = next;
          return this.deliver(null);
        }
        const end = next + len;
        if (end + 2 <= buf.length) {
          this.pos = end + 2;
          return this.bulkDone(type, buf, next, end);
        }
        if (len >= LARGE_BULK) {
          const data = Buffer.allocUnsafe(len + 2);
          const filled = buf.copy(data, 0, next);
          this.partial = { type, data, filled };
          this.pos = buf.length;
        }
        return false;
      }
      case T.array:
      case T.set:
      case T.push:
      case T.map:
      case T.attribute: {
        const count = Number(parseInteger(buf, start + 1, cr));
        this.pos = next;
        if (count < 0) return this.deliver(null);
        const remaining = type === T.map || type === T.attribute ? count * 2 : count;
        const frame: Frame = { type, items: [], remaining };
        if (type === T.array && this.stack.length === 0 && remaining > 0 && this.wantsBulkArray?.()) {
          frame.bulk = new BulkArrayBuilder(remaining);
        }
        if (remaining === 0) return this.complete(frame);
        this.stack.push(frame);
        return true;
      }
      default:
        throw new RespProtocolError(`unexpected reply type byte 0x${type.toString(16)}`);
    }
  }

  /** a bulk string parsed: into the BulkArray being collected, else delivered as a value */
  private bulkDone(type: number, buf: Buffer, start: number, end: number): boolean {
    const top = this.stack[this.stack.length - 1];
    if (!top?.bulk || type !== T.bulk) return this.deliver(this.bulkValue(type, buf, start, end));
    top.bulk.add(buf, start, end);
    if (--top.remaining > 0) return true;
    this.stack.pop();
    return this.deliverValue(top.bulk.build());
  }

  private bulkValue(type: number, buf: Buffer, start: number, end: number): Reply {
    if (type === T.blobError) return new ReplyError(buf.toString('utf8', start, end));
    // verbatim strings start with a 3-letter format and a colon: "txt:…"
    if (type === T.verbatim) return new Verbatim(bulkString(buf, Math.min(start + 4, end), end));
    return bulkString(buf, start, end);
  }

  /** a finished BulkArray: only ever a top-level reply */
  private deliverValue(value: BulkArray): boolean {
    this.onReply(value);
    return true;
  }

  private complete(frame: Frame): boolean {
    switch (frame.type) {
      case T.set:
        return this.deliver(new ReplySet(frame.items));
      case T.push:
        return this.deliver(new Push(frame.items));
      case T.map: {
        const entries: [Reply, Reply][] = [];
        for (let i = 0; i < frame.items.length; i += 2) entries.push([frame.items[i]!, frame.items[i + 1]!]);
        return this.deliver(new ReplyMap(entries));
      }
      case T.attribute:
        // attributes are metadata before the real reply; nothing uses them yet
        return true;
      default:
        return this.deliver(frame.items);
    }
  }

  private deliver(value: Reply): boolean {
    const top = this.stack[this.stack.length - 1];
    if (!top) {
      this.onReply(value);
      return true;
    }
    if (top.bulk) {
      // not a bulk string after all (a nil, a nested array): the array is made of values from here on
      top.items = top.bulk.items();
      top.bulk = undefined;
    }
    top.items.push(value);
    if (--top.remaining > 0) return true;
    this.stack.pop();
    return this.complete(top);
  }
}

function parseInteger(buf: Buffer, from: number, to: number): number | bigint {
  let i = from;
  let negative = false;
  if (buf[i] === 0x2d) {
    negative = true;
    i++;
  }
  if (to - i > 15) {
    const big = BigInt(buf.toString('latin1', from, to));
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }
  let n = 0;
  for (; i < to; i++) n = n * 10 + (buf[i]! - 48);
  return negative ? -n : n;
}
