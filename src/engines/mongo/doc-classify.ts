/**
 * Safety classification of a parsed doc statement (CONTRACT.md "Safety"): which calls write, and which are
 * destructive enough to confirm — dropDatabase, drop, and a delete/remove whose filter is empty.
 */
import type { Classification } from '../engine.js';
import { commandClass, isEmptyDoc, methodSpec, pipelineWrites } from '../../mongo-syntax/doc-methods.js';
import type { DocCommand } from '../../mongo-syntax/doc-parser.js';

/** What the table of methods (src/mongo-syntax/doc-methods.ts) says of the call; aggregate by its stages. */
export function classifyDoc(cmd: DocCommand): Classification {
  if (cmd.kind !== 'call') return { write: false, destructive: false };
  const found = methodSpec(cmd.target.type === 'db' ? 'db' : 'collection', cmd.method);
  if (!found) return { write: false, destructive: false }; // refused before it runs (legacy-map.ts)
  // aggregate([...]) or the legacy aggregate({$match…}, {$out…})
  if (found.name === 'aggregate') return { write: pipelineWrites(Array.isArray(cmd.args[0]) ? cmd.args[0] : cmd.args), destructive: false };
  if (found.spec.byCommand) {
    const { writes, destructive } = commandClass(cmd.args[0]);
    return { write: writes, destructive };
  }
  const { writes, destructive } = found.spec;
  return { write: writes, destructive: destructive === 'always' || (destructive === 'empty-filter' && isEmptyDoc(cmd.args[0])) };
}
