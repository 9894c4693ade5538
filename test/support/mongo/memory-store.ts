// In-memory catalogue: databases → collections → documents (BSON bytes) plus their indexes. A database
// exists only while it holds a collection, as in mongod; admin/config/local are seeded as a fresh mongod shows them.
import { Long, UUID } from 'bson';
import type { Document } from 'bson';
import { formatDoc, valueKey } from './bson-values.js';
import { getPath } from './doc-paths.js';
import { docBytes, typedOf } from './doc-bytes.js';
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
  /** Replaced (never spliced) on delete so that open cursors keep walking the array they started on. */
  docs: Uint8Array[] = [];
  indexes: IndexSpec[] = [ID_INDEX];
  /** `_id_` plus the unique indexes, kept apart because every write consults them. */
  private uniques: IndexSpec[] = [ID_INDEX];
  /** index name → key string → stored document. */
  private keyMaps = new Map<string, Map<string, Uint8Array>>([['_id_', new Map()]]);

  constructor(readonly db: string, readonly name: string, readonly options: Document = {}, readonly uuid = new UUID()) {}

  /** A copy that changes on its own (a transaction's snapshot); the stored documents are shared, never mutated. */
  clone(): Collection {
    const copy = new Collection(this.db, this.name, this.options, this.uuid);
    copy.docs = [...this.docs];
    copy.indexes = [...this.indexes];
    copy.uniques = [...this.uniques];
    copy.keyMaps = new Map([...this.keyMaps].map(([name, map]) => [name, new Map(map)]));
    return copy;
  }

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  findById(id: unknown): Uint8Array | undefined {
    return this.keyMaps.get('_id_')?.get(valueKey(id));
  }

  /** Stores a typed document; throws E11000 when a unique index already holds one of its keys. */
  insert(doc: Document): void {
    const bytes = docBytes(doc);
    const keys = this.checkKeys(doc, undefined);
    for (const [name, key] of keys) this.keyMaps.get(name)?.set(key, bytes);
    this.docs.push(bytes);
  }

  replaceAt(position: number, next: Document): void {
    const old = this.docs[position];
    const bytes = docBytes(next);
    const keys = this.checkKeys(next, old);
    this.forgetKeys([old]);
    for (const [name, key] of keys) this.keyMaps.get(name)?.set(key, bytes);
    this.docs[position] = bytes;
  }

  removeMany(doomed: Set<Uint8Array>): void {
    if (doomed.size === 0) return;
    this.forgetKeys(doomed);
    this.docs = this.docs.filter((doc) => !doomed.has(doc));
  }

  addIndex(spec: IndexSpec): void {
    if (spec.unique) {
      const map = new Map<string, Uint8Array>();
      for (const bytes of this.docs) {
        const doc = typedOf(bytes);
        const key = indexKey(spec, doc);
        if (key === undefined) continue;
        if (map.has(key)) throw duplicateKey(this.ns, spec, doc);
        map.set(key, bytes);
      }
      this.keyMaps.set(spec.name, map);
      this.uniques.push(spec);
    }
    this.indexes.push(spec);
  }

  dropIndex(name: string): void {
    this.indexes = this.indexes.filter((spec) => spec.name !== name);
    this.uniques = this.uniques.filter((spec) => spec.name !== name);
    this.keyMaps.delete(name);
  }

  dataSize(): number {
    let size = 0;
    for (const bytes of this.docs) size += bytes.length;
    return size;
  }

  private forgetKeys(stored: Iterable<Uint8Array>): void {
    for (const bytes of stored) {
      const doc = typedOf(bytes);
      for (const spec of this.uniques) {
        const map = this.keyMaps.get(spec.name);
        const key = indexKey(spec, doc);
        if (key !== undefined && map?.get(key) === bytes) map.delete(key);
      }
    }
  }

  /** The keys `doc` takes in each unique index; throws E11000 when another document holds one. */
  private checkKeys(doc: Document, replacing: Uint8Array | undefined): Array<[string, string]> {
    const keys: Array<[string, string]> = [];
    for (const spec of this.uniques) {
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
  if (spec === ID_INDEX) return valueKey(doc._id);
  const values = Object.keys(spec.key).map((field) => getPath(doc, field));
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
  /** counts the writes outside transactions: a transaction whose snapshot is older cannot commit */
  version = 0;

  constructor(seed = true) {
    if (!seed) return;
    this.ensureCollection('admin', 'system.version').insert({ _id: 'featureCompatibilityVersion', version: '7.0' });
    this.ensureCollection('config', 'system.sessions');
    const started = new Date();
    this.ensureCollection('local', 'startup_log').insert({
      _id: `mongo-test-server-${started.getTime()}`, hostname: 'mongo-test-server', startTime: started,
      startTimeLocal: started.toString(), cmdLine: {}, pid: Long.fromNumber(process.pid),
      buildinfo: { version: '7.0.0' },
    });
  }

  /** A snapshot for a transaction: its writes stay in it until commit. */
  snapshot(): MemoryStore {
    const copy = new MemoryStore(false);
    for (const [db, collections] of this.dbs) copy.dbs.set(db, new Map([...collections].map(([name, coll]) => [name, coll.clone()])));
    copy.version = this.version;
    return copy;
  }

  /** Commit: the snapshot's data becomes this store's. */
  adopt(snapshot: MemoryStore): void {
    this.dbs.clear();
    for (const [db, collections] of snapshot.dbs) this.dbs.set(db, collections);
    this.version++;
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

  /** Adds or replaces a collection built elsewhere (aggregate's $out). */
  putCollection(coll: Collection): void {
    this.ensureCollection(coll.db, coll.name);
    this.dbs.get(coll.db)?.set(coll.name, coll);
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
