/**
 * `dbx doc --transaction` (issue 11): a driver session transaction where the server has them (a replica set, a
 * mongos), refused with exit 2 before any statement is sent where it has not (a standalone). Runs against two
 * MongoDB test servers, a standalone and the primary of a one-member replica set, or against DBX_TEST_MONGO_URL
 * alone: what cannot apply to the server at hand is skipped.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { MongoClient } from 'mongodb';
import { mongoDatabaseUrl, mongoTestUrl, startMongoTestServer, type MongoTestServer } from '../support/mongo-test-server.js';
import { runDbx, type DbxRun } from '../support/run-dbx.js';
import { uniqueName } from '../support/servers.js';

interface Target {
  url: string;
  client: MongoClient;
  transactions: boolean;
}

let mongo: Awaited<ReturnType<typeof mongoTestUrl>>;
let replicaSet: MongoTestServer | undefined;
/** the server without transactions, and the one with them, where there is such a server */
let standalone: Target | undefined;
let withTransactions: Target | undefined;
const dbName = uniqueName('dbx_txn');

const urlFor = (target: Target): string => mongoDatabaseUrl(target.url, dbName);

async function target(url: string): Promise<Target> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
  const hello = await client.db('admin').command({ hello: 1 });
  return { url, client, transactions: typeof hello.setName === 'string' || hello.msg === 'isdbgrid' };
}

beforeAll(async () => {
  mongo = await mongoTestUrl();
  const first = await target(mongo.url);
  if (first.transactions) withTransactions = first;
  else standalone = first;
  if (!mongo.real) {
    replicaSet = await startMongoTestServer({ replicaSet: 'rs0' });
    withTransactions = await target(replicaSet.url);
  }
});

afterAll(async () => {
  for (const t of [standalone, withTransactions]) {
    await t?.client.db(dbName).dropDatabase().catch(() => undefined);
    await t?.client.close();
  }
  await replicaSet?.stop();
  await mongo?.stop();
});

const script = (...lines: string[]): string => lines.join('\n') + '\n';
const run = (t: Target, input: string, extra: string[] = []): Promise<DbxRun> =>
  runDbx(['--no-color', '--url', urlFor(t), '--transaction', ...extra, 'doc'], { input });
const ids = async (t: Target, coll: string): Promise<unknown[]> =>
  (await t.client.db(dbName).collection(coll).find({}, { projection: { _id: 1 } }).sort({ _id: 1 }).toArray()).map((d) => d._id);

describe('a standalone server has no transactions', () => {
  test('--transaction is refused with exit 2 before any statement is sent, saying why', async () => {
    if (!standalone) return; // the server at hand is a replica set or a mongos
    const t = standalone;
    const r = await run(t, script("db.a.insertOne({_id: 1})", "db.a.insertOne({_id: 2})", "db.a.insertOne({_id: 1})"));
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /NO_TRANSACTIONS: --transaction needs a replica set or a sharded cluster: .* is a standalone server, which has no transactions .*nothing was run/);
    assert.equal(r.stdout, '');
    assert.deepEqual(await ids(t, 'a'), []);
    const json = await run(t, script("db.a.insertOne({_id: 1})"), ['--json']);
    assert.equal(json.code, 2);
    assert.equal((JSON.parse(json.stderr) as { error: { code: string } }).error.code, 'NO_TRANSACTIONS');
    assert.deepEqual(await ids(t, 'a'), []);
  });
});

describe('a replica set or a mongos: one transaction', () => {
  test('three inserts, the third a duplicate _id: none stays, exit 1, rolled back', async () => {
    if (!withTransactions) return; // a standalone only: the refusal above
    const t = withTransactions;
    await t.client.db(dbName).createCollection('b');
    const r = await run(t, script("db.b.insertOne({_id: 1})", "db.b.insertOne({_id: 2})", "db.b.insertOne({_id: 1})"));
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /E11000|DuplicateKey/);
    assert.match(r.stderr, /Transaction rolled back: nothing was changed/);
    assert.deepEqual(await ids(t, 'b'), []);
  });

  test('a script that succeeds is committed whole; its reads see its own writes', async () => {
    if (!withTransactions) return;
    const t = withTransactions;
    await t.client.db(dbName).createCollection('c');
    const r = await run(t, script("db.c.insertOne({_id: 1})", "db.c.updateOne({_id: 1}, {$set: {a: 1}})", 'db.c.countDocuments({a: 1})', "db.c.insertOne({_id: 2})"), ['--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.split('\n')[2], '1');
    assert.deepEqual(await ids(t, 'c'), [1, 2]);
  });
});
