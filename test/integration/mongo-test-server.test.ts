// Drives the MongoDB test server with the official driver. Every assertion is something a real mongod 7
// also does, so the suite passes unchanged with DBX_TEST_MONGO_URL pointing at one.
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { deserialize, serialize } from 'bson';
import {
  Decimal128, Double, Int32, Long, MongoBulkWriteError, MongoClient, MongoServerError, ObjectId,
  type CommandStartedEvent, type Db, type Document,
} from 'mongodb';
import { mongoTestUrl } from '../support/mongo-test-server.js';

const DB = `dbx_mts_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;

let server: Awaited<ReturnType<typeof mongoTestUrl>>;
let client: MongoClient;
let db: Db;
const started: CommandStartedEvent[] = [];

/** Commands named `name` that the driver sent while `run` ran. */
async function commandsDuring(name: string, run: () => Promise<unknown>): Promise<CommandStartedEvent[]> {
  const from = started.length;
  await run();
  return started.slice(from).filter((event) => event.commandName === name);
}

/** Cursor ids are Int64; the driver hands a zero back as a plain number. */
function isZeroId(id: unknown): boolean {
  return id instanceof Long ? id.isZero() : id === 0;
}

async function rejectsWithCode(promise: Promise<unknown>, code: number): Promise<MongoServerError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof MongoServerError, `expected MongoServerError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  return error;
}

beforeAll(async () => {
  server = await mongoTestUrl();
  client = new MongoClient(server.url, { monitorCommands: true, serverSelectionTimeoutMS: 5000, maxPoolSize: 1 });
  client.on('commandStarted', (event) => started.push(event));
  await client.connect();
  db = client.db(DB);
});

afterAll(async () => {
  await db?.dropDatabase();
  await client?.close();
  await server?.stop();
});

describe('handshake and server commands', () => {
  test('ping, hello, legacy isMaster', async () => {
    assert.equal((await db.command({ ping: 1 })).ok, 1);
    const hello = await db.admin().command({ hello: 1 });
    assert.equal(hello.isWritablePrimary, true);
    assert.ok(hello.maxWireVersion >= 21, `maxWireVersion ${hello.maxWireVersion}`);
    assert.equal(typeof hello.logicalSessionTimeoutMinutes, 'number');
    assert.equal((await db.admin().command({ isMaster: 1 })).ismaster, true);
  });

  test('buildInfo, getParameter, endSessions', async () => {
    const info = await db.admin().command({ buildInfo: 1 });
    assert.match(info.version, /^\d+\.\d+\.\d+/);
    assert.equal(info.versionArray.length, 4);
    if (!server.real) assert.equal(info.version, '7.0.0');
    const fcv = await db.admin().command({ getParameter: 1, featureCompatibilityVersion: 1 });
    assert.match(fcv.featureCompatibilityVersion.version, /^\d+\.\d+$/);
    assert.equal((await db.admin().command({ endSessions: [] })).ok, 1);
  });

  test('an unknown command is CommandNotFound', async () => {
    const error = await rejectsWithCode(db.command({ noSuchCommand: 1 }), 59);
    assert.equal(error.codeName, 'CommandNotFound');
    assert.match(error.message, /no such command: 'noSuchCommand'/);
  });
});

