/**
 * A whole reply → the neutral Result the writers print. RESP3 types the aggregates (map, set, double), so the
 * shape decides, not the command name: a flat list of strings is a one-column table, a map of scalars a
 * field/value table, a list of [member, score] pairs a member/score table; anything else is one value that
 * prints as redis-cli would print it.
 */
import type { Result, RowsResult, ValueResult } from '../engine.js';
import { redisCodec } from './redis-reply-codec.js';
import { Double, ReplyMap, ReplySet, isAggregate, type Arg, type Reply } from './resp-types.js';

type Row = Record<string, unknown>;

/** RESP2 has no map type: these commands' flat replies are key/value pairs. */
const RESP2_MAP_COMMANDS = new Set(['hgetall', 'config|get']);

export function replyToResult(reply: Reply, args: readonly Arg[], protocol: 2 | 3 = 3): Result {
  if (protocol === 2) reply = resp2Typed(reply, args);
  if (Array.isArray(reply) || reply instanceof ReplySet) {
    const items = Array.isArray(reply) ? reply : reply.items;
    if (items.length === 0) return valueResult(reply);
    if (items.every((i) => i === null || Buffer.isBuffer(i))) return valuesRows(items);
    if (items.every(isScorePair)) {
      return scoreRows(items.map((p) => { const [m, s] = p as [Reply, Double]; return { member: m, score: s }; }));
    }
  }
  if (reply instanceof ReplyMap && reply.entries.length > 0 && reply.entries.every(([, v]) => !isAggregate(v))) {
    return mapRows(reply.entries.map(([field, value]) => ({ field, value })));
  }
  return valueResult(reply);
}

export function valueResult(value: Reply): ValueResult {
  return { kind: 'value', value, codec: redisCodec };
}

export function valuesRows(items: Iterable<Reply> | AsyncIterable<Reply>): RowsResult {
  return { kind: 'rows', columns: ['value'], json: 'values', codec: redisCodec, rows: mapRowsOf(items, (value) => ({ value })) };
}

export function mapRows(rows: Iterable<Row> | AsyncIterable<Row>): RowsResult {
  return { kind: 'rows', columns: ['field', 'value'], json: 'map', codec: redisCodec, rows: mapRowsOf(rows, (r) => r) };
}

export function scoreRows(rows: Iterable<Row> | AsyncIterable<Row>): RowsResult {
  return { kind: 'rows', columns: ['member', 'score'], json: 'objects', codec: redisCodec, rows: mapRowsOf(rows, (r) => r) };
}

function isScorePair(r: Reply): boolean {
  return Array.isArray(r) && r.length === 2 && Buffer.isBuffer(r[0]) && r[1] instanceof Double;
}

function mapRowsOf<T>(items: Iterable<T> | AsyncIterable<T>, toRow: (item: T) => Row): AsyncIterable<Row> {
  return {
    async *[Symbol.asyncIterator]() {
      for await (const item of items) yield toRow(item);
    },
  };
}

/** Gives RESP2 replies the types RESP3 would have: maps for HGETALL / CONFIG GET, score pairs for WITHSCORES. */
function resp2Typed(reply: Reply, args: readonly Arg[]): Reply {
  if (!Array.isArray(reply)) return reply;
  const words = args.map((a) => (typeof a === 'string' ? a : a.toString('latin1')).toLowerCase());
  const name = words[0] === 'config' ? `config|${words[1] ?? ''}` : words[0] ?? '';
  const pairs = (): [Reply, Reply][] => {
    const out: [Reply, Reply][] = [];
    for (let i = 0; i + 1 < reply.length; i += 2) out.push([reply[i]!, reply[i + 1]!]);
    return out;
  };
  if (RESP2_MAP_COMMANDS.has(name)) return new ReplyMap(pairs());
  if (name.startsWith('z') && words.includes('withscores')) {
    return pairs().map(([m, s]) => [m, new Double(Buffer.isBuffer(s) ? s.toString('latin1') : String(s))]);
  }
  return reply;
}
