/**
 * Replies too big to hold: LRANGE / ZRANGE / ZREVRANGE over a large collection are fetched in index ranges,
 * SMEMBERS / HGETALL through SSCAN / HSCAN, one chunk ahead of the writer. KEYS never runs as KEYS: it is a SCAN
 * loop on every master (so it never blocks the server), deduplicated and sorted.
 *
 * A streamed reply is not a snapshot: writes made by others while it streams may show up (or not), and the
 * SCAN family may repeat an element when the server rehashes meanwhile.
 */
import type { Result, RowsResult } from '../engine.js';
import { redisCodec } from './redis-reply-codec.js';
import { mapRows, scoreRow, scoreRows, valueResult, valuesRows, type RowSource } from './redis-reply-mapper.js';
import { BulkArray, jsonLinesOf } from './resp-bulk-array.js';
import type { Router } from './redis-router.js';
import { ReplyError, ReplyMap, ReplySet, replyItems, replyText, type Arg, type Reply } from './resp-types.js';

type Row = Record<string, unknown>;
/** a chunk of the reply: its elements, or (LRANGE on a standalone server) their bytes */
type Items = Reply[] | BulkArray;
type Source = () => Promise<Items | undefined>;

/** collections up to this size come back in one reply, as usual */
export const STREAM_THRESHOLD = 10_000;
const RANGE_CHUNK = 10_000;
const SCAN_COUNT = 1000;

type Fail = (err: ReplyError) => Promise<Error>;
/** whether the next ranges are asked for as bytes (BulkArray) */
interface Reading {
  bytes: boolean;
}

interface Plan {
  sizeCommand: string;
  /** the chunks of the reply */
  source(router: Router, size: number, fail: Fail, reading: Reading): Source;
  /** a chunk's rows */
  rows(items: Reply[]): Row[];
  /** the Result over them */
  result(rows: RowSource, protocol: 2 | 3): RowsResult;
  /** one value per row, as the chunks hold them: ndjson can be written from the chunks (jsonLines) */
  values?: boolean;
  /** what the command answers when there is nothing to show, in the connection's protocol */
  empty(protocol: 2 | 3): Reply;
}

/** The streamed Result, or undefined when the command is not one of these or the collection is small. */
export async function streamIfLarge(router: Router, args: readonly Arg[], fail: Fail): Promise<Result | undefined> {
  const plan = planFor(args);
  if (!plan) return undefined;
  const size = await router.send([plan.sizeCommand, args[1]!]);
  // WRONGTYPE and friends: let the real command report it
  if (typeof size !== 'number' || size <= STREAM_THRESHOLD) return undefined;
  const protocol = router.protocol;
  // the ranges come as bytes until a writer asks for rows: then as values (bytes and their values at once would
  // hold twice the memory; only the ndjson writer reads the bytes themselves)
  const reading: Reading = { bytes: plan.values === true };
  const source = plan.source(router, size, fail, reading);
  // a range outside the list, or a set emptied meanwhile, prints as redis-cli prints an empty reply: no empty table
  let first = await source();
  while (first !== undefined && first.length === 0) first = await source();
  if (first === undefined) return valueResult(plan.empty(protocol));
  let pending: Items | undefined = first;
  const take: Source = async () => {
    if (pending === undefined) return source();
    const chunk = pending;
    pending = undefined;
    return chunk;
  };
  const result = plan.result(async () => {
    reading.bytes = false;
    const items = await take();
    return items && plan.rows(itemsOf(items));
  }, protocol);
  if (plan.values) result.jsonLines = jsonLines(take);
  return result;
}

function itemsOf(items: Items): Reply[] {
  return items instanceof BulkArray ? items.items() : items;
}

/** ndjson of one value per row, a chunk at a time: what NdjsonWriter prints from the rows, byte for byte */
async function* jsonLines(take: Source): AsyncIterable<{ text: string | Uint8Array; rows: number }> {
  const json = (v: Reply): unknown => redisCodec.json(v);
  for (let items = await take(); items !== undefined; items = await take()) {
    if (items instanceof BulkArray) yield { text: jsonLinesOf(items, json), rows: items.length };
    else yield { text: items.map((v) => `${JSON.stringify(json(v)) ?? 'null'}\n`).join(''), rows: items.length };
  }
}

const asValues = (items: Reply[]): Row[] => items.map((value) => ({ value }));

