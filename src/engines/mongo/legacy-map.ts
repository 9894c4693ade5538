/**
 * Maps a parsed doc call onto the modern driver method it stands for, keeping the legacy shell's semantics
 * (mongosh packages/shell-api/src/collection.ts is the model), and checks every call's arguments before
 * anything is sent. Pure: no driver import, so it is tested without a server.
 */
import { ParseError, UsageError } from '../../errors.js';
import type { DocCall, SourcePosition } from '../../mongo-syntax/doc-parser.js';
import { methodSpec, type ArgKind as Kind, type DirectMethod, type LegacyMethod } from '../../mongo-syntax/doc-methods.js';
import { formatShellString, formatShellValue } from '../../mongo-syntax/shell-format.js';

/** The driver call to make: `collection[op](...args)` (or `db[op]` for a db target). */
export interface ModernOp {
  op: string;
  args: unknown[];
  /** set when the call was rewritten: the modern form for -v, e.g. `ran as updateMany({ name: 'sam' }, …)` */
  note?: string;
}

type Signature = DirectMethod | LegacyMethod;

/**
 * The modern call for `cmd`. Throws UsageError (exit 2) for a wrong number or kind of arguments, and for a
 * legacy call the legacy shell refused too (`update` with `multi` and a replacement document).
 * The chain (`.sort()`, …) is not touched: it belongs to the engine.
 */
export function toModern(cmd: DocCall): ModernOp {
  const found = methodSpec(cmd.target.type === 'db' ? 'db' : 'collection', cmd.method);
  if (!found) throw usage(cmd, `${path(cmd)}.${cmd.method}() is not supported`, undefined, cmd.at?.method);
  const { name: method, spec: signature } = found;
  checkArgs(cmd, method, signature);
  const modern = rewrite(cmd, method);
  if (modern.op === cmd.method && modern.args === cmd.args) return modern;
  return { ...modern, note: `ran as ${modern.op}(${modern.args.map(formatShellValue).join(', ')})` };
}

function rewrite(cmd: DocCall, method: string): ModernOp {
  const { args } = cmd;
  if (cmd.target.type === 'db') return { op: method, args };
  switch (method) {
    case 'insert':
      if (Array.isArray(args[0])) {
        checkKind(cmd, 'docs', args[0], 0);
        return { op: 'insertMany', args };
      }
      checkKind(cmd, 'doc', args[0], 0);
      return { op: 'insertOne', args };
    case 'update':
      return legacyUpdate(cmd);
    case 'remove': {
      const [filter, second] = args;
      let justOne = false;
      let options: Record<string, unknown> = {};
      if (typeof second === 'boolean') justOne = second;
      else if (isDoc(second)) {
        const { justOne: one, ...rest } = second;
        justOne = Boolean(one);
        options = rest;
      } else if (second !== undefined) {
        throw usage(cmd, 'the second argument of remove() is true or { justOne: true }', hintFor(cmd, 'remove'), argAt(cmd, 1));
      }
      return { op: justOne ? 'deleteOne' : 'deleteMany', args: withOptions([filter], options) };
    }
    case 'count':
      return { op: 'countDocuments', args: [args[0] ?? {}, ...args.slice(1)] };
    case 'findAndModify':
      return findAndModify(cmd);
    case 'aggregate':
      // the legacy shell also took the stages as separate arguments: aggregate({$match…}, {$group…})
      if (args.length > 0 && !Array.isArray(args[0])) return { op: 'aggregate', args: [args] };
      return { op: 'aggregate', args };
    default:
      return { op: method, args };
  }
}

const FIND_AND_MODIFY_KEYS = new Set(['query', 'sort', 'update', 'remove', 'new', 'fields', 'upsert', 'bypassDocumentValidation', 'writeConcern', 'collation', 'arrayFilters', 'hint', 'maxTimeMS', 'let', 'comment']);

