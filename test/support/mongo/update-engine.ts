// Applies one update (operators, replacement document or pipeline) to a stored document and builds
// upserted documents. Operators that do arithmetic or comparisons ($inc, $mul, $min, $max, $pull) are done
// here on the typed values so that Int32/Long/Double survive; mingo's updater does the rest.
import { aggregate, Query, update as mingoUpdate } from 'mingo';
import { compare } from 'mingo/util';
import { Double, Int32, Long, ObjectId } from 'bson';
import type { Document } from 'bson';
import { bsonType, cloneValue, formatValue, isPlainDoc, numberOf, restoreTypes, toView, valueKey } from './bson-values.js';
import { getPath, setPath } from './doc-paths.js';
import { CommandError } from './server-errors.js';

const TYPED_OPERATORS = ['$inc', '$mul', '$min', '$max', '$pull', '$setOnInsert'];
const MINGO_OPERATORS = ['$set', '$unset', '$rename', '$push', '$addToSet', '$pop', '$pullAll', '$currentDate', '$bit'];

export type UpdateSpec = Document | Document[];

export function isReplacement(update: UpdateSpec): boolean {
  return !Array.isArray(update) && !Object.keys(update).some((key) => key.startsWith('$'));
}

/** Returns the updated document (a new object); `doc` is never changed. */
export function applyUpdate(doc: Document, update: UpdateSpec, isInsert = false): Document {
  if (Array.isArray(update)) return applyPipeline(doc, update);
  if (isReplacement(update)) return replaceDoc(doc, update);
  checkOperators(update);
  const next = cloneValue(doc);
  const mingoPart: Document = {};
  for (const [op, fields] of Object.entries(update)) {
    if (MINGO_OPERATORS.includes(op)) mingoPart[op] = fields;
    else applyTypedOperator(next, op, fields as Document, isInsert);
  }
  const immutable = new CommandError(66, "Performing an update on the path '_id' would modify the immutable field '_id'");
  if (Object.keys(mingoPart).length > 0) {
    try {
      mingoUpdate(next, mingoPart);
    } catch (error) {
      // mingo guards _id itself; answer with mongod's error code rather than a generic BadValue
      if (error instanceof Error && /immutable field '_id'/.test(error.message)) throw immutable;
      throw error;
    }
  }
  if (!isInsert && valueKey(next._id) !== valueKey(doc._id)) throw immutable;
  return next;
}

/** The document an upsert inserts: the filter's equality fields, then the update applied as an insert. */
export function buildUpsert(filter: Document, update: UpdateSpec): Document {
  const seed: Document = {};
  seedFromFilter(filter, seed);
  let doc: Document;
  if (!Array.isArray(update) && isReplacement(update)) {
    checkReplacement(update);
    doc = seed._id === undefined ? { ...update } : { _id: seed._id, ...update };
  } else {
    doc = Array.isArray(update) ? applyPipeline(seed, update) : applyUpdate(seed, update, true);
  }
  return withIdFirst(doc);
}

/** mongod stores `_id` as the first field, generating an ObjectId when the client sent none. */
export function withIdFirst(doc: Document): Document {
  const keys = Object.keys(doc);
  if (keys[0] === '_id') return doc;
  const { _id, ...rest } = doc;
  return { _id: _id ?? new ObjectId(), ...rest };
}

function seedFromFilter(filter: Document, seed: Document): void {
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const part of value) if (isPlainDoc(part)) seedFromFilter(part, seed);
    } else if (key.startsWith('$') || value instanceof RegExp || bsonType(value) === 'BSONRegExp') {
      continue;
    } else if (isPlainDoc(value) && Object.keys(value).some((k) => k.startsWith('$'))) {
      if ('$eq' in value) setPath(seed, key, cloneValue(value.$eq));
    } else {
      setPath(seed, key, cloneValue(value));
    }
  }
}

function checkReplacement(update: Document): void {
  for (const key of Object.keys(update)) {
    if (key.startsWith('$')) {
      throw new CommandError(52, `The dollar ($) prefixed field '${key}' in '${key}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.`);
    }
  }
}

function replaceDoc(doc: Document, replacement: Document): Document {
  checkReplacement(replacement);
  const { _id, ...rest } = replacement;
  if (_id !== undefined && valueKey(_id) !== valueKey(doc._id)) {
    throw new CommandError(66, `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${formatValue(_id)}`);
  }
  return { _id: doc._id, ...rest };
}

function applyPipeline(doc: Document, pipeline: Document[]): Document {
  const [out] = aggregate([toView(doc)], pipeline.map((stage) => toView(stage) as Document));
  return restoreTypes(out, doc) as Document;
}

