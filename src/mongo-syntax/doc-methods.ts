/**
 * The one table of the methods `dbx doc` knows (CONTRACT.md "doc: the mongo-shell syntax accepted"): for each, the
 * arguments it takes (checked before anything is sent), the usage line of its hint, whether it writes and whether it
 * is destructive (safety), and whether it runs as it is, is rewritten (the legacy shell's forms) or is another
 * spelling (pymongo's). The parser, completion, the legacy mapping, safety and the engine's runners all read it.
 * Chained cursor methods (`.sort()`, `.limit()`, …) are not listed: the parser keeps the chain generic and the
 * engine decides which ones it supports.
 */

/** What an argument position must hold. */
export type ArgKind = 'doc' | 'docs' | 'filter' | 'update' | 'options' | 'string' | 'index' | 'pipeline' | 'any';

interface Checked {
  /** fewest arguments; `kinds` is as long as the most */
  min: number;
  kinds: readonly ArgKind[];
  /** the arguments, for the usage hint */
  usage: string;
  /** changes data or schema: refused under `safety: readonly` */
  writes: boolean;
  /** asks for confirmation under `safety: confirm`: always, or when its filter (argument 1) is empty */
  destructive?: 'always' | 'empty-filter';
  /**
   * runCommand / adminCommand: what it does depends on the command document (argument 1), classified by the
   * command's name in COMMANDS; `writes` is then only the default for a name not listed
   */
  byCommand?: true;
}

/** Runs on the driver method of the same name. */
export interface DirectMethod extends Checked {
  runs: 'as-is';
}

/** A legacy form that src/engines/mongo/legacy-map.ts rewrites (insert → insertOne/insertMany, …). */
export interface LegacyMethod extends Checked {
  runs: 'rewritten';
}

/** Another spelling of a method (pymongo's insert_one). */
export interface AliasMethod {
  runs: 'alias';
  target: string;
}

export type MethodSpec = DirectMethod | LegacyMethod | AliasMethod;

interface Flags {
  writes?: boolean;
  destructive?: 'always' | 'empty-filter';
  byCommand?: true;
}

const direct = (min: number, kinds: ArgKind[], usage: string, flags: Flags = {}): DirectMethod => ({
  runs: 'as-is',
  min,
  kinds,
  usage,
  writes: flags.writes ?? false,
  destructive: flags.destructive,
  ...(flags.byCommand ? { byCommand: true as const } : {}),
});
const legacy = (min: number, kinds: ArgKind[], usage: string, flags: Flags = {}): LegacyMethod => ({
  ...direct(min, kinds, usage, flags),
  runs: 'rewritten',
});
const alias = (target: string): AliasMethod => ({ runs: 'alias', target });

const WRITES = { writes: true } as const;
const UPDATE_USAGE = "filter, { '$set': { … } }";