/**
 * findAndModify({query, sort, update | remove: true, new, fields, upsert}) as mongosh runs it: one document found,
 * then updated (with $ operators), replaced (without) or removed; `new: true` returns it as it is after the change.
 */
function findAndModify(cmd: DocCall): ModernOp {
  const spec = cmd.args[0] as Record<string, unknown>;
  const at = argAt(cmd, 0);
  const unknown = Object.keys(spec).find((k) => !FIND_AND_MODIFY_KEYS.has(k));
  if (unknown) throw usage(cmd, `findAndModify() does not take '${unknown}'`, hintFor(cmd, 'findAndModify'), at);
  const { query, sort, update, remove, new: returnNew, fields, upsert, ...rest } = spec;
  if ((remove === true) === (update !== undefined)) {
    throw usage(cmd, 'findAndModify() takes either update or remove: true', hintFor(cmd, 'findAndModify'), at);
  }
  const options: Record<string, unknown> = { ...rest, sort, projection: fields };
  const filter = query ?? {};
  if (remove === true) return { op: 'findOneAndDelete', args: withOptions([filter], options) };
  Object.assign(options, { upsert, returnDocument: returnNew === true ? 'after' : undefined });
  if (!isDoc(update) && !Array.isArray(update)) throw usage(cmd, 'the update of findAndModify() is a document', hintFor(cmd, 'findAndModify'), at);
  const operators = Array.isArray(update) || Object.keys(update).some((k) => k.startsWith('$'));
  return { op: operators ? 'findOneAndUpdate' : 'findOneAndReplace', args: withOptions([filter, update], options) };
}

/** update(filter, update, {multi, upsert, …}) or the oldest form update(filter, update, upsert, multi). */
function legacyUpdate(cmd: DocCall): ModernOp {
  const [filter, update, third, fourth] = cmd.args;
  let multi = false;
  let options: Record<string, unknown> = {};
  if (typeof third === 'boolean' || typeof fourth === 'boolean') {
    if ((third !== undefined && typeof third !== 'boolean') || (fourth !== undefined && typeof fourth !== 'boolean')) {
      const at = argAt(cmd, third !== undefined && typeof third !== 'boolean' ? 2 : 3);
      throw usage(cmd, 'update(filter, update, upsert, multi) takes true or false for upsert and multi', hintFor(cmd, 'update'), at);
    }
    if (third) options.upsert = true;
    multi = fourth === true;
  } else if (fourth !== undefined) {
    throw usage(cmd, 'update() takes at most 3 arguments: filter, update, options', hintFor(cmd, 'update'), argAt(cmd, 3));
  } else if (third !== undefined) {
    if (!isDoc(third)) throw usage(cmd, 'the options of update() are a document: { multi: true, upsert: true }', hintFor(cmd, 'update'), argAt(cmd, 2));
    const { multi: m, ...rest } = third;
    multi = Boolean(m);
    options = rest;
  }
  const operators = Array.isArray(update) || Object.keys(update as object).some((k) => k.startsWith('$'));
  if (!operators) {
    if (multi) {
      const fixed = `${collectionRef(cmd)}.update(${formatShellValue(filter)}, ${formatShellValue({ $set: update })}, { multi: true })`;
      throw usage(
        cmd,
        'multi update only works with $ operators: without them the update document replaces the whole document',
        `change fields with $set: ${fixed}`,
        argAt(cmd, 1),
      );
    }
    return { op: 'replaceOne', args: withOptions([filter, update], options) };
  }
  return { op: multi ? 'updateMany' : 'updateOne', args: withOptions([filter, update], options) };
}

function withOptions(args: unknown[], options: Record<string, unknown>): unknown[] {
  for (const key of Object.keys(options)) if (options[key] === undefined) delete options[key];
  return Object.keys(options).length ? [...args, options] : args;
}

