/**
 * Runs one `db.COLL.method(…)` call, already mapped to its modern form (legacy-map.ts), on the driver and
 * shapes the reply as CONTRACT.md "Output" says: cursors stream as rows, single answers are values.
 */
import type { AbstractCursor, AggregationCursor, ClientSession, Collection, Db, Document, ExplainVerbosityLike, FindCursor } from 'mongodb';
import { deserialize } from 'bson';
import type { Result } from '../engine.js';
import type { DirectCollectionMethod } from '../../mongo-syntax/doc-methods.js';
import type { DocCall } from '../../mongo-syntax/doc-parser.js';
import type { ModernOp } from './legacy-map.js';
import { checkNoChain, planCursor, type CursorPlan } from './cursor-chain.js';
import { documentCodec, writeResultCodec } from './mongo-codec.js';
import { formatShellPretty } from '../../mongo-syntax/shell-format.js';

/** Documents per getMore: big enough to keep round trips rare, small enough to keep memory flat. */
export const BATCH_SIZE = 1000;

export interface OpEnv {
  db: Db;
  /** --transaction: the session every operation runs in */
  session?: ClientSession;
  /** wraps a driver error the way execute() does, for errors that surface while rows stream */
  wrap(e: unknown): unknown;
  /** called once a streamed result has been read to the end (or abandoned) */
  done(): void;
}

type Args = unknown[];
const doc = (v: unknown): Document => (v ?? {}) as Document;
/** an options argument, with the transaction's session when there is one */
const opts = (env: { session?: ClientSession }, v: unknown): Document => (env.session ? { ...doc(v), session: env.session } : doc(v));

function value(v: unknown): Result {
  return { kind: 'value', value: v, codec: documentCodec };
}

function written(v: unknown): Result {
  return { kind: 'value', value: v, codec: writeResultCodec };
}

/**
 * Streamed cursors ask the driver for raw BSON and decode each document here: the driver's lazy per-document
 * decoding allocates about half as much again, which shows as peak RSS on big results (bench/doc-find.sh).
 * bson's defaults are the driver's (promoteLongs, promoteValues, UTF-8 validation).
 */
const RAW = { raw: true } as const;
/** as the client is set up (mongo-target.ts): regexes as stored, even those JavaScript cannot compile */
const DECODE = { bsonRegExp: true } as const;

/** A cursor as a RowsResult; the first batch is fetched here, so a bad query fails before any output. */
async function rows(cursor: AbstractCursor<Uint8Array>, env: OpEnv, pretty = false): Promise<Result> {
  try {
    await cursor.hasNext();
  } catch (e) {
    await cursor.close().catch(() => undefined);
    throw e;
  }
  // one server batch at a time: the writers then await once per batch, not once per document
  async function* batches(): AsyncGenerator<Record<string, unknown>[]> {
    try {
      for (;;) {
        const first = await cursor.next();
        if (first === null) return;
        const batch = [deserialize(first, DECODE)];
        for (const raw of cursor.readBufferedDocuments()) batch.push(deserialize(raw, DECODE));
        yield batch;
      }
    } catch (e) {
      throw env.wrap(e);
    } finally {
      await cursor.close().catch(() => undefined);
      env.done();
    }
  }
  async function* stream(): AsyncGenerator<Record<string, unknown>> {
    for await (const batch of batches()) yield* batch;
  }
  const result: Result = { kind: 'rows', rows: stream(), chunks: batches(), codec: documentCodec };
  if (pretty) result.display = formatShellPretty;
  return result;
}

/** find(filter, projection, options) with its chain. */
export function findPlan(cmd: DocCall, args: Args): CursorPlan {
  const [, projection, options] = args;
  return planCursor(cmd, 'find', { ...doc(options), ...(projection ? { projection } : {}) });
}

/** aggregate(pipeline, options) with its chain. */
export function aggregatePlan(cmd: DocCall, args: Args): CursorPlan {
  return planCursor(cmd, 'aggregate', { ...doc(args[1]) });
}

/** Checks the chain of a call before anything is sent (split time). */
export function checkChain(cmd: DocCall, modern: ModernOp): void {
  if (cmd.target.type === 'db') checkNoChain(cmd);
  else if (modern.op === 'find') findPlan(cmd, modern.args);
  else if (modern.op === 'aggregate') aggregatePlan(cmd, modern.args);
  else checkNoChain(cmd);
}

async function find(coll: Collection, cmd: DocCall, args: Args, env: OpEnv): Promise<Result> {
  const filter = doc(args[0]);
  const plan = findPlan(cmd, args);
  const { terminal } = plan;
  const options = opts(env, plan.options);
  if (terminal.kind === 'count') {
    const { skip, limit, hint, collation, maxTimeMS, comment } = options;
    const countOptions: Record<string, unknown> = { hint, collation, maxTimeMS, comment, session: env.session };
    if (terminal.applySkipLimit) Object.assign(countOptions, { skip, limit: typeof limit === 'number' ? Math.abs(limit) || undefined : undefined });
    for (const key of Object.keys(countOptions)) if (countOptions[key] === undefined) delete countOptions[key];
    return value(await coll.countDocuments(filter, countOptions));
  }
  if (terminal.kind === 'explain') return explain(coll.find(filter, options), terminal.verbosity);
  return rows(coll.find(filter, { batchSize: BATCH_SIZE, ...options, ...RAW }) as unknown as AbstractCursor<Uint8Array>, env, plan.pretty);
}

async function explain(cursor: FindCursor | AggregationCursor, verbosity: string | undefined): Promise<Result> {
  try {
    // mongosh's default is the query plan alone; the driver's would run the query (allPlansExecution)
    return value(await cursor.explain((verbosity ?? 'queryPlanner') as ExplainVerbosityLike));
  } finally {
    await cursor.close().catch(() => undefined);
  }
}

