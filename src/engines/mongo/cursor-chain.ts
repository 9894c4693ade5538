/**
 * The calls chained after a statement's method (`.sort() .limit() .skip() .count() .toArray() .pretty()
 * .projection()` and friends) → cursor options and a terminal action. Pure and checked before anything is
 * sent: an unknown or misplaced chain call is a usage error (exit 2).
 */
import { ParseError, UsageError } from '../../errors.js';
import type { DocCall, DocChainCall, SourcePosition } from '../../mongo-syntax/doc-parser.js';
import { formatShellValue } from '../../mongo-syntax/shell-format.js';

/** What happens to the cursor at the end of the chain. */
export type Terminal =
  | { kind: 'rows' }
  /** legacy cursor.count(applySkipLimit): counts the filter, skip/limit ignored unless asked for */
  | { kind: 'count'; applySkipLimit: boolean }
  | { kind: 'explain'; verbosity?: string };

export interface CursorPlan {
  options: Record<string, unknown>;
  terminal: Terminal;
  /** `.pretty()`: documents printed as mongosh prints them, not as table rows */
  pretty: boolean;
}

/** Cursor methods that only take options: name → option key and the kind of value. */
// null prototype: `.constructor()` or `.toString()` must be an unknown cursor method, not Object's
const OPTION_CALLS: Record<string, { key: string; kind: 'doc' | 'number' | 'any' | 'string' | 'boolean' }> = Object.assign(Object.create(null) as Record<string, never>, {
  limit: { key: 'limit', kind: 'number' },
  skip: { key: 'skip', kind: 'number' },
  projection: { key: 'projection', kind: 'doc' },
  project: { key: 'projection', kind: 'doc' },
  batchSize: { key: 'batchSize', kind: 'number' },
  maxTimeMS: { key: 'maxTimeMS', kind: 'number' },
  hint: { key: 'hint', kind: 'any' },
  collation: { key: 'collation', kind: 'doc' },
  comment: { key: 'comment', kind: 'any' },
  min: { key: 'min', kind: 'doc' },
  max: { key: 'max', kind: 'doc' },
  allowDiskUse: { key: 'allowDiskUse', kind: 'boolean' },
  noCursorTimeout: { key: 'noCursorTimeout', kind: 'boolean' },
});

/** Chain calls an aggregate cursor takes. */
const AGGREGATE_CALLS = new Set(['toArray', 'pretty', 'batchSize', 'maxTimeMS', 'comment', 'hint', 'explain', 'allowDiskUse']);

/** Calls that end the chain: nothing may follow them. */
const TERMINALS = new Set(['count', 'size', 'itcount', 'explain']);

/** Exit 2, with a caret at `at`, else at the call's first argument, else at its method name. */
function fail(cmd: DocCall, call: DocChainCall, message: string, hint?: string, at?: SourcePosition): never {
  const where = at ?? call.at?.args[0] ?? call.at?.method;
  const opts = { engine: 'doc' as const, statement: cmd.text, hint };
  // a chain call built by hand (not by the parser) has no position
  if (!where) throw new UsageError(`.${call.method}(): ${message}`, opts);
  throw new ParseError(`.${call.method}(): ${message}`, where.line, where.column, opts);
}

function isDoc(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !('_bsontype' in v) && !(v instanceof Date) && !(v instanceof RegExp);
}

function checkArg(cmd: DocCall, call: DocChainCall, kind: string, value: unknown): unknown {
  if (call.args.length > 1) fail(cmd, call, `takes one argument, got ${call.args.length}`, undefined, call.at?.args[1]);
  if (value === undefined && (kind === 'boolean' || kind === 'any')) {
    return kind === 'boolean' ? true : fail(cmd, call, 'needs an argument', undefined, call.at?.close);
  }
  switch (kind) {
    case 'number': {
      const n = typeof value === 'object' && value !== null && 'toNumber' in value ? (value as { toNumber(): number }).toNumber() : value;
      if (typeof n !== 'number' || !Number.isInteger(n)) fail(cmd, call, `takes a whole number, got ${value === undefined ? 'nothing' : formatShellValue(value)}`, undefined, call.at?.args[0] ?? call.at?.close);
      if (call.method !== 'limit' && n < 0) fail(cmd, call, `takes a number ≥ 0, got ${n}`);
      return n;
    }
    case 'doc':
      if (!isDoc(value)) fail(cmd, call, `takes a document { … }, got ${formatShellValue(value)}`);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') fail(cmd, call, `takes true or false, got ${formatShellValue(value)}`);
      return value;
    case 'string':
      if (typeof value !== 'string') fail(cmd, call, `takes a string, got ${formatShellValue(value)}`);
      return value;
    default:
      return value;
  }
}

