// The doc engine against the MongoDB test server (or a real mongod when DBX_TEST_MONGO_URL is set): every
// MongoDB line of notes.md verbatim, the pymongo section, errors, streaming, cancel, safety classification.
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import type { Engine, EngineContext, Result, Statement } from '../../src/engines/engine.js';
import { createEngine } from '../../src/engines/mongo/mongo-engine.js';
import { maskStatement } from '../../src/text/statement-secrets.js';
import { mongoTarget } from '../../src/engines/mongo/mongo-target.js';
import { ConnectError, DbxError, ParseError, StatementError, UsageError } from '../../src/errors.js';
import { mongoTestUrl, mongoDatabaseUrl } from '../support/mongo-test-server.js';
import { freePort } from '../support/private-servers.js';
import { uniqueName } from '../support/servers.js';

let server: Awaited<ReturnType<typeof mongoTestUrl>>;
const engines: Engine[] = [];
const createdDbs = new Set<string>();
const verboseLines: string[] = [];

function engineFor(dbName: string, extra: Partial<EngineContext> = {}): Engine {
  createdDbs.add(dbName);
  const endpoint = withDatabase(server.url, dbName);
  const engine = createEngine({
    profile: 'test',
    endpoint,
    connectTimeoutMs: 5000,
    readonly: false,
    verbose: (line) => verboseLines.push(line),
    warn: () => {},
    ...extra,
  });
  engines.push(engine);
  return engine;
}

const withDatabase = mongoDatabaseUrl;

interface Shown {
  result: Result;
  /** relaxed Extended JSON, as --json prints it */
  json: unknown;
  /** the table format's text of a value, or the rows' JSON */
  text?: string;
}

async function show(result: Result): Promise<Shown> {
  if (result.kind === 'status') return { result, json: result.info, text: result.message(0) };
  if (result.kind === 'value') {
    const { codec, value } = result;
    return { result, json: codec.json(value), text: codec.display ? codec.display(value) : codec.text(value) };
  }
  const rows: unknown[] = [];
  for await (const row of result.rows) {
    const object: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row)) object[k] = result.codec.json(v);
    rows.push(object);
  }
  return { result, json: rows };
}

/** Splits `script` and runs every statement, as the runner does. */
async function run(engine: Engine, script: string): Promise<Shown[]> {
  const statements = engine.split(script);
  await engine.connect();
  const out: Shown[] = [];
  for (const stmt of statements) out.push(await show(await engine.execute(stmt)));
  return out;
}

async function one(engine: Engine, statement: string): Promise<Shown> {
  const [shown] = await run(engine, statement);
  return shown!;
}