describe('insert', () => {
  test('generates an ObjectId _id, stored first', async () => {
    const coll = db.collection('ins_ids');
    const { insertedId } = await coll.insertOne({ name: 'Sam' });
    assert.ok(insertedId instanceof ObjectId);
    await coll.insertOne({ name: 'Kim', _id: 5 } as Document);
    assert.deepEqual(Object.keys((await coll.findOne({ _id: 5 } as Document)) ?? {}), ['_id', 'name']);
    assert.equal((await coll.findOne({ _id: insertedId }))?.name, 'Sam');
  });

  test('duplicate _id is E11000 with the mongod message', async () => {
    const coll = db.collection('ins_dup');
    await coll.insertOne({ _id: 123, name: 'Sam' } as Document);
    const error = await rejectsWithCode(coll.insertOne({ _id: 123, name: 'Again' } as Document), 11000);
    assert.match(error.message, new RegExp(`^E11000 duplicate key error collection: ${DB}\\.ins_dup index: _id_ dup key: \\{ _id: 123 \\}`));
  });

  test('an ordered insertMany stops at the duplicate, an unordered one goes on', async () => {
    const coll = db.collection('ins_batch');
    const ordered = await coll.insertMany([{ _id: 1 }, { _id: 2 }, { _id: 1 }, { _id: 3 }] as Document[]).catch((e: unknown) => e);
    assert.ok(ordered instanceof MongoBulkWriteError);
    assert.equal(ordered.code, 11000);
    assert.equal(ordered.insertedCount, 2);
    assert.equal(ordered.writeErrors instanceof Array ? ordered.writeErrors[0].index : ordered.writeErrors.index, 2);
    const unordered = await coll.insertMany([{ _id: 4 }, { _id: 1 }, { _id: 5 }] as Document[], { ordered: false }).catch((e: unknown) => e);
    assert.ok(unordered instanceof MongoBulkWriteError);
    assert.equal(unordered.insertedCount, 2);
    assert.deepEqual((await coll.find().sort({ _id: 1 }).toArray()).map((d) => d._id), [1, 2, 4, 5]);
  });

  test('BSON types round-trip', async () => {
    const coll = db.collection('ins_types');
    const when = new Date('2024-01-02T03:04:05.678Z');
    const ref = new ObjectId();
    await coll.insertOne({
      _id: 1, i: new Int32(7), l: Long.fromString('9007199254740993'), d: new Double(2), dec: Decimal128.fromString('1.10'),
      when, ref, nested: { list: [new Int32(1), 'two', null] },
    } as Document);
    const doc = await coll.findOne({ _id: 1 } as Document, { promoteValues: false, promoteLongs: false });
    assert.ok(doc !== null);
    assert.ok(doc.i instanceof Int32 && doc.i.value === 7);
    assert.ok(doc.l instanceof Long && doc.l.toString() === '9007199254740993');
    assert.ok(doc.d instanceof Double && doc.d.value === 2);
    assert.ok(doc.dec instanceof Decimal128 && doc.dec.toString() === '1.10');
    assert.deepEqual(doc.when, when);
    assert.ok(ref.equals(doc.ref));
    assert.equal(doc.nested.list[1], 'two');
  });

  test('an unacknowledged write (moreToCome) is applied without a reply', async () => {
    const coll = db.collection('ins_w0');
    await coll.insertOne({ _id: 'quiet' } as Document, { writeConcern: { w: 0 } });
    assert.equal((await coll.findOne({ _id: 'quiet' } as Document))?._id, 'quiet');
  });
});

describe('find and cursors', () => {
  beforeAll(async () => {
    const docs = Array.from({ length: 5000 }, (_, i) => ({ _id: i, n: i, even: i % 2 === 0, name: `user${i}` }));
    await db.collection('people').insertMany(docs as Document[]);
  });

  test('filter, projection, sort, skip, limit', async () => {
    const coll = db.collection('people');
    const rows = await coll.find({ n: { $lt: 10 }, even: true }, { projection: { name: 1 } }).sort({ n: -1 }).skip(1).limit(2).toArray();
    assert.deepEqual(rows, [{ _id: 6, name: 'user6' }, { _id: 4, name: 'user4' }]);
    const excluded = await coll.findOne({ _id: 3 } as Document, { projection: { _id: 0, even: 0 } });
    assert.deepEqual(excluded, { n: 3, name: 'user3' });
    assert.equal(await coll.countDocuments({ n: { $gte: 4990 } }), 10);
  });

  test('the first batch holds 101 documents and the cursor stays open', async () => {
    const reply = await db.command({ find: 'people', filter: {} });
    assert.equal(reply.cursor.firstBatch.length, 101);
    assert.ok(!isZeroId(reply.cursor.id));
    assert.equal(reply.cursor.ns, `${DB}.people`);
    await db.command({ killCursors: 'people', cursors: [reply.cursor.id] });
  });

  test('5,000 documents arrive through several getMores', async () => {
    let seen = 0;
    const getMores = await commandsDuring('getMore', async () => {
      for await (const doc of db.collection('people').find({}).batchSize(1000)) {
        assert.equal(doc.n, seen);
        seen++;
      }
    });
    assert.equal(seen, 5000);
    assert.ok(getMores.length >= 4, `getMores: ${getMores.length}`);
    assert.ok(getMores.every((event) => event.command.batchSize === 1000));
  });

  test('a limit or singleBatch closes the cursor', async () => {
    const limited = await db.command({ find: 'people', filter: {}, limit: 5 });
    assert.equal(limited.cursor.firstBatch.length, 5);
    assert.ok(isZeroId(limited.cursor.id));
    const single = await db.command({ find: 'people', filter: {}, batchSize: 3, singleBatch: true });
    assert.equal(single.cursor.firstBatch.length, 3);
    assert.ok(isZeroId(single.cursor.id));
  });

  test('cursor.close() kills the server cursor', async () => {
    const cursor = db.collection('people').find({}).batchSize(10);
    await cursor.next();
    const id = cursor.id;
    assert.ok(id !== undefined && !id.isZero());
    const kills = await commandsDuring('killCursors', () => cursor.close());
    assert.equal(kills.length, 1);
    assert.ok(id.equals(kills[0].command.cursors[0]));
    await rejectsWithCode(db.command({ getMore: id, collection: 'people' }), 43);
  });

  test('count with query, skip and limit', async () => {
    assert.equal((await db.command({ count: 'people', query: { even: true } })).n, 2500);
    assert.equal((await db.command({ count: 'people', query: { n: { $lt: 100 } }, skip: 90, limit: 5 })).n, 5);
    assert.equal((await db.command({ count: 'nobody_here' })).n, 0);
    assert.equal(await db.collection('people').estimatedDocumentCount(), 5000);
  });
});

