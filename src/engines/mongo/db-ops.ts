/**
 * Statements about the server and the current database: `show …`, `db`, and `db.METHOD(…)`, shaped as
 * CONTRACT.md "Output" says (`show dbs` → [{name, sizeOnDisk, empty}], `db.version()` → string, …).
 */
import type { ClientSession, Db, Document, MongoClient } from 'mongodb';
import type { Result } from '../engine.js';
import type { DirectDbMethod } from '../../mongo-syntax/doc-methods.js';
import type { DocCall, ShowWhat } from '../../mongo-syntax/doc-parser.js';
import { databaseListCodec, documentCodec, nameListCodec, type DatabaseInfo } from './mongo-codec.js';

export interface DbEnv {
  client: MongoClient;
  db: Db;
  /** --transaction: the session every command runs in */
  session?: ClientSession;
}

/** a command's options, with the transaction's session when there is one */
const opts = (env: DbEnv, v: unknown): Document => ({ ...((v ?? {}) as Document), ...(env.session ? { session: env.session } : {}) });

function value(v: unknown, codec = documentCodec): Result {
  return { kind: 'value', value: v, codec };
}

async function* noRows(): AsyncGenerator<Record<string, unknown>> {}

export async function collectionNames(db: Db): Promise<string[]> {
  const list = await db.listCollections({}, { nameOnly: true, authorizedCollections: true }).toArray();
  return list.map((c) => c.name).sort();
}

export async function serverVersion(client: MongoClient): Promise<string> {
  const info = await client.db('admin').command({ buildInfo: 1 });
  return String(info.version ?? '');
}

export async function runShow(env: DbEnv, what: ShowWhat): Promise<Result> {
  const { client, db } = env;
  switch (what) {
    case 'dbs': {
      const reply = await client.db('admin').command({ listDatabases: 1 });
      const list: DatabaseInfo[] = ((reply.databases ?? []) as Array<Record<string, unknown>>).map((d) => ({
        name: String(d.name),
        sizeOnDisk: Number(d.sizeOnDisk ?? 0),
        empty: Boolean(d.empty),
      }));
      list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      return value(list, databaseListCodec);
    }
    case 'collections': {
      const names = await collectionNames(db);
      // mongosh prints nothing for a database without collections, not an empty line
      if (names.length === 0) return { kind: 'rows', columns: ['value'], shape: 'values', rows: noRows(), codec: nameListCodec };
      return value(names, nameListCodec);
    }
    case 'users':
      return value((await db.command({ usersInfo: 1 })).users ?? []);
    case 'roles':
      return value((await db.command({ rolesInfo: 1, showBuiltinRoles: true })).roles ?? []);
    case 'logs':
      return value((await client.db('admin').command({ getLog: '*' })).names ?? [], nameListCodec);
    case 'profile': {
      // mongosh: the five most recent profiled operations that took any time
      const docs = await db.collection('system.profile').find({ millis: { $gt: 0 } }).sort({ $natural: -1 }).limit(5).toArray();
      return value(docs);
    }
  }
}

/** `use NAME`: only remembered; MongoDB creates a database on its first write, as the note says. */
export function useResult(name: string): Result {
  return { kind: 'status', info: { db: name }, message: () => `switched to db ${name}` };
}

/** One runner per db method (src/mongo-syntax/doc-methods.ts): none can be left out. */
const DB_RUNNERS: Record<DirectDbMethod, (env: DbEnv, args: unknown[]) => Promise<Result>> = {
  version: async ({ client }) => value(await serverVersion(client)),
  getName: async ({ db }) => value(db.databaseName),
  // on its own (not followed by a method): the collection's full name, as mongosh shows it
  getCollection: async ({ db }, args) => value(`${db.databaseName}.${String(args[0])}`),
  dropDatabase: async (env, args) => {
    const { db } = env;
    await db.command({ dropDatabase: 1, ...((args[0] as object | undefined) ?? {}) }, opts(env, undefined));
    return value({ ok: 1, dropped: db.databaseName });
  },
  createCollection: async (env, args) => {
    await env.db.createCollection(String(args[0]), opts(env, args[1]));
    return value({ ok: 1 });
  },
  getCollectionNames: async ({ db }) => value(await collectionNames(db), documentCodec),
  stats: async (env, args) => value(await env.db.command(statsCommand(args[0]), opts(env, undefined))),
  // the command document goes to the server as written: its first key names the command
  runCommand: async (env, args) => value(await env.db.command(args[0] as Document, opts(env, args[1]))),
  adminCommand: async (env, args) => value(await env.client.db('admin').command(args[0] as Document, opts(env, args[1]))),
  // on its own: the database's name, as mongosh prints it
  getSiblingDB: async (_env, args) => value(String(args[0])),
};

export function runDbMethod(env: DbEnv, cmd: DocCall, args: unknown[]): Promise<Result> {
  return DB_RUNNERS[cmd.method as DirectDbMethod](env, args);
}

/** db.stats(scale) or db.stats({scale, freeStorage}) */
function statsCommand(arg: unknown): Record<string, unknown> {
  if (typeof arg === 'number') return { dbStats: 1, scale: arg };
  if (typeof arg === 'object' && arg !== null) return { dbStats: 1, ...arg };
  return { dbStats: 1 };
}
