// find / getMore / killCursors / count / distinct / aggregate.
import { aggregate } from 'mingo';
import { compare } from 'mingo/util';
import { Long } from 'bson';
import type { Document } from 'bson';
import { typedOf, viewOf } from './doc-bytes.js';
import { intOption, isPlainDoc, orderLike, restoreTypes, toView, valueKey } from './bson-values.js';
import { collectionArg, type CommandContext, type CommandHandler } from './command-types.js';
import { DEFAULT_FIRST_BATCH } from './cursor-registry.js';
import { collectPathValues } from './doc-paths.js';
import { Collection } from './memory-store.js';
import { matching, requireDoc, scan } from './query-engine.js';
import { CommandError } from './server-errors.js';
import { withIdFirst } from './update-engine.js';

function nonNegative(cmd: Document, field: string, fallback: number): number {
  const value = intOption(cmd[field], fallback);
  if (value < 0) throw new CommandError(51024, `BSON field '${field}' value must be >= 0, actual value '${value}'`);
  return value;
}

function find(cmd: Document, ctx: CommandContext): Uint8Array {
  const name = collectionArg(cmd, 'find');
  let limit = intOption(cmd.limit, 0);
  let singleBatch = cmd.singleBatch === true;
  if (limit < 0) {
    // legacy negative limit: one batch of |limit| documents
    limit = -limit;
    singleBatch = true;
  }
  let batchSize = nonNegative(cmd, 'batchSize', DEFAULT_FIRST_BATCH);
  if (limit > 0) batchSize = Math.min(batchSize, limit);
  const source = scan(ctx.store.getCollection(ctx.db, name), {
    filter: requireDoc(cmd.filter, 'filter'),
    sort: requireDoc(cmd.sort, 'sort'),
    projection: requireDoc(cmd.projection, 'projection'),
    skip: nonNegative(cmd, 'skip', 0),
    limit,
  });
  return ctx.cursors.firstBatch(`${ctx.db}.${name}`, source, batchSize, singleBatch);
}

function getMore(cmd: Document, ctx: CommandContext): Uint8Array {
  const id = cmd.getMore;
  if (!(id instanceof Long)) throw new CommandError(14, "BSON field 'getMore.getMore' is the wrong type, expected type 'long'");
  const name = collectionArg(cmd, 'collection');
  return ctx.cursors.getMore(id, `${ctx.db}.${name}`, nonNegative(cmd, 'batchSize', 0));
}

function killCursors(cmd: Document, ctx: CommandContext): Document {
  const ids: unknown[] = Array.isArray(cmd.cursors) ? cmd.cursors : [];
  const killed: Long[] = [];
  const notFound: Long[] = [];
  for (const id of ids) {
    if (id instanceof Long) (ctx.cursors.kill(id) ? killed : notFound).push(id);
  }
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
}

function count(cmd: Document, ctx: CommandContext): Document {
  const name = collectionArg(cmd, 'count');
  const limit = Math.abs(intOption(cmd.limit, 0));
  let n = 0;
  for (const _ of scan(ctx.store.getCollection(ctx.db, name), {
    filter: requireDoc(cmd.query, 'query'), sort: {}, projection: {}, skip: nonNegative(cmd, 'skip', 0), limit,
  })) n++;
  return { n, ok: 1 };
}

function distinct(cmd: Document, ctx: CommandContext): Document {
  const name = collectionArg(cmd, 'distinct');
  if (typeof cmd.key !== 'string') throw new CommandError(14, "BSON field 'distinct.key' is missing or is the wrong type, expected type 'string'");
  const seen = new Map<string, unknown>();
  for (const stored of matching(ctx.store.getCollection(ctx.db, name), requireDoc(cmd.query, 'query'))) {
    for (const value of collectPathValues(typedOf(stored), cmd.key)) {
      const key = valueKey(value);
      if (!seen.has(key)) seen.set(key, value);
    }
  }
  // mongod gathers distinct values in an ordered BSON set, so they come back sorted.
  const values = [...seen.values()].sort((a, b) => compare(toView(a), toView(b)));
  return { values, ok: 1 };
}