/** Methods called on a collection, `db.COLL.method(…)`, in the order help and completion list them. */
const COLLECTION = {
  insert: legacy(1, ['any', 'options'], 'document or [document, …]', WRITES),
  insertOne: direct(1, ['doc', 'options'], 'document', WRITES),
  insertMany: direct(1, ['docs', 'options'], '[document, …]', WRITES),
  insert_one: alias('insertOne'),
  insert_many: alias('insertMany'),
  find: direct(0, ['filter', 'doc', 'options'], 'filter?, projection?'),
  findOne: direct(0, ['filter', 'doc', 'options'], 'filter?, projection?'),
  find_one: alias('findOne'),
  update: legacy(2, ['filter', 'update', 'any', 'any'], 'filter, update, { multi: true, upsert: true }', WRITES),
  updateOne: direct(2, ['filter', 'update', 'options'], UPDATE_USAGE, WRITES),
  updateMany: direct(2, ['filter', 'update', 'options'], UPDATE_USAGE, WRITES),
  replaceOne: direct(2, ['filter', 'doc', 'options'], 'filter, document', WRITES),
  remove: legacy(1, ['filter', 'any'], 'filter, { justOne: true }', { writes: true, destructive: 'empty-filter' }),
  deleteOne: direct(1, ['filter', 'options'], 'filter', { writes: true, destructive: 'empty-filter' }),
  deleteMany: direct(1, ['filter', 'options'], 'filter', { writes: true, destructive: 'empty-filter' }),
  countDocuments: direct(0, ['filter', 'options'], 'filter?'),
  count: legacy(0, ['filter', 'options'], 'filter?'),
  distinct: direct(1, ['string', 'filter', 'options'], "'field', filter?"),
  // writes only with an $out or $merge stage: doc-classify.ts looks at the pipeline
  aggregate: direct(0, ['pipeline', 'options'], '[stage, …]'),
  createIndex: direct(1, ['index', 'options'], '{ field: 1 }, options?', WRITES),
  getIndexes: direct(0, ['options'], ''),
  dropIndex: direct(1, ['index'], "'index_name'", WRITES),
  drop: direct(0, ['options'], '', { writes: true, destructive: 'always' }),
  estimatedDocumentCount: direct(0, ['options'], ''),
  findOneAndUpdate: direct(2, ['filter', 'update', 'options'], UPDATE_USAGE, WRITES),
  findOneAndReplace: direct(2, ['filter', 'doc', 'options'], 'filter, document', WRITES),
  findOneAndDelete: direct(1, ['filter', 'options'], 'filter', WRITES),
  bulkWrite: direct(1, ['docs', 'options'], '[operation, …]', WRITES),
  // the legacy shell's one-call form: src/engines/mongo/legacy-map.ts rewrites it to findOneAndUpdate/Replace/Delete
  findAndModify: legacy(1, ['doc'], '{ query, update | remove: true, new, upsert, sort, fields }', WRITES),
  stats: direct(0, ['any'], 'scale?'),
} as const satisfies Record<string, MethodSpec>;

/** Methods called on `db` itself. */
const DB = {
  version: direct(0, [], ''),
  dropDatabase: direct(0, ['options'], '', { writes: true, destructive: 'always' }),
  createCollection: direct(1, ['string', 'options'], "'name'", WRITES),
  getCollectionNames: direct(0, ['filter'], ''),
  stats: direct(0, ['any'], ''),
  getCollection: direct(1, ['string'], "'name'"),
  getName: direct(0, [], ''),
  // a command's class comes from its name (COMMANDS); one not listed is taken for a write
  runCommand: direct(1, ['doc', 'options'], '{ commandName: 1, … }', { writes: true, byCommand: true }),
  adminCommand: direct(1, ['doc', 'options'], '{ commandName: 1, … }', { writes: true, byCommand: true }),
  // followed by more (`db.getSiblingDB('x').coll.find()`) the parser takes it apart, as getCollection
  getSiblingDB: direct(1, ['string'], "'name'"),
} as const satisfies Record<string, MethodSpec>;

/**
 * What a server command does, for safety, by its name (the first key of runCommand's document). Names are
 * matched without regard to case, as the server does for most of them. A command not listed is a write.
 */
const COMMANDS: Record<string, 'reads' | 'destructive' | 'empty-filter'> = Object.assign(Object.create(null) as Record<string, never>, {
  ...Object.fromEntries(
    [
      'ping', 'buildinfo', 'serverstatus', 'hello', 'ismaster', 'listdatabases', 'listcollections', 'listindexes', 'dbstats',
      'collstats', 'datasize', 'count', 'distinct', 'find', 'getmore', 'explain', 'getlog', 'hostinfo', 'connectionstatus',
      'getparameter', 'getcmdlineopts', 'currentop', 'top', 'usersinfo', 'rolesinfo', 'replsetgetstatus',
      'replsetgetconfig', 'listcommands', 'whatsmyuri', 'features', 'lockinfo', 'getdefaultrwconcern', 'connpoolstats',
      'shardingstate', 'listshards', 'balancerstatus', 'validate', 'dbhash', 'getshardversion', 'isdbgrid',
      'getfreemonitoringstatus', 'aggregate',
    ].map((n) => [n, 'reads']),
  ),
  ...Object.fromEntries(
    ['dropdatabase', 'drop', 'dropindexes', 'deleteindexes', 'shutdown', 'dropallusersfromdatabase', 'dropallrolesfromdatabase'].map((n) => [n, 'destructive']),
  ),
  delete: 'empty-filter',
});