function checkOperators(update: Document): void {
  const paths: string[] = [];
  for (const [op, fields] of Object.entries(update)) {
    if (!TYPED_OPERATORS.includes(op) && !MINGO_OPERATORS.includes(op)) {
      throw new CommandError(9, `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`);
    }
    if (!isPlainDoc(fields)) {
      throw new CommandError(9, `Modifiers operate on fields but we found type ${typeof fields} instead. For example: {$mod: {<field>: ...}} not {${op}: ${formatValue(fields)}}`);
    }
    for (const [path, arg] of Object.entries(fields)) {
      paths.push(path);
      if (op === '$rename' && typeof arg === 'string') paths.push(arg);
    }
  }
  for (let i = 0; i < paths.length; i++) {
    for (let j = 0; j < paths.length; j++) {
      const [a, b] = [paths[i], paths[j]];
      if (i !== j && (a === b || a.startsWith(`${b}.`))) {
        throw new CommandError(40, `Updating the path '${a}' would create a conflict at '${b}'`);
      }
    }
  }
}

function applyTypedOperator(doc: Document, op: string, fields: Document, isInsert: boolean): void {
  for (const [path, arg] of Object.entries(fields)) {
    const current = getPath(doc, path);
    switch (op) {
      case '$setOnInsert':
        if (isInsert) setPath(doc, path, cloneValue(arg));
        break;
      case '$inc':
      case '$mul':
        setPath(doc, path, arithmetic(op, current, arg, path, doc));
        break;
      case '$min':
      case '$max': {
        const order = current === undefined ? 0 : compare(toView(arg), toView(current));
        if (current === undefined || (op === '$min' ? order < 0 : order > 0)) setPath(doc, path, cloneValue(arg));
        break;
      }
      case '$pull':
        if (current === undefined) break;
        if (!Array.isArray(current)) throw new CommandError(2, 'Cannot apply $pull to a non-array value');
        {
          const matches = pullMatcher(arg);
          setPath(doc, path, current.filter((item) => !matches(item)));
        }
        break;
    }
  }
}

type NumKind = 'int' | 'long' | 'double' | 'decimal';

function numKind(value: unknown): NumKind | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) < 2 ** 31 ? 'int' : 'double';
  switch (bsonType(value)) {
    case 'Int32': return 'int';
    case 'Long': return 'long';
    case 'Double': return 'double';
    case 'Decimal128': return 'decimal';
    default: return undefined;
  }
}

function arithmetic(op: '$inc' | '$mul', current: unknown, operand: unknown, path: string, doc: Document): unknown {
  const operandKind = numKind(operand);
  if (operandKind === undefined) {
    const verb = op === '$inc' ? 'increment' : 'multiply';
    throw new CommandError(14, `Cannot ${verb} with non-numeric argument: {${path}: ${formatValue(operand)}}`);
  }
  if (current === undefined) {
    if (op === '$inc') return operand;
    return operandKind === 'long' ? Long.ZERO : operandKind === 'double' ? new Double(0) : new Int32(0);
  }
  const currentKind = numKind(current);
  if (currentKind === undefined) {
    throw new CommandError(14, `Cannot apply ${op} to a value of non-numeric type. {_id: ${formatValue(doc._id)}} has the field '${path}' of non-numeric type ${typeName(current)}`);
  }
  if (currentKind === 'decimal' || operandKind === 'decimal') {
    throw new CommandError(2, `test server: ${op} on Decimal128 values is not supported`);
  }
  if (currentKind === 'double' || operandKind === 'double') {
    const [a, b] = [numberOf(current) as number, numberOf(operand) as number];
    return new Double(op === '$inc' ? a + b : a * b);
  }
  const [a, b] = [toBigInt(current), toBigInt(operand)];
  const result = op === '$inc' ? a + b : a * b;
  const bothInt = currentKind === 'int' && operandKind === 'int';
  if (bothInt && result >= -(2n ** 31n) && result < 2n ** 31n) return new Int32(Number(result));
  return Long.fromBigInt(result);
}

function toBigInt(value: unknown): bigint {
  return bsonType(value) === 'Long' ? BigInt((value as Long).toString()) : BigInt(Math.trunc(numberOf(value) as number));
}

function typeName(value: unknown): string {
  if (typeof value === 'string') return 'string';
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'boolean') return 'bool';
  if (value instanceof Date) return 'date';
  return bsonType(value)?.toLowerCase() ?? 'object';
}

function pullMatcher(condition: unknown): (item: unknown) => boolean {
  if (condition instanceof RegExp) return (item) => typeof item === 'string' && condition.test(item);
  if (isPlainDoc(condition)) {
    const keys = Object.keys(condition);
    if (keys.length > 0 && keys.every((key) => key.startsWith('$'))) {
      const query = new Query({ v: toView(condition) });
      return (item) => query.test({ v: toView(item) });
    }
    const query = new Query(toView(condition) as Document);
    return (item) => isPlainDoc(item) && query.test(toView(item) as Document);
  }
  const key = valueKey(condition);
  return (item) => valueKey(item) === key;
}
