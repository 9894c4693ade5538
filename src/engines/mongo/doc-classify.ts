/**
 * Safety classification of a parsed doc statement (CONTRACT.md "Safety"): which calls write, and which are
 * destructive enough to confirm — dropDatabase, drop, and a delete/remove whose filter is empty.
 */
import type { Classification } from '../engine.js';
import { methodSpec } from '../../mongo-syntax/doc-methods.js';
import type { DocCommand } from '../../mongo-syntax/doc-parser.js';

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

/** What the table of methods (src/mongo-syntax/doc-methods.ts) says of the call; aggregate by its stages. */
export function classifyDoc(cmd: DocCommand): Classification {
  if (cmd.kind !== 'call') return { write: false, destructive: false };
  const found = methodSpec(cmd.target.type === 'db' ? 'db' : 'collection', cmd.method);
  if (!found) return { write: false, destructive: false }; // refused before it runs (legacy-map.ts)
  if (found.name === 'aggregate') return { write: pipelineWrites(cmd.args), destructive: false };
  const { writes, destructive } = found.spec;
  return { write: writes, destructive: destructive === 'always' || (destructive === 'empty-filter' && isEmptyFilter(cmd.args[0])) };
}