async function rejects<T extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => T): Promise<T> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`);
  return error as T;
}

function throwsSync<T extends Error>(fn: () => unknown, type: new (...args: never[]) => T): T {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof type, `expected ${type.name}, got ${String(e)}`);
    return e as T;
  }
  assert.fail(`expected ${type.name}, nothing was thrown`);
}

beforeAll(async () => {
  server = await mongoTestUrl();
});

afterAll(async () => {
  if (server.real) {
    const cleaner = engineFor('admin');
    for (const name of createdDbs) {
      if (name === 'admin') continue;
      await run(cleaner, `use ${name}\ndb.dropDatabase()`).catch(() => undefined);
    }
  }
  for (const engine of engines) await engine.close();
  await server.stop();
});

describe('notes.md, MongoDB section, verbatim', () => {
  test('every line runs in order with the legacy semantics', async () => {
    const dbName = server.real ? uniqueName('dbx_note') : 'dbName';
    const engine = engineFor('test');

    const [dbs] = await run(engine, 'show dbs');
    assert.ok(Array.isArray(dbs!.json));
    for (const d of dbs!.json as Array<Record<string, unknown>>) {
      assert.deepEqual(Object.keys(d), ['name', 'sizeOnDisk', 'empty']);
      assert.equal(typeof d.name, 'string');
      assert.equal(typeof d.sizeOnDisk, 'number');
    }

    const [collections] = await run(engine, 'show collections');
    assert.ok(Array.isArray(collections!.json));

    const [version] = await run(engine, 'db.version()');
    assert.match(version!.json as string, /^\d+\.\d+/);
    assert.equal(version!.text, version!.json, 'the version prints without quotes');

    const [current] = await run(engine, 'db');
    assert.equal(current!.json, 'test');
    assert.equal(current!.text, 'test');

    const [use] = await run(engine, `use ${dbName}`);
    assert.equal(use!.result.kind, 'status');
    assert.deepEqual(use!.json, { db: dbName });
    assert.equal(use!.text, `switched to db ${dbName}`);
    assert.equal(engine.database, dbName);
    assert.equal((await one(engine, 'db')).json, dbName);

    assert.deepEqual((await one(engine, "db.createCollection('student')")).json, { ok: 1 });

    const inserted = await one(engine, "db.student.insert({_id: 123, name: 'Sam', age: 16})");
    assert.deepEqual(inserted.json, { acknowledged: true, insertedId: 123 });
    assert.equal(inserted.text, '{ acknowledged: true, insertedId: 123 }');

    const all = await one(engine, 'db.student.find()');
    assert.equal(all.result.kind, 'rows');
    assert.deepEqual(all.json, [{ _id: 123, name: 'Sam', age: 16 }]);

    const first = await one(engine, 'db.student.findOne()');
    assert.equal(first.result.kind, 'value');
    assert.deepEqual(first.json, { _id: 123, name: 'Sam', age: 16 });
    assert.equal(first.text, "{ _id: 123, name: 'Sam', age: 16 }");

    assert.deepEqual((await one(engine, 'db.student.find({age: {$lt: 100}})')).json, [{ _id: 123, name: 'Sam', age: 16 }]);
    assert.deepEqual((await one(engine, 'db.student.find({age: {$lt: 10}})')).json, []);

    await run(
      engine,
      "db.student.insert([{_id: 1, name: 'sam', sex: 1}, {_id: 2, name: 'sam', sex: 1}, {_id: 3, name: 'jack', age: 30}])",
    );

    // without multi, only the first match changes
    const one1 = await one(engine, 'db.student.update({sex: 1}, {$set:{age: 20}})');
    assert.deepEqual(pick(one1.json, 'matchedCount', 'modifiedCount'), { matchedCount: 1, modifiedCount: 1 });
    assert.equal((await one(engine, 'db.student.find({sex: 1, age: 20}).count()')).json, 1);

    const many = await one(engine, "db.student.update({name:'sam'},{$set:{age:20}},{multi:true})");
    assert.deepEqual(pick(many.json, 'matchedCount'), { matchedCount: 2 });
    assert.deepEqual((await one(engine, "db.student.find({name: 'sam'}, {age: 1}).sort({_id: 1})")).json, [
      { _id: 1, age: 20 },
      { _id: 2, age: 20 },
    ]);

    // an update document without $ operators replaces the whole document
    const replaced = await one(engine, "db.student.update({name:'jack'},{x:'y'})");
    assert.deepEqual(pick(replaced.json, 'matchedCount', 'modifiedCount'), { matchedCount: 1, modifiedCount: 1 });
    assert.deepEqual((await one(engine, 'db.student.findOne({_id: 3})')).json, { _id: 3, x: 'y' });

    const removed = await one(engine, "db.student.remove({name:'sam'},{justOne:true})");
    assert.deepEqual(removed.json, { acknowledged: true, deletedCount: 1 });
    assert.equal((await one(engine, "db.student.count({name: 'sam'})")).json, 1);

    assert.deepEqual((await one(engine, 'show collections')).json, ['student']);
    assert.equal((await one(engine, 'show collections')).text, 'student');

    const dropped = await one(engine, 'db.dropDatabase()');
    assert.deepEqual(dropped.json, { ok: 1, dropped: dbName });
  });

  test('db.dropDatabase without () is a parse error with the corrected statement', () => {
    const engine = engineFor('test');
    const err = throwsSync(() => engine.split('db.dropDatabase'), ParseError);
    assert.equal(err.exitCode, 2);
    assert.equal(err.line, 1);
    assert.equal(err.column, 4);
    assert.equal(err.hint, 'db.dropDatabase()');
  });

  test('find({_id: 123, {name: 1}}) is a parse error: the projection is the second argument', () => {
    const engine = engineFor('test');
    const err = throwsSync(() => engine.split('db.student.find({_id: 123, {name: 1}})'), ParseError);
    assert.equal(err.exitCode, 2);
    assert.match(err.hint ?? '', /projection is the second argument: db\.student\.find\(\{_id: 123\}, \{name: 1\}\)/);
  });

  test('a parse error anywhere in a script stops it before anything is sent', async () => {
    const dbName = uniqueName('dbx_parse');
    const engine = engineFor(dbName);
    const script = "db.student.insert({_id: 1})\ndb.student.insert({_id: 2})\ndb.student.find({_id: 123, {name: 1}})";
    const err = throwsSync(() => engine.split(script), ParseError);
    assert.equal(err.line, 3);
    await engine.connect();
    const [count] = await run(engine, 'db.student.countDocuments()');
    assert.equal(count!.json, 0);
  });

  test('wrong arguments and chain calls are usage errors found at split time', () => {
    const engine = engineFor('test');
    throwsSync(() => engine.split('db.student.insertOne(5)'), UsageError);
    throwsSync(() => engine.split('db.student.find().sortt({a: 1})'), UsageError);
    throwsSync(() => engine.split('db.student.find().limit("x")'), UsageError);
    throwsSync(() => engine.split('db.student.find().count().limit(1)'), UsageError);
    throwsSync(() => engine.split('db.student.insertOne({}).sort({a: 1})'), UsageError);
    throwsSync(() => engine.split('db.version().limit(1)'), UsageError);
    const unknown = throwsSync(() => engine.split('db.student.fnd()'), ParseError);
    assert.match(unknown.message, /did you mean db\.student\.find\(\)/);
  });
});

function pick(value: unknown, ...keys: string[]): Record<string, unknown> {
  const object = value as Record<string, unknown>;
  return Object.fromEntries(keys.map((k) => [k, object[k]]));
}

describe('notes.md, the pymongo section', () => {
  test('insert_one, insert_many, find', async () => {
    const engine = engineFor(uniqueName('dbx_py'));
    const a = await one(engine, "db.student.insert_one({'name': 'Ann', 'age': 21})");
    const ann = a.json as Record<string, unknown>;
    assert.equal(ann.acknowledged, true);
    assert.match(String((ann.insertedId as Record<string, unknown>).$oid), /^[0-9a-f]{24}$/);
    const b = await one(engine, "db.student.insert_many([{'name': 'Back'}, {'name': 'Git'}])");
    const many = b.json as Record<string, unknown>;
    assert.equal(many.insertedCount, 2);
    assert.deepEqual(Object.keys(many.insertedIds as object), ['0', '1']);
    const found = (await one(engine, 'db.student.find()')).json as Array<Record<string, unknown>>;
    assert.deepEqual(
      found.map(({ _id, ...rest }) => rest),
      [{ name: 'Ann', age: 21 }, { name: 'Back' }, { name: 'Git' }],
    );
    const viaFindOne = (await one(engine, "db.student.find_one({'name': 'Git'})")).json as Record<string, unknown>;
    assert.equal(viaFindOne.name, 'Git');
  });
});

describe('results and shapes', () => {
  test('chain: sort, skip, limit, count (legacy: ignores skip/limit unless asked), toArray, pretty, projection', async () => {
    const engine = engineFor(uniqueName('dbx_chain'));
    await run(engine, 'db.c.insertMany([{_id: 1, v: 5}, {_id: 2, v: 3}, {_id: 3, v: 9}, {_id: 4, v: 1}])');
    const ids = async (s: string) => ((await one(engine, s)).json as Array<{ _id: number }>).map((d) => d._id);
    assert.deepEqual(await ids('db.c.find().sort({v: -1})'), [3, 1, 2, 4]);
    assert.deepEqual(await ids('db.c.find().sort({v: 1}).skip(1).limit(2)'), [2, 1]);
    assert.deepEqual(await ids('db.c.find({v: {$gt: 2}}).sort({_id: 1}).toArray()'), [1, 2, 3]);
    assert.deepEqual(await ids('db.c.find().sort({_id: -1}).limit(1).pretty()'), [4]);
    assert.equal((await one(engine, 'db.c.find().skip(1).limit(2).count()')).json, 4);
    assert.equal((await one(engine, 'db.c.find().skip(1).limit(2).count(true)')).json, 2);
    assert.equal((await one(engine, 'db.c.find({v: {$gt: 2}}).count()')).json, 3);
    assert.deepEqual((await one(engine, 'db.c.find({_id: 1}).projection({v: 1, _id: 0})')).json, [{ v: 5 }]);
    assert.deepEqual((await one(engine, 'db.c.find({_id: 2}, {_id: 0})')).json, [{ v: 3 }]);
  });

  test('db.getName(), and db.getCollection(name) on its own: the names, as mongosh prints them', async () => {
    const name = uniqueName('dbx_names');
    const engine = engineFor(name);
    const own = await one(engine, 'db.getName()');
    assert.equal(own.json, name);
    const coll = await one(engine, "db.getCollection('s')");
    assert.equal(coll.json, `${name}.s`);
    assert.equal(coll.text, `${name}.s`);
  });

  test('single answers: counts, distinct, indexes, drop, aggregate', async () => {
    const engine = engineFor(uniqueName('dbx_shapes'));
    await run(engine, "db.s.insertMany([{_id: 1, k: 'a'}, {_id: 2, k: 'b'}, {_id: 3, k: 'a'}])");
    assert.equal((await one(engine, "db.s.countDocuments({k: 'a'})")).json, 2);
    assert.equal((await one(engine, 'db.s.count()')).json, 3);
    assert.deepEqual(((await one(engine, "db.s.distinct('k')")).json as string[]).sort(), ['a', 'b']);
    const created = await one(engine, 'db.s.createIndex({k: 1})');
    assert.equal(created.json, 'k_1');
    assert.equal(created.text, 'k_1');
    const indexes = (await one(engine, 'db.s.getIndexes()')).json as Array<{ name: string }>;
    assert.deepEqual(indexes.map((i) => i.name).sort(), ['_id_', 'k_1']);
    assert.equal((await one(engine, "db.s.dropIndex('k_1')")).result.kind, 'value');
    assert.deepEqual((await one(engine, 'db.getCollectionNames()')).json, ['s']);
    const grouped = await one(engine, "db.s.aggregate([{$group: {_id: '$k', n: {$sum: 1}}}, {$sort: {_id: 1}}])");
    assert.equal(grouped.result.kind, 'rows');
    assert.deepEqual(grouped.json, [
      { _id: 'a', n: 2 },
      { _id: 'b', n: 1 },
    ]);
    assert.equal((await one(engine, "db.s.findOne({k: 'zzz'})")).json, null);
    const stats = (await one(engine, 'db.stats()')).json as Record<string, unknown>;
    assert.equal(typeof stats, 'object');
    assert.equal(stats.ok, 1);
    assert.equal((await one(engine, 'db.s.drop()')).json, true);
    // dropping it again: false before MongoDB 7.0, true since (the server stopped reporting NamespaceNotFound)
    assert.equal(typeof (await one(engine, 'db.s.drop()')).json, 'boolean');
    // nothing on stdout for an empty database in the table format: no rows, not a blank line
    const none = await one(engine, 'show collections');
    assert.equal(none.result.kind, 'rows');
    assert.deepEqual(none.json, []);
  });

  test('update results and upsert; getCollection(name)', async () => {
    const engine = engineFor(uniqueName('dbx_upd'));
    const up = (await one(engine, "db.getCollection('u').updateOne({_id: 7}, {$set: {a: 1}}, {upsert: true})")).json as Record<string, unknown>;
    assert.equal(up.acknowledged, true);
    assert.equal(up.upsertedId, 7);
    assert.equal(up.matchedCount, 0);
    assert.equal((await one(engine, 'db.u.deleteMany({})')).text, '{ acknowledged: true, deletedCount: 1 }');
  });

  test('values become relaxed Extended JSON; cells and values mongo-shell text', async () => {
    const engine = engineFor(uniqueName('dbx_ejson'));
    await run(
      engine,
      "db.t.insertOne({_id: ObjectId('5f1d7a3b9c8e4a2b1c0d9e8f'), at: ISODate('2018-08-15T20:53:20Z'), n: NumberLong('5'), sub: {a: [1, 'x']}})",
    );
    const [row] = (await one(engine, 'db.t.find()')).json as Array<Record<string, unknown>>;
    assert.deepEqual(row, {
      _id: { $oid: '5f1d7a3b9c8e4a2b1c0d9e8f' },
      at: { $date: '2018-08-15T20:53:20Z' },
      n: 5,
      sub: { a: [1, 'x'] },
    });
    const result = await engine.execute(engine.split('db.t.find()')[0]!);
    assert.equal(result.kind, 'rows');
    if (result.kind !== 'rows') return;
    assert.equal(result.columns, undefined, 'documents: the writer takes the union of their keys');
    for await (const doc of result.rows) {
      assert.equal(result.codec.text(doc._id), "ObjectId('5f1d7a3b9c8e4a2b1c0d9e8f')");
      assert.equal(result.codec.text(doc.at), "ISODate('2018-08-15T20:53:20.000Z')");
      assert.equal(result.codec.text(doc.sub), "{ a: [ 1, 'x' ] }");
    }
  });

  test('-v shows the modern form of a legacy call', async () => {
    const engine = engineFor(uniqueName('dbx_verbose'));
    verboseLines.length = 0;
    await run(engine, "db.student.update({name:'sam'},{$set:{age:20}},{multi:true})");
    assert.ok(
      verboseLines.includes("-- ran as updateMany({ name: 'sam' }, { '$set': { age: 20 } })"),
      verboseLines.join('\n'),
    );
  });
});

describe('errors', () => {
  test('duplicate _id is a StatementError with the server code', async () => {
    const engine = engineFor(uniqueName('dbx_dup'));
    await run(engine, "db.student.insert({_id: 123, name: 'Sam', age: 16})");
    const err = await rejects(run(engine, "db.student.insert({_id: 123, name: 'Sam', age: 16})"), StatementError);
    assert.equal(err.exitCode, 1);
    assert.equal(err.errno, 11000);
    assert.equal(err.code, 'DuplicateKey');
    assert.equal(err.engine, 'doc');
    assert.match(err.message, /E11000 duplicate key/);
    assert.equal(err.statement, "db.student.insert({_id: 123, name: 'Sam', age: 16})");
    const many = await rejects(run(engine, 'db.student.insertMany([{_id: 5}, {_id: 123}])'), StatementError);
    assert.equal(many.errno, 11000);
  });

  test('a server error in a query surfaces before any row is written', async () => {
    const engine = engineFor(uniqueName('dbx_badop'));
    await run(engine, 'db.q.insertOne({a: 1})');
    const err = await rejects(run(engine, 'db.q.find({a: {$nosuchop: 1}})'), StatementError);
    assert.equal(err.exitCode, 1);
    assert.equal(typeof err.errno, 'number');
  });

  test('a refused connection is a ConnectError well within the connect timeout', async () => {
    const port = await freePort();
    const engine = createEngine({
      profile: 'test',
      endpoint: `mongodb://127.0.0.1:${port}/test`,
      connectTimeoutMs: 1500,
      readonly: false,
      verbose: () => {},
      warn: () => {},
    });
    const started = performance.now();
    const err = await rejects(engine.connect(), ConnectError);
    const elapsed = performance.now() - started;
    assert.equal(err.exitCode, 3);
    assert.equal(err.code, 'ECONNREFUSED');
    assert.ok(elapsed < 1500 + 500, `gave up after ${elapsed.toFixed(0)} ms`);
    await engine.close();
  });

  test('a malformed URL is a usage error', () => {
    assert.throws(() => mongoTarget('http://x', 1000), UsageError);
    assert.throws(
      () =>
        createEngine({ profile: 't', endpoint: 'mongodb://', connectTimeoutMs: 1000, readonly: false, verbose() {}, warn() {} }),
      UsageError,
    );
  });
});

