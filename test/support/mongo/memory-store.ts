// In-memory catalogue: databases → collections → documents plus their indexes. A database exists only
// while it holds a collection, as in mongod; admin/config/local are seeded the way a fresh mongod shows them.
import { Long, UUID } from 'bson';
import type { Document } from 'bson';
import { formatDoc, valueKey } from './bson-values.js';
import { getPath } from './doc-paths.js';
import { docBytes } from './doc-bytes.js';
import { CommandError } from './server-errors.js';

export interface IndexSpec {
  v: number;
  key: Document;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  [option: string]: unknown;
}

export const ID_INDEX: IndexSpec = { v: 2, key: { _id: 1 }, name: '_id_' };

export class Collection {
  readonly uuid = new UUID();
  /** Replaced (never spliced) on delete so that open cursors keep walking the array they started on. */
  docs: Document[] = [];
  indexes: IndexSpec[] = [ID_INDEX];
  /** index name → key string → document, for `_id_` and every unique index. */
  private readonly keyMaps = new Map<string, Map<string, Document>>([['_id_', new Map()]]);

  constructor(readonly db: string, readonly name: string, readonly options: Document = {}) {}

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  findById(id: unknown): Document | undefined {
    return this.keyMaps.get('_id_')?.get(valueKey(id));
  }

  insert(doc: Document): void {
    const keys = this.checkKeys(doc, undefined);
    for (const [name, key] of keys) this.keyMaps.get(name)?.set(key, doc);
    this.docs.push(doc);
  }

  replaceAt(position: number, next: Document): void {
    const old = this.docs[position];
    const keys = this.checkKeys(next, old);
    for (const spec of this.uniqueIndexes()) {
      const map = this.keyMaps.get(spec.name);
      const oldKey = indexKey(spec, old);
      if (oldKey !== undefined && map?.get(oldKey) === old) map.delete(oldKey);
    }
    for (const [name, key] of keys) this.keyMaps.get(name)?.set(key, next);
    this.docs[position] = next;
  }

  removeMany(doomed: Set<Document>): void {
    if (doomed.size === 0) return;
    for (const spec of this.uniqueIndexes()) {
      const map = this.keyMaps.get(spec.name);
      for (const doc of doomed) {
        const key = indexKey(spec, doc);
        if (key !== undefined && map?.get(key) === doc) map.delete(key);
      }
    }
    this.docs = this.docs.filter((doc) => !doomed.has(doc));
  }

  addIndex(spec: IndexSpec): void {
    if (spec.unique) {
      const map = new Map<string, Document>();
      for (const doc of this.docs) {
        const key = indexKey(spec, doc);
        if (key === undefined) continue;
        if (map.has(key)) throw duplicateKey(this.ns, spec, doc);
        map.set(key, doc);
      }
      this.keyMaps.set(spec.name, map);
    }
    this.indexes.push(spec);
  }

  dropIndex(name: string): void {
    this.indexes = this.indexes.filter((spec) => spec.name !== name);
    this.keyMaps.delete(name);
  }

  dataSize(): number {
    let size = 0;
    for (const doc of this.docs) size += docBytes(doc).length;
    return size;
  }

  private uniqueIndexes(): IndexSpec[] {
    return this.indexes.filter((spec) => spec.name === '_id_' || spec.unique);
  }

  /** The keys `doc` would take in each unique index; throws E11000 when another document holds one. */
  private checkKeys(doc: Document, replacing: Document | undefined): Array<[string, string]> {
    const keys: Array<[string, string]> = [];
    for (const spec of this.uniqueIndexes()) {
      const key = indexKey(spec, doc);
      if (key === undefined) continue;
      const holder = this.keyMaps.get(spec.name)?.get(key);
      if (holder !== undefined && holder !== replacing) throw duplicateKey(this.ns, spec, doc);
      keys.push([spec.name, key]);
    }
    return keys;
  }
}

function indexKey(spec: IndexSpec, doc: Document): string | undefined {
  const fields = Object.keys(spec.key);
  const values = fields.map((field) => getPath(doc, field));
  if (spec.sparse && values.every((value) => value === undefined)) return undefined;
  return values.map(valueKey).join('|');
}

function duplicateKey(ns: string, spec: IndexSpec, doc: Document): CommandError {
  const keyValue: Document = {};
  for (const field of Object.keys(spec.key)) keyValue[field] = getPath(doc, field) ?? null;
  const message = `E11000 duplicate key error collection: ${ns} index: ${spec.name} dup key: ${formatDoc(keyValue)}`;
  return new CommandError(11000, message, { keyPattern: spec.key, keyValue });
}

export class MemoryStore {
  private readonly dbs = new Map<string, Map<string, Collection>>();

  constructor() {
    this.ensureCollection('admin', 'system.version').insert({ _id: 'featureCompatibilityVersion', version: '7.0' });
    this.ensureCollection('config', 'system.sessions');
    const started = new Date();
    this.ensureCollection('local', 'startup_log').insert({
      _id: `mongo-test-server-${started.getTime()}`, hostname: 'mongo-test-server', startTime: started,
      startTimeLocal: started.toString(), cmdLine: {}, pid: Long.fromNumber(process.pid),
      buildinfo: { version: '7.0.0' },
    });
  }

  databaseNames(): string[] {
    return [...this.dbs.keys()].sort();
  }

  collections(db: string): Collection[] {
    return [...(this.dbs.get(db)?.values() ?? [])];
  }

  getCollection(db: string, name: string): Collection | undefined {
    return this.dbs.get(db)?.get(name);
  }

  ensureCollection(db: string, name: string, options: Document = {}): Collection {
    checkNamespace(db, name);
    let collections = this.dbs.get(db);
    if (collections === undefined) {
      collections = new Map();
      this.dbs.set(db, collections);
    }
    let coll = collections.get(name);
    if (coll === undefined) {
      coll = new Collection(db, name, options);
      collections.set(name, coll);
    }
    return coll;
  }

  dropCollection(db: string, name: string): Collection | undefined {
    const collections = this.dbs.get(db);
    const coll = collections?.get(name);
    if (coll === undefined || collections === undefined) return undefined;
    collections.delete(name);
    if (collections.size === 0) this.dbs.delete(db);
    return coll;
  }

  dropDatabase(db: string): boolean {
    return this.dbs.delete(db);
  }
}

function checkNamespace(db: string, name: string): void {
  if (db === '' || /[/\\. "$]/.test(db)) throw new CommandError(73, `Invalid database name: '${db}'`);
  if (name === '' || name.includes('$') || name.startsWith('.')) {
    throw new CommandError(73, `Invalid namespace specified '${db}.${name}'`);
  }
}