function runAggregate(cmd: Document, ctx: CommandContext): Uint8Array {
  if (!isPlainDoc(cmd.cursor) && cmd.explain !== true) {
    throw new CommandError(9, "The 'cursor' option is required, except for aggregate with the explain argument");
  }
  if (!Array.isArray(cmd.pipeline)) throw new CommandError(14, "'pipeline' option must be specified as an array");
  const collectionless = typeof cmd.aggregate !== 'string';
  const name = collectionless ? '$cmd.aggregate' : collectionArg(cmd, 'aggregate');
  const stages = cmd.pipeline as Document[];
  if (stages.some((stage) => isPlainDoc(stage) && '$merge' in stage)) {
    throw new CommandError(2, 'test server: $merge is not supported');
  }
  const outStage = stages.length > 0 && isPlainDoc(stages[stages.length - 1]) && '$out' in stages[stages.length - 1]
    ? stages[stages.length - 1].$out : undefined;
  const pipeline = (outStage === undefined ? stages : stages.slice(0, -1)).map((stage) => toView(stage) as Document);

  // Stages such as $match pass input objects through untouched; those go out as the stored bytes, types intact.
  const original = new Map<Document, Uint8Array>();
  const views = collectionless ? [] : (ctx.store.getCollection(ctx.db, name)?.docs ?? []).map((stored) => {
    const view = viewOf(stored);
    original.set(view, stored);
    return view;
  });
  const resolver = (other: string): Document[] => (ctx.store.getCollection(ctx.db, other)?.docs ?? []).map(viewOf);
  const coll = ctx.store.getCollection(ctx.db, name);
  const reshapedOnly = stages.every((stage) => isPlainDoc(stage) && RESHAPING_STAGES.has(Object.keys(stage)[0]));
  const results = aggregate(views, pipeline, { collectionResolver: resolver })
    .map((doc) => original.get(doc) ?? (reshapedOnly ? withStoredTypes(doc, coll) : doc));

  if (outStage !== undefined) {
    if (typeof outStage !== 'string') throw new CommandError(2, 'test server: only $out: <collection name> is supported');
    // Like mongod, fill a new collection (keeping the target's options and indexes) and swap it in only
    // when every document went in, so a failing $out leaves the target as it was.
    const previous = ctx.store.getCollection(ctx.db, outStage);
    const target = new Collection(ctx.db, outStage, previous?.options);
    for (const spec of previous?.indexes ?? []) if (spec.name !== '_id_') target.addIndex(spec);
    for (const doc of results) target.insert(doc instanceof Uint8Array ? typedOf(doc) : withIdFirst(doc));
    ctx.store.putCollection(target);
    return ctx.cursors.firstBatch(`${ctx.db}.${name}`, [][Symbol.iterator](), 0, true);
  }
  const cursorOptions = isPlainDoc(cmd.cursor) ? cmd.cursor : {};
  const batchSize = intOption(cursorOptions.batchSize, DEFAULT_FIRST_BATCH);
  return ctx.cursors.firstBatch(`${ctx.db}.${name}`, results[Symbol.iterator](), batchSize, false);
}

/** Stages after which each output document is still the input document with the same `_id`, reshaped. */
const RESHAPING_STAGES = new Set(['$match', '$sort', '$skip', '$limit', '$project', '$addFields', '$set', '$unset', '$sample']);

/** Such an output document gets the stored types and field order of the input it came from. */
function withStoredTypes(doc: Document, coll: Collection | undefined): Document {
  const stored = '_id' in doc ? coll?.findById(doc._id) : undefined;
  if (stored === undefined) return doc;
  const typed = typedOf(stored);
  return orderLike(restoreTypes(doc, typed) as Document, typed);
}

/**
 * explain of a find or aggregate: the shape of mongod's reply (queryPlanner, and executionStats when asked for),
 * with a collection scan as the plan, which is all this server does.
 */
function explain(cmd: Document, ctx: CommandContext): Document {
  const inner = requireDoc(cmd.explain, 'explain') ?? {};
  const op = Object.keys(inner)[0];
  if (op !== 'find' && op !== 'aggregate' && op !== 'count' && op !== 'distinct') {
    throw new CommandError(2, `Explain failed due to unknown command: ${String(op)}`);
  }
  const name = collectionArg(inner, op);
  const filter = (op === 'aggregate' ? undefined : requireDoc(inner.filter ?? inner.query, 'filter')) ?? {};
  const reply: Document = {
    explainVersion: '1',
    queryPlanner: { namespace: `${ctx.db}.${name}`, parsedQuery: filter, winningPlan: { stage: 'COLLSCAN', filter, direction: 'forward' }, rejectedPlans: [] },
    command: { ...inner, $db: ctx.db },
    ok: 1,
  };
  if (cmd.verbosity === 'executionStats' || cmd.verbosity === 'allPlansExecution') {
    const docs = ctx.store.getCollection(ctx.db, name)?.docs.length ?? 0;
    let returned = 0;
    for (const _ of scan(ctx.store.getCollection(ctx.db, name), { filter, sort: {}, projection: {}, skip: 0, limit: 0 })) returned++;
    reply.executionStats = { executionSuccess: true, nReturned: returned, totalKeysExamined: 0, totalDocsExamined: docs };
  }
  return reply;
}

export const readCommands: Record<string, CommandHandler> = {
  explain,
  find,
  getMore,
  killCursors,
  count,
  distinct,
  aggregate: runAggregate,
};
