/**
 * Replies too big to hold: LRANGE / ZRANGE / ZREVRANGE over a large collection are fetched in index ranges,
 * SMEMBERS / HGETALL through SSCAN / HSCAN, one chunk ahead of the writer. KEYS never runs as KEYS: it is a SCAN
 * loop on every master (so it never blocks the server), deduplicated and sorted.
 *
 * A streamed reply is not a snapshot: writes made by others while it streams may show up (or not), and the
 * SCAN family may repeat an element when the server rehashes meanwhile.
 */
import type { Result } from '../engine.js';
import { mapRows, scoreRows, valueResult, valuesRows } from './redis-reply-mapper.js';
import type { Router } from './redis-router.js';
import { Double, ReplyError, replyItems, replyText, type Arg, type Reply } from './resp-types.js';

/** collections up to this size come back in one reply, as usual */
export const STREAM_THRESHOLD = 10_000;
const RANGE_CHUNK = 10_000;
const SCAN_COUNT = 1000;

type Fail = (err: ReplyError) => Promise<Error>;

interface Plan {
  sizeCommand: string;
  run(router: Router, size: number, fail: Fail): Result;
}

/** The streamed Result, or undefined when the command is not one of these or the collection is small. */
export async function streamIfLarge(router: Router, args: readonly Arg[], fail: Fail): Promise<Result | undefined> {
  const plan = planFor(args);
  if (!plan) return undefined;
  const size = await router.send([plan.sizeCommand, args[1]!]);
  // WRONGTYPE and friends: let the real command report it
  if (typeof size !== 'number' || size <= STREAM_THRESHOLD) return undefined;
  return plan.run(router, size, fail);
}

function planFor(args: readonly Arg[]): Plan | undefined {
  const words = args.map(text);
  const name = words[0]!.toLowerCase();
  if (name === 'smembers' && args.length === 2) {
    return { sizeCommand: 'SCARD', run: (r, _n, fail) => valuesRows(scan(r, ['SSCAN', args[1]!], fail)) };
  }
  if (name === 'hgetall' && args.length === 2) {
    return {
      sizeCommand: 'HLEN',
      run: (r, _n, fail) => mapRows(pairs(scan(r, ['HSCAN', args[1]!], fail), (field, value) => ({ field, value }))),
    };
  }
  const isInt = (w: string | undefined): boolean => w !== undefined && /^-?\d+$/.test(w);
  if (!isInt(words[2]) || !isInt(words[3])) return undefined;
  const start = Number(words[2]);
  const stop = Number(words[3]);
  if (name === 'lrange' && args.length === 4) {
    return { sizeCommand: 'LLEN', run: (r, n, fail) => valuesRows(ranges(r, 'LRANGE', args[1]!, start, stop, n, false, fail)) };
  }
  if ((name === 'zrange' || name === 'zrevrange') && args.length <= 5) {
    const extra = words[4]?.toLowerCase();
    if (extra !== undefined && extra !== 'withscores') return undefined;
    const withScores = extra === 'withscores';
    const cmd = name.toUpperCase();
    return {
      sizeCommand: 'ZCARD',
      run: (r, n, fail) => {
        const items = ranges(r, cmd, args[1]!, start, stop, n, withScores, fail);
        return withScores ? scoreRows(pairs(items, (member, score) => ({ member, score: asDouble(score) }))) : valuesRows(items);
      },
    };
  }
  return undefined;
}

/** LRANGE-style index ranges in chunks, the next chunk requested before the current one is handed out. */
async function* ranges(
  router: Router, cmd: string, key: Arg, start: number, stop: number, size: number, withScores: boolean, fail: Fail,
): AsyncGenerator<Reply> {
  const from = start < 0 ? Math.max(0, size + start) : start;
  const to = stop < 0 ? size + stop : Math.min(stop, size - 1);
  const fetch = (i: number): Promise<Reply> => {
    const args: Arg[] = [cmd, key, String(i), String(Math.min(i + RANGE_CHUNK - 1, to))];
    if (withScores) args.push('WITHSCORES');
    const p = router.send(args);
    p.catch(() => undefined); // a consumer that stops early leaves one prefetch behind
    return p;
  };
  let next = from <= to ? fetch(from) : undefined;
  for (let i = from; next !== undefined; i += RANGE_CHUNK) {
    const reply = await next;
    next = i + RANGE_CHUNK <= to ? fetch(i + RANGE_CHUNK) : undefined;
    if (reply instanceof ReplyError) throw await fail(reply);
    for (const item of replyItems(reply)) {
      // RESP3 WITHSCORES gives [member, score] pairs; flatten them like RESP2 for pairs()
      if (Array.isArray(item)) yield* item;
      else yield item;
    }
  }
}

/** SSCAN / HSCAN until the cursor comes back to 0. */
async function* scan(router: Router, base: Arg[], fail: Fail): AsyncGenerator<Reply> {
  let cursor = '0';
  do {
    const reply = await router.send([...base, cursor, 'COUNT', String(SCAN_COUNT)]);
    if (reply instanceof ReplyError) throw await fail(reply);
    const [next, items] = replyItems(reply);
    cursor = text(next);
    yield* replyItems(items ?? []);
  } while (cursor !== '0');
}

async function* pairs<T>(items: AsyncIterable<Reply>, make: (a: Reply, b: Reply) => T): AsyncGenerator<T> {
  let first: Reply | undefined;
  let have = false;
  for await (const item of items) {
    if (!have) {
      first = item;
      have = true;
    } else {
      yield make(first!, item);
      have = false;
    }
  }
}

/** KEYS pattern as a SCAN loop on every master: the same set of keys, sorted, without blocking the server. */
export async function keysByScan(router: Router, pattern: Arg, fail: Fail): Promise<Result> {
  const seen = new Map<string, Buffer>();
  for (const conn of await router.masters()) {
    let cursor = '0';
    do {
      const reply = await conn.send(['SCAN', cursor, 'MATCH', pattern, 'COUNT', String(SCAN_COUNT)]);
      if (reply instanceof ReplyError) throw await fail(reply);
      const [next, keys] = replyItems(reply);
      cursor = text(next);
      for (const k of replyItems(keys ?? [])) {
        if (Buffer.isBuffer(k)) seen.set(k.toString('latin1'), k);
      }
    } while (cursor !== '0');
  }
  const keys = [...seen.values()].sort(Buffer.compare);
  return keys.length === 0 ? valueResult([]) : valuesRows(keys);
}

function asDouble(r: Reply): Reply {
  return r instanceof Double ? r : new Double(replyText(r));
}

function text(a: Arg | Reply | undefined): string {
  if (a === undefined || a === null) return '';
  if (typeof a === 'string') return a;
  return replyText(a as Reply);
}