describe('streaming and cancel', () => {
  test('a find over 20,000 documents streams them all, in order', async () => {
    const engine = engineFor(uniqueName('dbx_big'));
    await engine.connect();
    for (let start = 0; start < 20_000; start += 5000) {
      const docs = Array.from({ length: 5000 }, (_, i) => `{_id: ${start + i}, v: 'x'}`).join(',');
      await run(engine, `db.big.insertMany([${docs}])`);
    }
    const result = await engine.execute(engine.split('db.big.find().sort({_id: 1})')[0]!);
    assert.equal(result.kind, 'rows');
    if (result.kind !== 'rows') return;
    assert.ok(!Array.isArray(result.rows), 'rows come from the cursor, not an array');
    let n = 0;
    for await (const doc of result.rows) {
      assert.equal(doc._id, n);
      n++;
    }
    assert.equal(n, 20_000);

    // a reader that stops early releases the cursor; the engine goes on
    const again = await engine.execute(engine.split('db.big.find()')[0]!);
    if (again.kind !== 'rows') return assert.fail('rows expected');
    let taken = 0;
    for await (const _doc of again.rows) if (++taken === 10) break;
    assert.equal((await one(engine, 'db.big.countDocuments()')).json, 20_000);

    // cancel() while rows stream: the stream fails at its next fetch, and the next statement reconnects
    const cancelled = await engine.execute(engine.split('db.big.find()')[0]!);
    if (cancelled.kind !== 'rows') return assert.fail('rows expected');
    let read = 0;
    await assert.rejects(async () => {
      for await (const _doc of cancelled.rows) if (++read === 10) await engine.cancel();
    }, DbxError);
    assert.ok(read < 20_000, `read ${read} documents after cancel()`);
    assert.equal((await one(engine, 'db.big.countDocuments()')).json, 20_000);
  });

  test('cancel() on an idle engine is harmless', async () => {
    const engine = engineFor(uniqueName('dbx_cancel'));
    await engine.cancel(); // before connect
    await run(engine, 'db.c.insertOne({_id: 1})');
    await engine.cancel(); // connected, nothing running
    assert.equal((await one(engine, 'db.c.countDocuments()')).json, 1);
  });

  (process.env.DBX_TEST_MONGO_URL ? test : test.skip)('cancel() stops a running query (real mongod only)', async () => {
    const engine = engineFor(uniqueName('dbx_slow'));
    await run(engine, 'db.slow.insertOne({_id: 1})');
    const [stmt] = engine.split("db.slow.find({$where: 'sleep(5000) || true'})");
    const started = performance.now();
    const running = engine.execute(stmt!);
    setTimeout(() => void engine.cancel(), 300);
    await assert.rejects(running);
    assert.ok(performance.now() - started < 3000);
    assert.equal((await one(engine, 'db.slow.countDocuments()')).json, 1, 'the next statement reconnects');
  });
});

