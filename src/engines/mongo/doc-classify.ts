/**
 * Safety classification of a parsed doc statement (CONTRACT.md "Safety"): which calls write, and which are
 * destructive enough to confirm — dropDatabase, drop, and a delete/remove whose filter is empty.
 */
import type { Classification } from '../engine.js';
import type { DocCommand } from '../../mongo-syntax/doc-parser.js';

const COLLECTION_WRITES = new Set([
  'insert',
  'insertOne',
  'insertMany',
  'insert_one',
  'insert_many',
  'update',
  'updateOne',
  'updateMany',
  'replaceOne',
  'remove',
  'deleteOne',
  'deleteMany',
  'drop',
  'createIndex',
  'dropIndex',
  'findOneAndUpdate',
  'findOneAndDelete',
  'findOneAndReplace',
  'bulkWrite',
]);

const DB_WRITES = new Set(['dropDatabase', 'createCollection']);

const DELETES = new Set(['remove', 'deleteOne', 'deleteMany']);

/** Stages that write the pipeline's output to a collection. */
const WRITING_STAGES = ['$out', '$merge'];

function isEmptyFilter(filter: unknown): boolean {
  return filter === undefined || (typeof filter === 'object' && filter !== null && !Array.isArray(filter) && Object.keys(filter).length === 0);
}

function pipelineWrites(args: unknown[]): boolean {
  // aggregate([...]) or the legacy aggregate({$match…}, {$out…})
  const stages = Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  return stages.some((s) => typeof s === 'object' && s !== null && WRITING_STAGES.some((k) => Object.hasOwn(s, k)));
}

export function classifyDoc(cmd: DocCommand): Classification {
  if (cmd.kind !== 'call') return { write: false, destructive: false };
  if (cmd.target.type === 'db') {
    return { write: DB_WRITES.has(cmd.method), destructive: cmd.method === 'dropDatabase' };
  }
  if (cmd.method === 'aggregate') return { write: pipelineWrites(cmd.args), destructive: false };
  const write = COLLECTION_WRITES.has(cmd.method);
  const destructive = cmd.method === 'drop' || (DELETES.has(cmd.method) && isEmptyFilter(cmd.args[0]));
  return { write, destructive };
}