describe('update and delete', () => {
  test('$set / $inc / $push / $unset and nModified', async () => {
    const coll = db.collection('upd_ops');
    await coll.insertMany([{ _id: 1, name: 'Sam', age: 16, visits: Long.fromNumber(1), tags: ['a'] }, { _id: 2, name: 'sam', age: 16 }] as Document[]);
    const changed = await coll.updateOne({ _id: 1 } as Document, { $set: { age: 20 }, $inc: { visits: 1 }, $push: { tags: 'b' }, $unset: { name: '' } } as Document);
    assert.equal(changed.matchedCount, 1);
    assert.equal(changed.modifiedCount, 1);
    const doc = await coll.findOne({ _id: 1 } as Document, { promoteLongs: false });
    assert.deepEqual({ ...doc, visits: String(doc?.visits) }, { _id: 1, age: 20, visits: '2', tags: ['a', 'b'] });
    assert.ok(doc?.visits instanceof Long, '$inc keeps a Long a Long');
    const same = await coll.updateOne({ _id: 1 } as Document, { $set: { age: 20 } });
    assert.equal(same.matchedCount, 1);
    assert.equal(same.modifiedCount, 0);
  });

  test('multi updates every match; without it only the first', async () => {
    const coll = db.collection('upd_multi');
    await coll.insertMany([{ _id: 1, sex: 1 }, { _id: 2, sex: 1 }, { _id: 3, sex: 0 }] as Document[]);
    const one = await db.command({ update: 'upd_multi', updates: [{ q: { sex: 1 }, u: { $set: { age: 20 } } }] });
    assert.deepEqual([one.n, one.nModified], [1, 1]);
    const many = await db.command({ update: 'upd_multi', updates: [{ q: { sex: 1 }, u: { $set: { age: 21 } }, multi: true }] });
    assert.deepEqual([many.n, many.nModified], [2, 2]);
    assert.deepEqual((await coll.find({ age: 21 }).toArray()).map((d) => d._id), [1, 2]);
  });

  test('a replacement document replaces everything but _id', async () => {
    const coll = db.collection('upd_replace');
    await coll.insertOne({ _id: 7, name: 'jack', age: 30 } as Document);
    const result = await db.command({ update: 'upd_replace', updates: [{ q: { name: 'jack' }, u: { x: 'y' } }] });
    assert.deepEqual([result.n, result.nModified], [1, 1]);
    assert.deepEqual(await coll.findOne({}), { _id: 7, x: 'y' });
    await rejectsWithCode(coll.updateOne({ _id: 7 } as Document, { $set: { _id: 8 } }), 66);
  });

  test('upsert builds the document from the filter and reports upserted', async () => {
    const coll = db.collection('upd_upsert');
    const reply = await db.command({
      update: 'upd_upsert',
      updates: [
        { q: { name: 'Ann', age: { $gt: 5 } }, u: { $set: { city: 'Oslo' }, $setOnInsert: { created: true } }, upsert: true },
        { q: { _id: 42 }, u: { name: 'Bob' }, upsert: true },
      ],
    });
    assert.equal(reply.n, 2);
    assert.equal(reply.nModified, 0);
    assert.equal(reply.upserted.length, 2);
    assert.deepEqual(reply.upserted.map((u: Document) => u.index), [0, 1]);
    assert.equal(reply.upserted[1]._id, 42);
    const ann = await coll.findOne({ _id: reply.upserted[0]._id });
    assert.deepEqual({ ...ann, _id: undefined }, { _id: undefined, name: 'Ann', city: 'Oslo', created: true });
    assert.deepEqual(await coll.findOne({ _id: 42 } as Document), { _id: 42, name: 'Bob' });
    const again = await coll.updateOne({ name: 'Ann' }, { $set: { city: 'Rome' }, $setOnInsert: { created: false } }, { upsert: true });
    assert.equal(again.upsertedCount, 0);
    assert.equal((await coll.findOne({ name: 'Ann' }))?.created, true);
  });

  test('findOneAndUpdate and findOneAndDelete (findAndModify)', async () => {
    const coll = db.collection('fam');
    await coll.insertMany([{ _id: 1, n: 1 }, { _id: 2, n: 2 }] as Document[]);
    const before = await coll.findOneAndUpdate({ n: { $gte: 1 } }, { $inc: { n: 10 } }, { sort: { n: -1 } });
    assert.deepEqual(before, { _id: 2, n: 2 });
    const after = await coll.findOneAndUpdate({ _id: 1 } as Document, { $set: { x: true } }, { returnDocument: 'after', projection: { n: 0 } });
    assert.deepEqual(after, { _id: 1, x: true });
    const upserted = await coll.findOneAndUpdate({ _id: 3 } as Document, { $set: { n: 3 } }, { upsert: true, returnDocument: 'after' });
    assert.deepEqual(upserted, { _id: 3, n: 3 });
    assert.deepEqual(await coll.findOneAndDelete({ n: 12 }), { _id: 2, n: 12 });
    assert.equal(await coll.findOneAndDelete({ n: 99 }), null);
  });

  test('delete with limit 1 and limit 0', async () => {
    const coll = db.collection('del');
    await coll.insertMany([{ name: 'sam' }, { name: 'sam' }, { name: 'sam' }, { name: 'kim' }]);
    assert.equal((await db.command({ delete: 'del', deletes: [{ q: { name: 'sam' }, limit: 1 }] })).n, 1);
    assert.equal((await coll.deleteMany({ name: 'sam' })).deletedCount, 2);
    assert.equal((await coll.deleteOne({ name: 'nobody' })).deletedCount, 0);
    assert.deepEqual((await coll.find({}, { projection: { _id: 0 } }).toArray()), [{ name: 'kim' }]);
  });
});

