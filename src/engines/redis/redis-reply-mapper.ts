/**
 * A whole reply → the neutral Result the writers print. RESP3 types the aggregates (map, set, double), so the
 * shape decides, not the command name: a flat list of strings is a one-column table, a map of scalars a
 * field/value table, a list of [member, score] pairs a member/score table; anything else is one value that
 * prints as redis-cli would print it.
 */
import type { Result, RowsResult, ValueResult } from '../engine.js';
import { redisCodec, textReportCodec } from './redis-reply-codec.js';
import {
  Double, OK, argWord, ReplyMap, ReplySet, Verbatim, isAggregate, isBulk, replyText, type Arg, type Reply,
} from './resp-types.js';

type Row = Record<string, unknown>;

/** RESP2 has no map type: these commands' flat replies are key/value pairs. */
const RESP2_MAP_COMMANDS = new Set(['hgetall', 'config|get']);
/** flat member, score, member, score… in RESP2 without a WITHSCORES word (RESP3 sends [member, score] pairs) */
const SCORE_POPS = new Set(['zpopmin', 'zpopmax']);

/**
 * Reports made of lines, which redis-cli prints as they are rather than as one quoted string (its cliSendCommand
 * forces raw output for them): INFO, CLIENT LIST, MEMORY DOCTOR, CLUSTER NODES, LOLWUT…
 */
const TEXT_REPORTS = new Set([
  'info', 'lolwut', 'client|list', 'client|info', 'memory|doctor', 'memory|malloc-stats', 'cluster|nodes',
  'cluster|info', 'latency|doctor', 'latency|graph', 'debug|htstats', 'debug|htstats-key', 'debug|client-eviction',
]);
/** the first words of TEXT_REPORTS: only these need their arguments looked at */
export const TEXT_REPORT_COMMANDS = new Set([...TEXT_REPORTS].map((n) => n.split('|')[0]!));

export function replyToResult(reply: Reply, args: readonly Arg[], protocol: 2 | 3 = 3): Result {
  // a script of 100,000 SETs gets one shared result object back
  if (reply === OK) return OK_RESULT;
  if ((isBulk(reply) || reply instanceof Verbatim) && args.length > 0 && isTextReport(args)) {
    return { kind: 'value', value: reply, codec: textReportCodec };
  }
  // RESP2 has the shapes, not the types: what prints when no table fits is the reply as it came
  const typed = protocol === 2 ? resp2Typed(reply, args) : reply;
  if (Array.isArray(typed) || typed instanceof ReplySet) {
    const items = Array.isArray(typed) ? typed : typed.items;
    if (items.length === 0) return valueResult(reply);
    if (items.every((i) => i === null || isBulk(i))) return valuesRows(items.map((value) => ({ value })));
    if (items.every(isScorePair)) return scoreRows(items.map(scoreRow));
  }
  if (typed instanceof ReplyMap && typed.entries.length > 0 && typed.entries.every(([, v]) => !isAggregate(v))) {
    return mapRows(typed.entries.map(([field, value]) => ({ field, value })), protocol);
  }
  return valueResult(reply);
}

// `failure` is there, undefined: the runner asks every result for it, and a property an object lacks is a slow look-up
const OK_RESULT: ValueResult = Object.freeze({ kind: 'value', value: OK, codec: redisCodec, failure: undefined });

export function valueResult(value: Reply): ValueResult {
  return { kind: 'value', value, codec: redisCodec };
}

/** Rows as an array, or as a source of chunks (undefined = no more) for replies that stream. */
export type RowSource = Row[] | (() => Promise<Row[] | undefined>);

export function valuesRows(rows: RowSource): RowsResult {
  return { kind: 'rows', columns: ['value'], shape: 'values', codec: redisCodec, ...chunked(rows) };
}

