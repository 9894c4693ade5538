// Databases, collections and indexes: list, create, drop, stats.
import { Query } from 'mingo';
import { Long } from 'bson';
import type { Document } from 'bson';
import { formatDoc, intOption, isPlainDoc, toView, valueKey } from './bson-values.js';
import { collectionArg, GENERIC_FIELDS, type CommandContext, type CommandHandler } from './command-types.js';
import type { Collection, IndexSpec } from './memory-store.js';
import { ID_INDEX } from './memory-store.js';
import { requireDoc } from './query-engine.js';
import { CommandError } from './server-errors.js';

const PAGE = 4096;

/** A plausible on-disk size: WiredTiger keeps one file per collection and per index, in 4 KiB pages. */
function storageSize(coll: Collection): number {
  return Math.max(PAGE, Math.ceil(coll.dataSize() / PAGE) * PAGE);
}

function indexSize(coll: Collection): number {
  return coll.indexes.length * PAGE;
}

function filterEntries(entries: Document[], filter: unknown, field: string): Document[] {
  const spec = requireDoc(filter, field);
  if (Object.keys(spec).length === 0) return entries;
  const query = new Query(toView(spec) as Document);
  return entries.filter((entry) => query.test(toView(entry) as Document));
}

function listDatabases(cmd: Document, ctx: CommandContext): Document {
  if (ctx.db !== 'admin') throw new CommandError(13, 'listDatabases may only be run against the admin database.');
  const entries = ctx.store.databaseNames().map((name) => {
    const sizeOnDisk = ctx.store.collections(name).reduce((sum, coll) => sum + storageSize(coll) + indexSize(coll), 0);
    return { name, sizeOnDisk, empty: false };
  });
  const databases = filterEntries(entries, cmd.filter, 'filter');
  if (cmd.nameOnly === true) return { databases: databases.map(({ name }) => ({ name })), ok: 1 };
  const totalSize = databases.reduce((sum, db) => sum + db.sizeOnDisk, 0);
  return {
    databases: databases.map((db) => ({ ...db, sizeOnDisk: Long.fromNumber(db.sizeOnDisk) })),
    totalSize: Long.fromNumber(totalSize),
    totalSizeMb: Long.fromNumber(Math.floor(totalSize / (1024 * 1024))),
    ok: 1,
  };
}

function listCollections(cmd: Document, ctx: CommandContext): Uint8Array {
  const entries = ctx.store.collections(ctx.db).map((coll) => ({
    name: coll.name,
    type: 'collection',
    options: coll.options,
    info: { readOnly: false, uuid: coll.uuid },
    idIndex: ID_INDEX,
  }));
  let results = filterEntries(entries, cmd.filter, 'filter');
  if (cmd.nameOnly === true) results = results.map(({ name, type }) => ({ name, type }));
  const batchSize = intOption(isPlainDoc(cmd.cursor) ? cmd.cursor.batchSize : undefined, Infinity);
  return ctx.cursors.firstBatch(`${ctx.db}.$cmd.listCollections`, results[Symbol.iterator](), batchSize, false);
}

function create(cmd: Document, ctx: CommandContext): Document {
  const name = collectionArg(cmd, 'create');
  const options: Document = {};
  for (const [key, value] of Object.entries(cmd)) if (key !== 'create' && !GENERIC_FIELDS.has(key)) options[key] = value;
  if ('viewOn' in options) throw new CommandError(115, 'test server: views are not supported');
  const existing = ctx.store.getCollection(ctx.db, name);
  if (existing !== undefined) {
    // Since 7.0 mongod treats a repeated create with identical options as success (SERVER-60064).
    if (valueKey(existing.options) === valueKey(options)) return { ok: 1 };
    throw new CommandError(48, `Collection already exists. NS: ${existing.ns}`);
  }
  ctx.store.ensureCollection(ctx.db, name, options);
  return { ok: 1 };
}

function drop(cmd: Document, ctx: CommandContext): Document {
  const name = collectionArg(cmd, 'drop');
  const dropped = ctx.store.dropCollection(ctx.db, name);
  // Since 7.0 dropping a missing collection succeeds instead of failing with NamespaceNotFound.
  if (dropped === undefined) return { ok: 1 };
  return { nIndexesWas: dropped.indexes.length, ns: dropped.ns, ok: 1 };
}

function dropDatabase(_cmd: Document, ctx: CommandContext): Document {
  return ctx.store.dropDatabase(ctx.db) ? { dropped: ctx.db, ok: 1 } : { ok: 1 };
}