describe('aggregate and distinct', () => {
  beforeAll(async () => {
    await db.collection('sales').insertMany([
      { item: 'pen', qty: 2, tags: ['office', 'cheap'] },
      { item: 'pen', qty: 3, tags: ['office'] },
      { item: 'ink', qty: 1, tags: ['office', 'refill'] },
      { item: 'cup', qty: 5 },
    ]);
  });

  test('$group with $sum, sorted, in small batches', async () => {
    const rows = await db.collection('sales').aggregate([
      { $group: { _id: '$item', total: { $sum: '$qty' }, n: { $sum: 1 } } },
      { $sort: { total: -1, _id: 1 } },
    ], { batchSize: 1 }).toArray();
    assert.deepEqual(rows, [{ _id: 'cup', total: 5, n: 1 }, { _id: 'pen', total: 5, n: 2 }, { _id: 'ink', total: 1, n: 1 }]);
  });

  test('$project keeps stored types and field order; $lookup and $out use other collections', async () => {
    const coll = db.collection('agg_types');
    await coll.insertMany([{ _id: 1, n: Long.fromNumber(5), m: new Int32(2) }, { _id: 2, n: Long.fromNumber(6), m: new Int32(3) }] as Document[]);
    const rows = await coll.aggregate([{ $project: { twice: { $multiply: ['$m', 2] }, n: 1 } }], { promoteLongs: false }).toArray();
    assert.deepEqual(rows.map((r) => Object.keys(r)), [['_id', 'n', 'twice'], ['_id', 'n', 'twice']]);
    assert.ok(rows[0].n instanceof Long);
    assert.deepEqual(rows.map((r) => r.twice), [4, 6]);
    await db.collection('agg_names').insertMany([{ _id: 1, label: 'one' }, { _id: 2, label: 'two' }] as Document[]);
    const joined = await coll.aggregate([
      { $lookup: { from: 'agg_names', localField: '_id', foreignField: '_id', as: 'names' } },
      { $project: { _id: 1, label: { $first: '$names.label' } } },
      { $out: 'agg_joined' },
    ]).toArray();
    assert.deepEqual(joined, []);
    assert.deepEqual(await db.collection('agg_joined').find().sort({ _id: 1 }).toArray(), [{ _id: 1, label: 'one' }, { _id: 2, label: 'two' }]);
  });

  test('aggregate needs the cursor option', async () => {
    await rejectsWithCode(db.command({ aggregate: 'sales', pipeline: [] }), 9);
  });

  test('distinct unwinds arrays and honours the query', async () => {
    assert.deepEqual((await db.collection('sales').distinct('tags')).sort(), ['cheap', 'office', 'refill']);
    assert.deepEqual((await db.collection('sales').distinct('item', { qty: { $gte: 2 } })).sort(), ['cup', 'pen']);
  });
});