describe('safety and secrets', () => {
  const engine = (): Engine => engineFor('test');
  const classify = async (text: string) => {
    const e = engine();
    const [stmt] = e.split(text) as [Statement];
    return e.classify(stmt);
  };

  test('writes and destructive statements', async () => {
    const cases: Array<[string, boolean, boolean]> = [
      ['show dbs', false, false],
      ['use x', false, false],
      ['db', false, false],
      ['db.version()', false, false],
      ['db.student.find({a: 1}).sort({a: 1})', false, false],
      ['db.student.findOne()', false, false],
      ['db.student.count()', false, false],
      ["db.student.aggregate([{$match: {a: 1}}])", false, false],
      ["db.student.aggregate([{$match: {a: 1}}, {$out: 'copy'}])", true, false],
      ["db.student.aggregate([{$merge: {into: 'copy'}}])", true, false],
      ["db.student.insert({_id: 123, name: 'Sam', age: 16})", true, false],
      ["db.student.insert_one({'name': 'Ann'})", true, false],
      ['db.student.update({sex: 1}, {$set:{age: 20}})', true, false],
      ["db.student.remove({name:'sam'},{justOne:true})", true, false],
      ['db.student.remove({})', true, true],
      ['db.student.deleteMany({})', true, true],
      ['db.student.deleteMany({a: 1})', true, false],
      ['db.student.drop()', true, true],
      ['db.dropDatabase()', true, true],
      ["db.createCollection('student')", true, false],
      ['db.student.createIndex({a: 1})', true, false],
      ["db.student.findOneAndUpdate({a: 1}, {$set: {b: 2}})", true, false],
      // server commands by their name; one dbx does not know is a write
      ['db.runCommand({ping: 1})', false, false],
      ["db.runCommand({find: 'student', filter: {}})", false, false],
      ["db.runCommand({insert: 'student', documents: [{a: 1}]})", true, false],
      ["db.runCommand({aggregate: 'student', pipeline: [{$match: {}}], cursor: {}})", false, false],
      ["db.runCommand({aggregate: 'student', pipeline: [{$merge: {into: 'copy'}}], cursor: {}})", true, false],
      ["db.runCommand({validate: 'student'})", false, false],
      ["db.runCommand({validate: 'student', repair: true})", true, false],
      ["db.runCommand({delete: 'student', deletes: [{q: {}, limit: 0}]})", true, true],
      ["db.runCommand({drop: 'student'})", true, true],
      ["db.runCommand({renameCollection: 'test.a', to: 'test.b'})", true, false],
      ['db.runCommand({someFutureCommand: 1})', true, false],
      ['db.adminCommand({listDatabases: 1})', false, false],
      ['db.adminCommand({fsync: 1, lock: true})', true, false],
      ["db.adminCommand({setParameter: 1, logLevel: 2})", true, false],
      ['db.adminCommand({shutdown: 1})', true, true],
      ["db.getSiblingDB('other').runCommand({dropDatabase: 1})", true, true],
      ["db.getSiblingDB('other').student.find()", false, false],
      ["db.getSiblingDB('other').student.insertOne({a: 1})", true, false],
      ["db.student.aggregate({$match: {a: 1}}, {$out: 'copy'})", true, false],
      ['db.student.bulkWrite([{insertOne: {document: {a: 1}}}])', true, false],
      ["db.student.dropIndex('a_1')", true, false],
      ['db.student.findAndModify({query: {a: 1}, remove: true})', true, false],
    ];
    for (const [text, write, destructive] of cases) {
      assert.deepEqual(await classify(text), { write, destructive }, text);
    }
  });

  test('passwords are masked', () => {
    assert.equal(
      maskStatement('doc', "db.createUser({user: 'app', pwd: 's3cret', roles: []})"),
      "db.createUser({user: 'app', pwd: '***', roles: []})",
    );
    assert.equal(maskStatement('doc', 'db.auth("app", "s3cret")'), 'db.auth("app", "***")');
    assert.equal(maskStatement('doc', "db.changeUserPassword('app', 'n3w')"), "db.changeUserPassword('app', '***')");
    assert.equal(maskStatement('doc', "db.x.insert({'password': 'p'})"), "db.x.insert({'password': '***'})");
    assert.equal(engine().redact!({ text: "db.createUser({pwd: 'x'})", line: 1 }), "db.createUser({pwd: '***'})");
  });

  test('the endpoint never shows the password; the database comes from the URL or the entry', () => {
    const t = mongoTarget('mongodb://app:s3cret@h1:27017,h2:27018/shop?replicaSet=rs0&authSource=admin', 1000);
    assert.equal(t.endpoint, 'mongodb://app@h1:27017,h2:27018/shop');
    assert.equal(t.database, 'shop');
    assert.equal(t.options.serverSelectionTimeoutMS, 1000);
    assert.equal(t.options.connectTimeoutMS, 1000);
    assert.equal(mongoTarget('mongodb://127.0.0.1:27017', 1000).database, 'test');
    const o = mongoTarget({ url: 'mongodb://a,b,c/?replicaSet=rs0', database: 'app', password: 'x', user: 'u' }, 1000);
    assert.equal(o.database, 'app');
    assert.equal(o.endpoint, 'mongodb://u@a,b,c/app');
    assert.deepEqual(o.options.auth, { username: 'u', password: 'x' });
    assert.equal(mongoTarget('mongodb+srv://u:p@cluster0.example.net/db', 1000).endpoint, 'mongodb+srv://u@cluster0.example.net/db');
  });
});