/** `redis-cli --raw` prints a RESP2 hash as field and value on lines of their own, a RESP3 map as `field value` */
export function mapRows(rows: RowSource, protocol: 2 | 3): RowsResult {
  return { kind: 'rows', columns: ['field', 'value'], shape: 'map', rawJoin: protocol === 3 ? ' ' : '\n', codec: redisCodec, ...chunked(rows) };
}

/** WITHSCORES: member and score on lines of their own under --format raw, whichever the protocol */
export function scoreRows(rows: RowSource): RowsResult {
  return { kind: 'rows', columns: ['member', 'score'], shape: 'objects', rawJoin: '\n', codec: redisCodec, ...chunked(rows) };
}

/** The rows both ways: one at a time (`rows`) and as the chunks arrive (`chunks`); a consumer reads one of them. */
function chunked(source: RowSource): { rows: AsyncIterable<Row>; chunks: AsyncIterable<Row[]> } {
  return { rows: chunkedRows(source), chunks: chunkGroups(source) };
}

async function* chunkGroups(source: RowSource): AsyncGenerator<Row[]> {
  if (Array.isArray(source)) {
    yield source;
    return;
  }
  for (let chunk = await source(); chunk !== undefined; chunk = await source()) yield chunk;
}

/**
 * An async iterator over chunks that hands out each row as an already-resolved promise: a million-row reply
 * costs one promise per row, not the several microtasks per row of stacked async generators.
 */
function chunkedRows(source: RowSource): AsyncIterable<Row> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<Row> {
      let chunk: Row[] = Array.isArray(source) ? source : [];
      let i = 0;
      let done = Array.isArray(source);
      const iterator: AsyncIterator<Row> = {
        next(): Promise<IteratorResult<Row>> {
          if (i < chunk.length) return Promise.resolve({ value: chunk[i++]!, done: false });
          if (done) return Promise.resolve({ value: undefined, done: true });
          return (source as () => Promise<Row[] | undefined>)().then((next) => {
            if (next === undefined) done = true;
            else {
              chunk = next;
              i = 0;
            }
            return iterator.next();
          });
        },
        return(): Promise<IteratorResult<Row>> {
          done = true;
          chunk = [];
          return Promise.resolve({ value: undefined, done: true });
        },
      };
      return iterator;
    },
  };
}

function isTextReport(args: readonly Arg[]): boolean {
  const name = argWord(args[0]);
  if (!TEXT_REPORT_COMMANDS.has(name)) return false;
  return TEXT_REPORTS.has(name) || TEXT_REPORTS.has(`${name}|${argWord(args[1])}`);
}


/** a RESP3 [member, score] pair as a row */
export function scoreRow(pair: Reply): Row {
  const [member, score] = pair as [Reply, Reply];
  return { member, score: score instanceof Double ? score : new Double(replyText(score)) };
}

function isScorePair(r: Reply): boolean {
  return Array.isArray(r) && r.length === 2 && isBulk(r[0]) && r[1] instanceof Double;
}

/** Gives RESP2 replies the types RESP3 would have: maps for HGETALL / CONFIG GET, score pairs for WITHSCORES. */
function resp2Typed(reply: Reply, args: readonly Arg[]): Reply {
  if (!Array.isArray(reply)) return reply;
  const words = args.map(argWord);
  const name = words[0] === 'config' ? `config|${words[1] ?? ''}` : words[0] ?? '';
  const pairs = (): [Reply, Reply][] => {
    const out: [Reply, Reply][] = [];
    for (let i = 0; i + 1 < reply.length; i += 2) out.push([reply[i]!, reply[i + 1]!]);
    return out;
  };
  if (RESP2_MAP_COMMANDS.has(name)) return new ReplyMap(pairs());
  if ((name.startsWith('z') && words.includes('withscores')) || (SCORE_POPS.has(name) && reply.length % 2 === 0)) {
    return pairs().map(([m, s]) => [m, new Double(replyText(s))]);
  }
  return reply;
}