describe('databases, collections, indexes', () => {
  test('listDatabases shows admin and databases that hold a collection', async () => {
    await db.collection('exists').insertOne({ a: 1 });
    assert.equal(await client.db(`${DB}_ghost`).collection('c').findOne({}), null); // reading creates nothing
    const { databases, totalSize } = await db.admin().listDatabases();
    const names = databases.map((d) => d.name);
    assert.ok(names.includes('admin'));
    assert.ok(names.includes(DB));
    assert.ok(!names.includes(`${DB}_ghost`));
    const mine = databases.find((d) => d.name === DB);
    assert.equal(typeof mine?.sizeOnDisk, 'number');
    assert.equal(mine?.empty, false);
    assert.equal(typeof totalSize, 'number');
    const nameOnly = await db.admin().listDatabases({ nameOnly: true });
    assert.deepEqual(Object.keys(nameOnly.databases[0]), ['name']);
    const error = await rejectsWithCode(db.command({ listDatabases: 1 }), 13);
    assert.match(error.message, /may only be run against the admin database/);
  });

  test('listCollections with a name filter and nameOnly', async () => {
    await db.collection('lc_one').insertOne({});
    await db.collection('lc_two').insertOne({});
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    assert.ok(names.includes('lc_one') && names.includes('lc_two'));
    const filtered = await db.listCollections({ name: 'lc_two' }).toArray();
    assert.equal(filtered.length, 1);
    assert.equal(filtered[0].type, 'collection');
    const bare = await db.listCollections({ name: 'lc_one' }, { nameOnly: true }).toArray();
    assert.deepEqual(bare, [{ name: 'lc_one', type: 'collection' }]);
  });

  test('create: same options succeed again, different options are NamespaceExists', async () => {
    await db.createCollection('made');
    await db.createCollection('made');
    const error = await rejectsWithCode(db.command({ create: 'made', capped: true, size: 4096 }), 48);
    assert.equal(error.codeName, 'NamespaceExists');
  });

  test('drop and dropDatabase', async () => {
    await db.collection('doomed').insertOne({});
    assert.equal(await db.collection('doomed').drop(), true);
    assert.equal(await db.collection('never_was').drop(), true, 'mongod 7 drops a missing collection without error');
    const other = client.db(`${DB}_x`);
    await other.collection('c').insertOne({});
    assert.equal(await other.dropDatabase(), true);
    const names = (await db.admin().listDatabases({ nameOnly: true })).databases.map((d) => d.name);
    assert.ok(!names.includes(`${DB}_x`));
  });

  test('createIndexes, listIndexes, unique enforcement, dropIndexes', async () => {
    const coll = db.collection('idx');
    await coll.insertMany([{ email: 'a@x' }, { email: 'b@x' }]);
    assert.equal(await coll.createIndex({ email: 1 }, { unique: true }), 'email_1');
    const indexes = await coll.indexes();
    assert.deepEqual(indexes.map((i) => i.name), ['_id_', 'email_1']);
    assert.equal(indexes[1].unique, true);
    const dup = await rejectsWithCode(coll.insertOne({ email: 'a@x' }), 11000);
    assert.match(dup.message, /index: email_1 dup key: \{ email: "a@x" \}/);
    await rejectsWithCode(coll.updateOne({ email: 'b@x' }, { $set: { email: 'a@x' } }), 11000);
    await rejectsWithCode(coll.dropIndex('_id_'), 72);
    await rejectsWithCode(coll.dropIndex('nope_1'), 27);
    await coll.dropIndex('email_1');
    assert.deepEqual((await coll.indexes()).map((i) => i.name), ['_id_']);
    await coll.insertOne({ email: 'a@x' });
    await rejectsWithCode(db.collection('no_such_coll').indexes(), 26);
  });

  test('dbStats and collStats count collections and documents', async () => {
    const stats = await client.db(`${DB}_stats`).stats();
    assert.equal(stats.collections, 0);
    const coll = client.db(`${DB}_stats`).collection('s');
    await coll.insertMany([{ a: 1 }, { a: 2 }, { a: 3 }]);
    const after = await client.db(`${DB}_stats`).stats();
    assert.equal(after.collections, 1);
    assert.equal(after.objects, 3);
    assert.ok(after.dataSize > 0);
    const collStatsReply = await client.db(`${DB}_stats`).command({ collStats: 's' });
    assert.equal(collStatsReply.count, 3);
    await client.db(`${DB}_stats`).dropDatabase();
  });
});