/** The sort spec: `sort({a: 1, b: -1})`, or the two-argument `sort('a', -1)` the driver also takes. */
function sortSpec(cmd: DocCall, call: DocChainCall): unknown {
  const [spec, direction] = call.args;
  if (isDoc(spec) && direction === undefined) return spec;
  if (typeof spec === 'string' && spec !== '' && call.args.length <= 2) return direction === undefined ? { [spec]: 1 } : { [spec]: direction };
  return fail(cmd, call, `takes a document like { age: -1 }, got ${call.args.map(formatShellValue).join(', ') || 'nothing'}`, '.sort({ field: 1 }) ascending, .sort({ field: -1 }) descending');
}

/** The plan for a find() or aggregate() cursor; `base` are the options the method's own arguments gave. */
export function planCursor(cmd: DocCall, op: 'find' | 'aggregate', base: Record<string, unknown>): CursorPlan {
  const options: Record<string, unknown> = { ...base };
  let terminal: Terminal = { kind: 'rows' };
  let pretty = false;
  cmd.chain.forEach((call, i) => {
    if (terminal.kind !== 'rows') fail(cmd, call, `nothing can follow .${cmd.chain[i - 1]!.method}()`, undefined, call.at?.method);
    if (op === 'aggregate' && !AGGREGATE_CALLS.has(call.method)) {
      fail(cmd, call, 'is not a method of an aggregate cursor', 'an aggregate cursor takes .toArray(), .pretty(), .batchSize(), .maxTimeMS(), .explain()', call.at?.method);
    }
    const method = call.method;
    if (method === 'toArray' || method === 'pretty') {
      if (call.args.length > 0) fail(cmd, call, 'takes no arguments');
      // a later call would have nothing to act on: toArray() returns an array, not a cursor
      if (method === 'toArray' && i < cmd.chain.length - 1) fail(cmd, cmd.chain[i + 1]!, 'cannot follow .toArray()', undefined, cmd.chain[i + 1]!.at?.method);
      pretty ||= method === 'pretty';
      return;
    }
    if (method === 'sort') {
      options.sort = sortSpec(cmd, call);
      return;
    }
    if (TERMINALS.has(method)) {
      if (method === 'explain') {
        const v = call.args[0];
        if (call.args.length > 1 || (v !== undefined && typeof v !== 'string' && typeof v !== 'boolean')) {
          fail(cmd, call, "takes a verbosity: 'queryPlanner', 'executionStats' or 'allPlansExecution'");
        }
        terminal = { kind: 'explain', verbosity: typeof v === 'string' ? v : v === true ? 'allPlansExecution' : undefined };
        return;
      }
      if (method === 'count') {
        const v = call.args[0];
        if (call.args.length > 1 || (v !== undefined && typeof v !== 'boolean')) fail(cmd, call, 'takes true (apply skip and limit) or nothing');
        terminal = { kind: 'count', applySkipLimit: v === true };
      } else {
        // size() and itcount() count what the cursor would return: skip and limit included
        if (call.args.length > 0) fail(cmd, call, 'takes no arguments');
        terminal = { kind: 'count', applySkipLimit: true };
      }
      return;
    }
    const spec = OPTION_CALLS[method];
    if (!spec) {
      const known = ['sort', 'limit', 'skip', 'count', 'toArray', 'pretty', 'projection', 'size', 'itcount', 'explain', 'batchSize', 'maxTimeMS', 'hint', 'collation', 'comment'];
      fail(cmd, call, 'is not a cursor method', `a find() cursor takes ${known.map((k) => `.${k}()`).join(' ')}`, call.at?.method);
    }
    options[spec.key] = checkArg(cmd, call, spec.kind, call.args[0]);
  });
  return { options, terminal, pretty };
}

/** Methods whose result is not a cursor accept only `.pretty()` after them (the value then prints indented). */
export function checkNoChain(cmd: DocCall): void {
  for (const call of cmd.chain) {
    if (call.method === 'pretty' && call.args.length === 0) continue;
    fail(cmd, call, `cannot follow ${cmd.method}(): it does not return a cursor`, undefined, call.at?.method);
  }
}
