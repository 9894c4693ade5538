/**
 * `dbx doc --transaction` (issue 11): a driver session transaction where the server has them (a replica set, a
 * mongos), refused with exit 2 before any statement is sent where it has not (a standalone). Runs against the
 * MongoDB test server, a standalone, or DBX_TEST_MONGO_URL: what cannot apply to the server at hand is skipped.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { MongoClient } from 'mongodb';
import { mongoTestUrl } from '../support/mongo-test-server.js';
import { runDbx, type DbxRun } from '../support/run-dbx.js';
import { uniqueName } from '../support/servers.js';

let mongo: Awaited<ReturnType<typeof mongoTestUrl>>;
let client: MongoClient;
let transactions: boolean;
const dbName = uniqueName('dbx_txn');

function urlFor(): string {
  const m = /^(mongodb(?:\+srv)?:\/\/[^/?#]*)(?:\/[^?#]*)?(\?.*)?$/.exec(mongo.url)!;
  return `${m[1]}/${dbName}${m[2] ?? ''}`;
}

beforeAll(async () => {
  mongo = await mongoTestUrl();
  client = new MongoClient(mongo.url, { serverSelectionTimeoutMS: 5000 });
  const hello = await client.db('admin').command({ hello: 1 });
  transactions = typeof hello.setName === 'string' || hello.msg === 'isdbgrid';
});

afterAll(async () => {
  await client?.db(dbName).dropDatabase().catch(() => undefined);
  await client?.close();
  await mongo?.stop();
});

const script = (...lines: string[]): string => lines.join('\n') + '\n';
const run = (input: string, extra: string[] = []): Promise<DbxRun> =>
  runDbx(['--no-color', '--url', urlFor(), '--transaction', ...extra, 'doc'], { input });
const ids = async (coll: string): Promise<unknown[]> =>
  (await client.db(dbName).collection(coll).find({}, { projection: { _id: 1 } }).sort({ _id: 1 }).toArray()).map((d) => d._id);

describe('a standalone server has no transactions', () => {
  test('--transaction is refused with exit 2 before any statement is sent, saying why', async () => {
    if (transactions) return; // the server at hand is a replica set or a mongos
    const r = await run(script("db.a.insertOne({_id: 1})", "db.a.insertOne({_id: 2})", "db.a.insertOne({_id: 1})"));
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /NO_TRANSACTIONS: --transaction needs a replica set or a sharded cluster: .* is a standalone server, which has no transactions .*nothing was run/);
    assert.equal(r.stdout, '');
    assert.deepEqual(await ids('a'), []);
    const json = await run(script("db.a.insertOne({_id: 1})"), ['--json']);
    assert.equal(json.code, 2);
    assert.equal((JSON.parse(json.stderr) as { error: { code: string } }).error.code, 'NO_TRANSACTIONS');
    assert.deepEqual(await ids('a'), []);
  });
});

describe('a replica set or a mongos: one transaction', () => {
  test('three inserts, the third a duplicate _id: none stays, exit 1, rolled back', async () => {
    if (!transactions) return; // a standalone: the refusal above
    await client.db(dbName).createCollection('b');
    const r = await run(script("db.b.insertOne({_id: 1})", "db.b.insertOne({_id: 2})", "db.b.insertOne({_id: 1})"));
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /E11000|DuplicateKey/);
    assert.match(r.stderr, /Transaction rolled back: nothing was changed/);
    assert.deepEqual(await ids('b'), []);
  });

  test('a script that succeeds is committed whole; its reads see its own writes', async () => {
    if (!transactions) return;
    await client.db(dbName).createCollection('c');
    const r = await run(script("db.c.insertOne({_id: 1})", "db.c.updateOne({_id: 1}, {$set: {a: 1}})", 'db.c.countDocuments({a: 1})', "db.c.insertOne({_id: 2})"), ['--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.split('\n')[2], '1');
    assert.deepEqual(await ids('c'), [1, 2]);
  });
});