function createIndexes(cmd: Document, ctx: CommandContext): Document {
  const name = collectionArg(cmd, 'createIndexes');
  const requested: unknown[] = Array.isArray(cmd.indexes) ? cmd.indexes : [];
  if (requested.length === 0) throw new CommandError(2, 'Must specify at least one index to create');
  const specs = requested.map((raw) => {
    if (!isPlainDoc(raw) || !isPlainDoc(raw.key) || Object.keys(raw.key).length === 0 || typeof raw.name !== 'string') {
      throw new CommandError(9, 'Error in specification: an index needs a non-empty \'key\' document and a \'name\' string');
    }
    const { key, name: indexName, v: _version, unique, ...options } = raw;
    return { v: 2, key, name: indexName, ...(unique === true ? { unique: true } : {}), ...options } as IndexSpec;
  });
  const createdCollectionAutomatically = ctx.store.getCollection(ctx.db, name) === undefined;
  const coll = ctx.store.ensureCollection(ctx.db, name);
  const numIndexesBefore = coll.indexes.length;
  for (const spec of specs) {
    const sameName = coll.indexes.find((existing) => existing.name === spec.name);
    const sameKey = coll.indexes.find((existing) => valueKey(existing.key) === valueKey(spec.key));
    if (sameName !== undefined) {
      if (valueKey(sameName.key) !== valueKey(spec.key)) {
        throw new CommandError(86, `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${formatDoc(spec)}, existing index: ${formatDoc(sameName)}`);
      }
      if (Boolean(sameName.unique) !== Boolean(spec.unique)) {
        throw new CommandError(85, `An equivalent index already exists with the same name but different options. Requested index: ${formatDoc(spec)}, existing index: ${formatDoc(sameName)}`);
      }
      continue;
    }
    if (sameKey !== undefined) {
      throw new CommandError(85, `Index already exists with a different name: ${sameKey.name}`);
    }
    coll.addIndex(spec);
  }
  const numIndexesAfter = coll.indexes.length;
  if (numIndexesAfter === numIndexesBefore) {
    return { numIndexesBefore, numIndexesAfter, note: 'all indexes already exist', ok: 1 };
  }
  return { numIndexesBefore, numIndexesAfter, createdCollectionAutomatically, ok: 1 };
}

function listIndexes(cmd: Document, ctx: CommandContext): Uint8Array {
  const name = collectionArg(cmd, 'listIndexes');
  const coll = ctx.store.getCollection(ctx.db, name);
  if (coll === undefined) throw new CommandError(26, `ns does not exist: ${ctx.db}.${name}`);
  const batchSize = intOption(isPlainDoc(cmd.cursor) ? cmd.cursor.batchSize : undefined, Infinity);
  return ctx.cursors.firstBatch(`${ctx.db}.$cmd.listIndexes`, [...coll.indexes][Symbol.iterator](), batchSize, false);
}

function dropIndexes(cmd: Document, ctx: CommandContext): Document {
  const name = collectionArg(cmd, 'dropIndexes');
  const coll = ctx.store.getCollection(ctx.db, name);
  if (coll === undefined) throw new CommandError(26, `ns not found ${ctx.db}.${name}`);
  const nIndexesWas = coll.indexes.length;
  const target = cmd.index;
  if (target === '*') {
    for (const spec of [...coll.indexes]) if (spec.name !== '_id_') coll.dropIndex(spec.name);
    return { nIndexesWas, msg: 'non-_id indexes dropped for collection', ok: 1 };
  }
  const names: unknown[] = Array.isArray(target) ? target : [target];
  const doomed = names.map((wanted) => {
    const spec = isPlainDoc(wanted)
      ? coll.indexes.find((existing) => valueKey(existing.key) === valueKey(wanted))
      : coll.indexes.find((existing) => existing.name === wanted);
    if (spec === undefined) {
      throw new CommandError(27, isPlainDoc(wanted) ? `can't find index with key: ${formatDoc(wanted)}` : `index not found with name [${String(wanted)}]`);
    }
    if (spec.name === '_id_') throw new CommandError(72, 'cannot drop _id index');
    return spec.name;
  });
  for (const indexName of doomed) coll.dropIndex(indexName);
  return { nIndexesWas, ok: 1 };
}

function dbStats(cmd: Document, ctx: CommandContext): Document {
  const scale = Math.max(1, intOption(cmd.scale, 1));
  const colls = ctx.store.collections(ctx.db);
  const objects = colls.reduce((sum, coll) => sum + coll.docs.length, 0);
  const dataSize = colls.reduce((sum, coll) => sum + coll.dataSize(), 0);
  const storage = colls.reduce((sum, coll) => sum + storageSize(coll), 0);
  const indexes = colls.reduce((sum, coll) => sum + coll.indexes.length, 0);
  const indexBytes = colls.reduce((sum, coll) => sum + indexSize(coll), 0);
  return {
    db: ctx.db,
    collections: colls.length,
    views: 0,
    objects,
    avgObjSize: objects === 0 ? 0 : dataSize / objects,
    dataSize: dataSize / scale,
    storageSize: storage / scale,
    indexes,
    indexSize: indexBytes / scale,
    totalSize: (storage + indexBytes) / scale,
    scaleFactor: scale,
    ok: 1,
  };
}

function collStats(cmd: Document, ctx: CommandContext): Document {
  const name = collectionArg(cmd, 'collStats');
  const scale = Math.max(1, intOption(cmd.scale, 1));
  const coll = ctx.store.getCollection(ctx.db, name);
  const count = coll?.docs.length ?? 0;
  const size = coll?.dataSize() ?? 0;
  const indexSizes: Document = {};
  for (const spec of coll?.indexes ?? []) indexSizes[spec.name] = PAGE / scale;
  return {
    ns: `${ctx.db}.${name}`,
    size: size / scale,
    count,
    avgObjSize: count === 0 ? 0 : Math.floor(size / count),
    storageSize: (coll === undefined ? 0 : storageSize(coll)) / scale,
    nindexes: coll?.indexes.length ?? 0,
    totalIndexSize: (coll === undefined ? 0 : indexSize(coll)) / scale,
    indexSizes,
    scaleFactor: scale,
    ok: 1,
  };
}

export const catalogCommands: Record<string, CommandHandler> = {
  listDatabases,
  listCollections,
  create,
  drop,
  dropDatabase,
  createIndexes,
  listIndexes,
  dropIndexes,
  dbStats,
  dbstats: dbStats,
  collStats,
  collstats: collStats,
};
