/**
 * Runs one `db.COLL.method(…)` call, already mapped to its modern form (legacy-map.ts), on the driver and
 * shapes the reply as CONTRACT.md "Output" says: cursors stream as rows, single answers are values.
 */
import type { AbstractCursor, AggregationCursor, Collection, Db, Document, ExplainVerbosityLike, FindCursor } from 'mongodb';
import { deserialize } from 'bson';
import type { Result } from '../engine.js';
import type { DocCall } from '../../mongo-syntax/doc-parser.js';
import type { ModernOp } from './legacy-map.js';
import { checkNoChain, planCursor, type CursorPlan } from './cursor-chain.js';
import { documentCodec, writeResultCodec } from './mongo-codec.js';

/** Documents per getMore: big enough to keep round trips rare, small enough to keep memory flat. */
export const BATCH_SIZE = 1000;

export interface OpEnv {
  db: Db;
  /** wraps a driver error the way execute() does, for errors that surface while rows stream */
  wrap(e: unknown): unknown;
  /** called once a streamed result has been read to the end (or abandoned) */
  done(): void;
}

type Args = unknown[];
const doc = (v: unknown): Document => (v ?? {}) as Document;

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
async function rows(cursor: AbstractCursor<Uint8Array>, env: OpEnv): Promise<Result> {
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
  return { kind: 'rows', rows: stream(), chunks: batches(), codec: documentCodec };
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
  const { options, terminal } = findPlan(cmd, args);
  if (terminal.kind === 'count') {
    const { skip, limit, hint, collation, maxTimeMS, comment } = options;
    const countOptions: Record<string, unknown> = { hint, collation, maxTimeMS, comment };
    if (terminal.applySkipLimit) Object.assign(countOptions, { skip, limit: typeof limit === 'number' ? Math.abs(limit) || undefined : undefined });
    for (const key of Object.keys(countOptions)) if (countOptions[key] === undefined) delete countOptions[key];
    return value(await coll.countDocuments(filter, countOptions));
  }
  if (terminal.kind === 'explain') return explain(coll.find(filter, options), terminal.verbosity);
  return rows(coll.find(filter, { batchSize: BATCH_SIZE, ...options, ...RAW }) as unknown as AbstractCursor<Uint8Array>, env);
}

async function explain(cursor: FindCursor | AggregationCursor, verbosity: string | undefined): Promise<Result> {
  try {
    return value(verbosity === undefined ? await cursor.explain() : await cursor.explain(verbosity as ExplainVerbosityLike));
  } finally {
    await cursor.close().catch(() => undefined);
  }
}

async function aggregate(coll: Collection, cmd: DocCall, args: Args, env: OpEnv): Promise<Result> {
  const { options, terminal } = aggregatePlan(cmd, args);
  const pipeline = args[0] as Document[];
  if (terminal.kind === 'explain') return explain(coll.aggregate(pipeline, options), terminal.verbosity);
  return rows(coll.aggregate(pipeline, { batchSize: BATCH_SIZE, ...options, ...RAW }) as unknown as AbstractCursor<Uint8Array>, env);
}

/** mongosh shows a BulkWriteResult as a plain document of its counts. */
function bulkResult(r: Record<string, unknown>): Record<string, unknown> {
  const keys = ['insertedCount', 'matchedCount', 'modifiedCount', 'deletedCount', 'upsertedCount', 'insertedIds', 'upsertedIds'];
  const out: Record<string, unknown> = { acknowledged: true };
  for (const key of keys) if (r[key] !== undefined) out[key] = r[key];
  return out;
}

/** `drop()` of a collection that does not exist is false, as in mongosh; the server may report it as an error. */
async function drop(coll: Collection, args: Args): Promise<boolean> {
  try {
    return await coll.drop(doc(args[0]));
  } catch (e) {
    if ((e as { code?: unknown }).code === 26) return false;
    throw e;
  }
}

export async function runCollectionOp(env: OpEnv, name: string, cmd: DocCall, modern: ModernOp): Promise<Result> {
  const coll = env.db.collection(name);
  const a = modern.args;
  switch (modern.op) {
    case 'find':
      return find(coll, cmd, a, env);
    case 'aggregate':
      return aggregate(coll, cmd, a, env);
  }
  checkNoChain(cmd);
  switch (modern.op) {
    case 'findOne': {
      const [filter, projection, options] = a;
      return value(await coll.findOne(doc(filter), { ...doc(options), ...(projection ? { projection: projection as Document } : {}) }));
    }
    case 'insertOne':
      return written(await coll.insertOne(doc(a[0]), doc(a[1])));
    case 'insertMany':
      return written(await coll.insertMany(a[0] as Document[], doc(a[1])));
    case 'updateOne':
      return written(await coll.updateOne(doc(a[0]), a[1] as Document, doc(a[2])));
    case 'updateMany':
      return written(await coll.updateMany(doc(a[0]), a[1] as Document, doc(a[2])));
    case 'replaceOne':
      return written(await coll.replaceOne(doc(a[0]), doc(a[1]), doc(a[2])));
    case 'deleteOne':
      return written(await coll.deleteOne(doc(a[0]), doc(a[1])));
    case 'deleteMany':
      return written(await coll.deleteMany(doc(a[0]), doc(a[1])));
    case 'countDocuments':
      return value(await coll.countDocuments(doc(a[0]), doc(a[1])));
    case 'estimatedDocumentCount':
      return value(await coll.estimatedDocumentCount(doc(a[0])));
    case 'distinct':
      return value(await coll.distinct(String(a[0]), doc(a[1]), doc(a[2])));
    case 'createIndex':
      return value(await coll.createIndex(a[0] as Document, doc(a[1])));
    case 'getIndexes':
      return value(await coll.indexes(doc(a[0])));
    case 'dropIndex':
      // the server's dropIndexes takes a name or a key pattern; the driver's dropIndex only a name
      return value(await env.db.command({ dropIndexes: name, index: a[0] }));
    case 'drop':
      return value(await drop(coll, a));
    case 'findOneAndUpdate':
      return value(await coll.findOneAndUpdate(doc(a[0]), a[1] as Document, doc(a[2])));
    case 'findOneAndReplace':
      return value(await coll.findOneAndReplace(doc(a[0]), doc(a[1]), doc(a[2])));
    case 'findOneAndDelete':
      return value(await coll.findOneAndDelete(doc(a[0]), doc(a[1])));
    case 'bulkWrite':
      return written(bulkResult((await coll.bulkWrite(a[0] as never, doc(a[1]))) as unknown as Record<string, unknown>));
    default:
      throw new Error(`db.${name}.${modern.op}() has no runner`);
  }
}