async function aggregate(coll: Collection, cmd: DocCall, args: Args, env: OpEnv): Promise<Result> {
  const plan = aggregatePlan(cmd, args);
  const { terminal, pretty } = plan;
  const options = opts(env, plan.options);
  const pipeline = args[0] as Document[];
  if (terminal.kind === 'explain') return explain(coll.aggregate(pipeline, options), terminal.verbosity);
  return rows(coll.aggregate(pipeline, { batchSize: BATCH_SIZE, ...options, ...RAW }) as unknown as AbstractCursor<Uint8Array>, env, pretty);
}

/** mongosh shows a BulkWriteResult as a plain document of its counts. */
function bulkResult(r: Record<string, unknown>): Record<string, unknown> {
  const keys = ['insertedCount', 'insertedIds', 'matchedCount', 'modifiedCount', 'deletedCount', 'upsertedCount', 'upsertedIds'];
  const out: Record<string, unknown> = { acknowledged: true };
  for (const key of keys) if (r[key] !== undefined) out[key] = r[key];
  return out;
}

/** `drop()` of a collection that does not exist is false, as in mongosh; the server may report it as an error. */
async function drop(coll: Collection, options: Document): Promise<boolean> {
  try {
    return await coll.drop(options);
  } catch (e) {
    if ((e as { code?: unknown }).code === 26) return false;
    throw e;
  }
}

/** What a runner is given: the collection, the call as parsed and its arguments in their modern form. */
interface Call {
  coll: Collection;
  cmd: DocCall;
  args: Args;
  env: OpEnv;
}

/** One runner per method that runs as it is named (src/mongo-syntax/doc-methods.ts): none can be left out. */
const RUNNERS: Record<DirectCollectionMethod, (call: Call) => Promise<Result>> = {
  find: ({ coll, cmd, args, env }) => find(coll, cmd, args, env),
  aggregate: ({ coll, cmd, args, env }) => aggregate(coll, cmd, args, env),
  findOne: async ({ coll, args: [filter, projection, options], env }) =>
    value(await coll.findOne(doc(filter), { ...opts(env, options), ...(projection ? { projection: projection as Document } : {}) })),
  insertOne: async ({ coll, args: a, env }) => written(await coll.insertOne(doc(a[0]), opts(env, a[1]))),
  insertMany: async ({ coll, args: a, env }) => written(await coll.insertMany(a[0] as Document[], opts(env, a[1]))),
  updateOne: async ({ coll, args: a, env }) => written(await coll.updateOne(doc(a[0]), a[1] as Document, opts(env, a[2]))),
  updateMany: async ({ coll, args: a, env }) => written(await coll.updateMany(doc(a[0]), a[1] as Document, opts(env, a[2]))),
  replaceOne: async ({ coll, args: a, env }) => written(await coll.replaceOne(doc(a[0]), doc(a[1]), opts(env, a[2]))),
  deleteOne: async ({ coll, args: a, env }) => written(await coll.deleteOne(doc(a[0]), opts(env, a[1]))),
  deleteMany: async ({ coll, args: a, env }) => written(await coll.deleteMany(doc(a[0]), opts(env, a[1]))),
  countDocuments: async ({ coll, args: a, env }) => value(await coll.countDocuments(doc(a[0]), opts(env, a[1]))),
  estimatedDocumentCount: async ({ coll, args: a, env }) => value(await coll.estimatedDocumentCount(opts(env, a[0]))),
  distinct: async ({ coll, args: a, env }) => value(await coll.distinct(String(a[0]), doc(a[1]), opts(env, a[2]))),
  createIndex: async ({ coll, args: a, env }) => value(await coll.createIndex(a[0] as Document, opts(env, a[1]))),
  getIndexes: async ({ coll, args: a, env }) => value(await coll.indexes(opts(env, a[0]))),
  // the server's dropIndexes takes a name or a key pattern; the driver's dropIndex only a name
  dropIndex: async ({ coll, args: a, env }) => value(await env.db.command({ dropIndexes: coll.collectionName, index: a[0] }, opts(env, undefined))),
  drop: async ({ coll, args: a, env }) => value(await drop(coll, opts(env, a[0]))),
  findOneAndUpdate: async ({ coll, args: a, env }) => value(await coll.findOneAndUpdate(doc(a[0]), a[1] as Document, opts(env, a[2]))),
  findOneAndReplace: async ({ coll, args: a, env }) => value(await coll.findOneAndReplace(doc(a[0]), doc(a[1]), opts(env, a[2]))),
  findOneAndDelete: async ({ coll, args: a, env }) => value(await coll.findOneAndDelete(doc(a[0]), opts(env, a[1]))),
  // already shaped as mongosh shows it (counts and ids), not as an update's result
  bulkWrite: async ({ coll, args: a, env }) =>
    value(bulkResult((await coll.bulkWrite(a[0] as never, opts(env, a[1]))) as unknown as Record<string, unknown>)),
  // mongosh's db.coll.stats(): the server's collStats, scale as a number or { scale }
  stats: async ({ coll, args: a, env }) => {
    const scale = typeof a[0] === 'number' ? { scale: a[0] } : doc(a[0]);
    return value(await env.db.command({ collStats: coll.collectionName, ...scale }, opts(env, undefined)));
  },
};

export async function runCollectionOp(env: OpEnv, name: string, cmd: DocCall, modern: ModernOp): Promise<Result> {
  const op = modern.op as DirectCollectionMethod;
  // find and aggregate take a chain (.sort(), .limit(), …); every other method refuses one but .pretty()
  if (op !== 'find' && op !== 'aggregate') checkNoChain(cmd);
  return RUNNERS[op]({ coll: env.db.collection(name), cmd, args: modern.args, env });
}