/** A runCommand document's class: what its command name says, else a write; aggregate by its stages. */
export function commandClass(command: unknown): { writes: boolean; destructive: boolean } {
  if (typeof command !== 'object' || command === null || Array.isArray(command)) return { writes: true, destructive: false };
  const [name] = Object.keys(command);
  const kind = name === undefined ? undefined : COMMANDS[name.toLowerCase()];
  const body = command as Record<string, unknown>;
  switch (kind) {
    case 'reads':
      if (name!.toLowerCase() === 'aggregate') return { writes: pipelineWrites(body.pipeline), destructive: false };
      // validate with repair: true rewrites the collection's records and indexes
      if (name!.toLowerCase() === 'validate' && body.repair === true) return { writes: true, destructive: false };
      return { writes: false, destructive: false };
    case 'destructive':
      return { writes: true, destructive: true };
    case 'empty-filter': {
      // { delete: 'c', deletes: [{ q: {}, limit: 0 }] } empties the collection
      const deletes = Array.isArray(body.deletes) ? (body.deletes as Array<Record<string, unknown>>) : [];
      return { writes: true, destructive: deletes.some((d) => isEmptyDoc(d?.q) && Number(d?.limit ?? 0) === 0) };
    }
    default:
      return { writes: true, destructive: false };
  }
}

/** Stages that write the pipeline's output to a collection. */
const WRITING_STAGES = ['$out', '$merge'];

/** Whether an aggregate pipeline writes ($out, $merge). */
export function pipelineWrites(stages: unknown): boolean {
  return Array.isArray(stages) && stages.some((s) => typeof s === 'object' && s !== null && WRITING_STAGES.some((k) => Object.hasOwn(s, k)));
}

export function isEmptyDoc(filter: unknown): boolean {
  return filter === undefined || (typeof filter === 'object' && filter !== null && !Array.isArray(filter) && Object.keys(filter).length === 0);
}

type Direct<T> = { [K in keyof T]: T[K] extends DirectMethod ? K : never }[keyof T];
/** The collection methods that run on the driver as they are named: each has a runner in the engine. */
export type DirectCollectionMethod = Direct<typeof COLLECTION>;
/** The db methods that run as they are named (getCollection is taken apart by the parser). */
export type DirectDbMethod = Direct<typeof DB>;

export const DB_METHODS: readonly string[] = Object.freeze(Object.keys(DB));
export const COLLECTION_METHODS: readonly string[] = Object.freeze(Object.keys(COLLECTION));

export const isDbMethod = (name: string): boolean => Object.hasOwn(DB, name);
export const isCollectionMethod = (name: string): boolean => Object.hasOwn(COLLECTION, name);

/**
 * The spec of a method, an alias followed to the method it spells; undefined for a name that is no method
 * (`constructor` included: the tables are looked up by own keys only).
 */
export function methodSpec(on: 'db' | 'collection', name: string): { name: string; spec: DirectMethod | LegacyMethod } | undefined {
  const table: Record<string, MethodSpec> = on === 'db' ? DB : COLLECTION;
  if (!Object.hasOwn(table, name)) return undefined;
  const spec = table[name]!;
  if (spec.runs !== 'alias') return { name, spec };
  return methodSpec(on, spec.target);
}

export { closestName } from '../text/closest-name.js';
