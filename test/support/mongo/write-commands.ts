// insert / update / delete / findAndModify. Per-statement failures become `writeErrors` next to `ok: 1`,
// and an ordered batch stops at the first one, as mongod does.
import { serialize } from 'bson';
import type { Document } from 'bson';
import { bsonType, intOption, isPlainDoc } from './bson-values.js';
import { collectionArg, type CommandContext, type CommandHandler } from './command-types.js';
import { docBytes, rememberBytes, typedOf } from './doc-bytes.js';
import type { Collection } from './memory-store.js';
import { makeProjector, matching, matchingPositions, requireDoc, sortStored } from './query-engine.js';
import { asCommandError, CommandError } from './server-errors.js';
import { applyUpdate, buildUpsert, isReplacement, withIdFirst, type UpdateSpec } from './update-engine.js';

function statements(cmd: Document, field: string): Document[] {
  const list = cmd[field];
  if (!Array.isArray(list) || list.length === 0 || list.length > 100_000) {
    throw new CommandError(16, `Write batch sizes must be between 1 and 100000. Got ${Array.isArray(list) ? list.length : 0} operations.`);
  }
  return list;
}

/** Runs each statement, collecting write errors; returns the reply fields shared by all write commands. */
function runBatch(cmd: Document, list: Document[], run: (statement: Document, index: number) => void): Document {
  const ordered = cmd.ordered !== false;
  const writeErrors: Document[] = [];
  for (let i = 0; i < list.length; i++) {
    try {
      run(list[i], i);
    } catch (error) {
      writeErrors.push(asCommandError(error).toWriteError(i));
      if (ordered) break;
    }
  }
  return writeErrors.length > 0 ? { writeErrors } : {};
}

function prepareInsert(doc: unknown): Document {
  if (!isPlainDoc(doc)) throw new CommandError(2, 'document to insert must be an object');
  const id = doc._id;
  if (Array.isArray(id)) throw new CommandError(53, "The '_id' value cannot be of type array");
  if (id instanceof RegExp || bsonType(id) === 'BSONRegExp') throw new CommandError(53, "The '_id' value cannot be of type regex");
  return withIdFirst(doc);
}

function insert(cmd: Document, ctx: CommandContext): Document {
  const name = collectionArg(cmd, 'insert');
  const list = statements(cmd, 'documents');
  const coll = ctx.store.ensureCollection(ctx.db, name);
  let n = 0;
  const errors = runBatch(cmd, list, (doc) => {
    coll.insert(prepareInsert(doc));
    n++;
  });
  return { n, ...errors, ok: 1 };
}

/** Replaces the document at `position` unless the update changed nothing; true when it changed. */
function updateAt(coll: Collection, position: number, update: UpdateSpec): boolean {
  const before = coll.docs[position];
  const after = applyUpdate(typedOf(before), update);
  const bytes = serialize(after);
  if (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).equals(before)) return false;
  rememberBytes(after, bytes);
  coll.replaceAt(position, after);
  return true;
}

function update(cmd: Document, ctx: CommandContext): Document {
  const name = collectionArg(cmd, 'update');
  const list = statements(cmd, 'updates');
  let n = 0;
  let nModified = 0;
  const upserted: Document[] = [];
  const errors = runBatch(cmd, list, (statement, index) => {
    const filter = requireDoc(statement.q, 'q');
    const spec = statement.u as UpdateSpec;
    if (!isPlainDoc(spec) && !Array.isArray(spec)) throw new CommandError(9, "BSON field 'update.updates.u' is missing or is the wrong type");
    const multi = statement.multi === true;
    if (multi && isReplacement(spec)) throw new CommandError(9, 'multi update is not supported for replacement-style update');
    const coll = ctx.store.getCollection(ctx.db, name);
    const positions = coll === undefined ? [] : matchingPositions(coll, filter, !multi);
    for (const position of positions) {
      if (updateAt(coll as Collection, position, spec)) nModified++;
      n++;
    }
    if (positions.length === 0 && statement.upsert === true) {
      const doc = buildUpsert(filter, spec);
      ctx.store.ensureCollection(ctx.db, name).insert(doc);
      upserted.push({ index, _id: doc._id });
      n++;
    }
  });
  return { n, ...(upserted.length > 0 ? { upserted } : {}), nModified, ...errors, ok: 1 };
}

function remove(cmd: Document, ctx: CommandContext): Document {
  const name = collectionArg(cmd, 'delete');
  const list = statements(cmd, 'deletes');
  let n = 0;
  const errors = runBatch(cmd, list, (statement) => {
    const limit = intOption(statement.limit, 0);
    if (limit !== 0 && limit !== 1) throw new CommandError(9, `The limit field in delete objects must be 0 or 1. Got ${limit}`);
    const coll = ctx.store.getCollection(ctx.db, name);
    if (coll === undefined) return;
    const doomed = new Set<Uint8Array>();
    for (const stored of matching(coll, requireDoc(statement.q, 'q'))) {
      doomed.add(stored);
      if (limit === 1) break;
    }
    coll.removeMany(doomed);
    n += doomed.size;
  });
  return { n, ...errors, ok: 1 };
}

function findAndModify(cmd: Document, ctx: CommandContext): Document {
  const name = collectionArg(cmd, 'findAndModify');
  const filter = requireDoc(cmd.query, 'query');
  const project = makeProjector(requireDoc(cmd.fields, 'fields'));
  const shape = (stored: Uint8Array | undefined): Document | null => {
    if (stored === undefined) return null;
    const doc = typedOf(stored);
    return project === undefined ? doc : project(doc);
  };
  const coll = ctx.store.getCollection(ctx.db, name);
  const candidates = coll === undefined ? [] : sortStored([...matching(coll, filter)], requireDoc(cmd.sort, 'sort'));
  const target = candidates[0];
  if (cmd.remove === true) {
    if (cmd.update !== undefined) throw new CommandError(9, 'Cannot specify both an update and remove=true');
    if (target !== undefined) coll?.removeMany(new Set([target]));
    return { lastErrorObject: { n: target === undefined ? 0 : 1 }, value: shape(target), ok: 1 };
  }
  const spec = cmd.update as UpdateSpec;
  if (!isPlainDoc(spec) && !Array.isArray(spec)) throw new CommandError(9, 'Either an update or remove=true must be specified');
  if (target !== undefined && coll !== undefined) {
    const position = coll.docs.indexOf(target);
    updateAt(coll, position, spec);
    const value = cmd.new === true ? coll.docs[position] : target;
    return { lastErrorObject: { n: 1, updatedExisting: true }, value: shape(value), ok: 1 };
  }
  if (cmd.upsert === true) {
    const doc = buildUpsert(filter, spec);
    ctx.store.ensureCollection(ctx.db, name).insert(doc);
    const value = cmd.new === true ? shape(docBytes(doc)) : null;
    return { lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id }, value, ok: 1 };
  }
  return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
}

export const writeCommands: Record<string, CommandHandler> = {
  insert,
  update,
  delete: remove,
  findAndModify,
  findandmodify: (cmd, ctx) => findAndModify({ findAndModify: cmd.findandmodify, ...cmd }, ctx),
};