function checkArgs(cmd: DocCall, method: string, signature: Signature): void {
  const { args } = cmd;
  const max = signature.kinds.length;
  if (args.length < signature.min || args.length > max) {
    const want = signature.min === max ? `${max}` : `${signature.min} ${max - signature.min === 1 ? 'or' : 'to'} ${max}`;
    const plural = max === 1 && signature.min === 1 ? 'argument' : 'arguments';
    // too many: at the first one too many; too few: at the `)` where the next one belongs
    const at = args.length > max ? argAt(cmd, max) : cmd.at?.close;
    throw usage(cmd, `${path(cmd)}.${cmd.method}() takes ${want} ${plural}, got ${args.length}`, hintFor(cmd, method), at);
  }
  args.forEach((arg, i) => {
    // an optional argument may be left out with undefined
    if (arg === undefined && i >= signature.min) return;
    checkKind(cmd, signature.kinds[i]!, arg, i, method);
  });
}

function checkKind(cmd: DocCall, kind: Kind, arg: unknown, i: number, method = cmd.method): void {
  const ok = ((): boolean => {
    switch (kind) {
      case 'doc':
      case 'filter':
      case 'options':
        return isDoc(arg);
      case 'update':
        return isDoc(arg) || (Array.isArray(arg) && arg.every(isDoc));
      case 'docs':
        return Array.isArray(arg) && arg.length > 0 && arg.every(isDoc);
      case 'pipeline':
        return Array.isArray(arg) ? arg.every(isDoc) : isDoc(arg);
      case 'string':
        return typeof arg === 'string' && arg !== '';
      case 'index':
        return isDoc(arg) || (typeof arg === 'string' && arg !== '');
      case 'any':
        return true;
    }
  })();
  if (ok) return;
  const what: Record<Kind, string> = {
    doc: 'a document { … }',
    filter: 'a filter document { … }',
    options: 'an options document { … }',
    update: 'an update document { … } or a pipeline [ … ]',
    docs: 'a non-empty array of documents [ { … }, … ]',
    pipeline: 'an array of stages [ { … }, … ]',
    string: 'a non-empty string',
    index: "an index name 'name' or keys { field: 1 }",
    any: 'a value',
  };
  throw usage(cmd, `argument ${i + 1} of ${path(cmd)}.${cmd.method}() must be ${what[kind]}, got ${formatShellValue(arg)}`, hintFor(cmd, method), argAt(cmd, i));
}

/** A plain document: not an array, not a bson value, Date or RegExp. */
function isDoc(v: unknown): v is Record<string, unknown> {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && !('_bsontype' in v) && !(v instanceof Date) && !(v instanceof RegExp)
  );
}

function path(cmd: DocCall): string {
  return cmd.target.type === 'db' ? 'db' : `db.${cmd.target.name}`;
}

/** How to write the collection in a statement the user can paste back. */
function collectionRef(cmd: DocCall): string {
  if (cmd.target.type === 'db') return 'db';
  const name = cmd.target.name;
  return /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(name) ? `db.${name}` : `db.getCollection(${formatShellString(name)})`;
}

function hintFor(cmd: DocCall, method: string): string {
  const found = methodSpec(cmd.target.type === 'db' ? 'db' : 'collection', method);
  return `usage: ${collectionRef(cmd)}.${cmd.method}(${found?.spec.usage ?? ''})`;
}

/** where argument i stands; the closing `)` when it is missing */
function argAt(cmd: DocCall, i: number): SourcePosition | undefined {
  return cmd.at?.args[i] ?? cmd.at?.close;
}

/** A ParseError with a caret when the parser said where the call stands; a plain UsageError otherwise. */
function usage(cmd: DocCall, message: string, hint?: string, at?: SourcePosition): UsageError {
  if (at) return new ParseError(message, at.line, at.column, { engine: 'doc', statement: cmd.text, hint });
  return new UsageError(message, { engine: 'doc', statement: cmd.text, hint });
}