function planFor(args: readonly Arg[]): Plan | undefined {
  const words = args.map(text);
  const name = words[0]!.toLowerCase();
  if (name === 'smembers' && args.length === 2) {
    return {
      sizeCommand: 'SCARD',
      source: (r, _n, fail) => scan(r, ['SSCAN', args[1]!], fail),
      rows: asValues,
      result: (rows) => valuesRows(rows),
      empty: (p) => (p === 3 ? new ReplySet([]) : []),
    };
  }
  if (name === 'hgetall' && args.length === 2) {
    return {
      sizeCommand: 'HLEN',
      source: (r, _n, fail) => scan(r, ['HSCAN', args[1]!], fail),
      rows: (items) => {
        const rows: Row[] = [];
        for (let i = 0; i + 1 < items.length; i += 2) rows.push({ field: items[i], value: items[i + 1] });
        return rows;
      },
      result: (rows, p) => mapRows(rows, p),
      empty: (p) => (p === 3 ? new ReplyMap([]) : []),
    };
  }
  const isInt = (w: string | undefined): boolean => w !== undefined && /^-?\d+$/.test(w);
  if (!isInt(words[2]) || !isInt(words[3])) return undefined;
  const start = Number(words[2]);
  const stop = Number(words[3]);
  const empty = (): Reply => [];
  if (name === 'lrange' && args.length === 4) {
    return {
      sizeCommand: 'LLEN',
      source: (r, n, fail, reading) => ranges(r, ['LRANGE', args[1]!], start, stop, n, fail, reading),
      rows: asValues,
      values: true,
      result: (rows) => valuesRows(rows),
      empty,
    };
  }
  if ((name === 'zrange' || name === 'zrevrange') && args.length <= 5) {
    const extra = words[4]?.toLowerCase();
    if (extra !== undefined && extra !== 'withscores') return undefined;
    const cmd = [name.toUpperCase(), args[1]!];
    if (extra === undefined) {
      return {
        sizeCommand: 'ZCARD',
        source: (r, n, fail, reading) => ranges(r, cmd, start, stop, n, fail, reading),
        rows: asValues,
        values: true,
        result: (rows) => valuesRows(rows),
        empty,
      };
    }
    return {
      sizeCommand: 'ZCARD',
      source: (r, n, fail) => ranges(r, cmd, start, stop, n, fail, { bytes: false }, ['WITHSCORES']),
      rows: (items) => {
        if (items.every(Array.isArray)) return items.map(scoreRow); // RESP3: [member, score] pairs
        const rows: Row[] = [];
        for (let i = 0; i + 1 < items.length; i += 2) rows.push(scoreRow([items[i]!, items[i + 1]!]));
        return rows;
      },
      result: (rows) => scoreRows(rows),
      empty,
    };
  }
  return undefined;
}

/**
 * LRANGE-style index ranges in chunks, the next chunk requested before the current one is handed out. A standalone
 * server's ranges come as their bytes (BulkArray) while `reading.bytes` holds: until a writer asks for rows.
 */
function ranges(
  router: Router, cmd: Arg[], start: number, stop: number, size: number, fail: Fail, reading: Reading, extra: Arg[] = [],
): Source {
  const from = start < 0 ? Math.max(0, size + start) : start;
  const to = stop < 0 ? size + stop : Math.min(stop, size - 1);
  const fetch = (i: number): Promise<Reply | BulkArray> => {
    const words = [...cmd, String(i), String(Math.min(i + RANGE_CHUNK - 1, to)), ...extra];
    const p = reading.bytes && router.sendBulkArray ? router.sendBulkArray(words) : router.send(words);
    p.catch(() => undefined); // a consumer that stops early leaves one prefetch behind
    return p;
  };
  let at = from;
  let next = from <= to ? fetch(from) : undefined;
  return async () => {
    if (next === undefined) return undefined;
    const reply = await next;
    at += RANGE_CHUNK;
    next = at <= to ? fetch(at) : undefined;
    if (reply instanceof ReplyError) throw await fail(reply);
    return reply instanceof BulkArray ? reply : replyItems(reply);
  };
}

/** SSCAN / HSCAN until the cursor comes back to 0. */
function scan(router: Router, base: Arg[], fail: Fail): Source {
  let cursor: string | undefined = '0';
  return async () => {
    if (cursor === undefined) return undefined;
    const reply = await router.send([...base, cursor, 'COUNT', String(SCAN_COUNT)]);
    if (reply instanceof ReplyError) throw await fail(reply);
    if (!Array.isArray(reply)) throw await fail(new ReplyError(`ERR unexpected ${String(base[0])} reply`));
    const [next, items] = replyItems(reply);
    cursor = text(next) === '0' ? undefined : text(next);
    return replyItems(items ?? []);
  };
}

/** KEYS pattern as a SCAN loop on every master: the same set of keys, sorted, without blocking the server. */
export async function keysByScan(router: Router, pattern: Arg, fail: Fail): Promise<Result> {
  const seen = new Map<string, string | Buffer>();
  for (const conn of await router.masters()) {
    let cursor = '0';
    do {
      const reply = await conn.send(['SCAN', cursor, 'MATCH', pattern, 'COUNT', String(SCAN_COUNT)]);
      if (reply instanceof ReplyError) throw await fail(reply);
      if (!Array.isArray(reply)) throw await fail(new ReplyError(`ERR unexpected SCAN reply`));
      const [next, keys] = replyItems(reply);
      cursor = text(next);
      for (const k of replyItems(keys ?? [])) {
        // text and bytes that are not UTF-8 can never be the same key
        if (typeof k === 'string') seen.set(`t${k}`, k);
        else if (Buffer.isBuffer(k)) seen.set(`b${k.toString('latin1')}`, k);
      }
    } while (cursor !== '0');
  }
  const keys = [...seen.values()].sort(byBytes);
  return keys.length === 0 ? valueResult([]) : valuesRows(keys.map((value) => ({ value })));
}

/** KEYS order: by bytes, as redis-cli users would sort them */
function byBytes(a: string | Buffer, b: string | Buffer): number {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function text(a: Arg | Reply | undefined): string {
  if (a === undefined || a === null) return '';
  if (typeof a === 'string') return a;
  return replyText(a as Reply);
}