describe('wire protocol details', () => {
  function crc32c(bytes: Uint8Array): number {
    let crc = 0xffffffff;
    for (const byte of bytes) {
      crc ^= byte;
      for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
    }
    return (crc ^ 0xffffffff) >>> 0;
  }

  /** Sends one raw message and returns the reply body document. */
  async function roundTrip(message: Buffer): Promise<Document> {
    const { hostname, port } = new URL(server.url);
    const socket = connect(Number(port || 27017), hostname);
    socket.write(message);
    let data = Buffer.alloc(0);
    for await (const chunk of socket) {
      data = Buffer.concat([data, chunk as Buffer]);
      if (data.length >= 4 && data.length >= data.readInt32LE(0)) break;
    }
    socket.destroy();
    const opCode = data.readInt32LE(12);
    return deserialize(data.subarray(opCode === 1 ? 36 : 21));
  }

  function header(length: number, opCode: number): Buffer {
    const h = Buffer.alloc(16);
    h.writeInt32LE(length, 0);
    h.writeInt32LE(7, 4);
    h.writeInt32LE(opCode, 12);
    return h;
  }

  test('a legacy OP_QUERY isMaster gets an OP_REPLY', async () => {
    if (server.real && !/^mongodb:\/\/[^@/?,]+\/?$/.test(server.url)) return; // raw sockets need a plain host:port URL
    const query = serialize({ isMaster: 1 });
    const ns = Buffer.from('admin.$cmd\0');
    const body = Buffer.concat([Buffer.alloc(4), ns, Buffer.alloc(4), Buffer.from([0xff, 0xff, 0xff, 0xff]), query]);
    const reply = await roundTrip(Buffer.concat([header(16 + body.length, 2004), body]));
    assert.equal(reply.ismaster, true);
    assert.equal(reply.ok, 1);
  });

  test('OP_MSG with checksumPresent is answered', async () => {
    if (server.real && !/^mongodb:\/\/[^@/?,]+\/?$/.test(server.url)) return;
    const body = Buffer.concat([Buffer.from([1, 0, 0, 0, 0]), serialize({ ping: 1, $db: 'admin' })]);
    const unsigned = Buffer.concat([header(16 + body.length + 4, 2013), body]);
    const checksum = Buffer.alloc(4);
    checksum.writeUInt32LE(crc32c(unsigned), 0);
    const reply = await roundTrip(Buffer.concat([unsigned, checksum]));
    assert.equal(reply.ok, 1);
  });
});
