/**
 * The MongoDB test server's transactions answer as mongod's do (test/support/mongo/transactions.ts): a standalone
 * refuses a transaction number (IllegalOperation), the primary of a one-member replica set runs driver session
 * transactions — commit makes the writes visible, abort and a failing command throw them away, what cannot run in
 * a transaction is refused. With DBX_TEST_MONGO_URL the same assertions run against that server, where they apply.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { Long, MongoClient, MongoServerError, UUID } from 'mongodb';
import { mongoTestUrl, startMongoTestServer, type MongoTestServer } from '../support/mongo-test-server.js';
import { uniqueName } from '../support/servers.js';

let standalone: { url: string; stop(): Promise<void>; real: boolean } | undefined;
let replicaSet: MongoTestServer | undefined;
const clients: MongoClient[] = [];
const dbName = uniqueName('dbx_mts_txn');

async function connect(url: string): Promise<{ client: MongoClient; transactions: boolean }> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
  clients.push(client);
  const hello = await client.db('admin').command({ hello: 1 });
  return { client, transactions: typeof hello.setName === 'string' || hello.msg === 'isdbgrid' };
}

beforeAll(async () => {
  standalone = await mongoTestUrl();
  if (!standalone.real) replicaSet = await startMongoTestServer({ replicaSet: 'rs0' });
});

afterAll(async () => {
  for (const c of clients) {
    await c.db(dbName).dropDatabase().catch(() => undefined);
    await c.close();
  }
  await replicaSet?.stop();
  await standalone?.stop();
});

const code = (e: unknown): number | undefined => (e instanceof MongoServerError ? Number(e.code) : undefined);

describe('a standalone', () => {
  test('refuses a command with a transaction number, as mongod does (IllegalOperation)', async () => {
    const { client, transactions } = await connect(standalone!.url);
    if (transactions) return; // DBX_TEST_MONGO_URL names a replica set
    const lsid = { id: new UUID() };
    await assert.rejects(
      client.db(dbName).command({ insert: 'c', documents: [{ _id: 1 }], lsid, txnNumber: Long.fromNumber(1), autocommit: false, startTransaction: true }),
      (e) => code(e) === 20 && /Transaction numbers are only allowed on a replica set member or mongos/.test((e as Error).message),
    );
    assert.equal(await client.db(dbName).collection('c').countDocuments(), 0);
  });
});

describe('the primary of a replica set', () => {
  const target = async () => (replicaSet ? connect(replicaSet.url) : connect(standalone!.url));

  test('hello names the set and the member as primary', async () => {
    if (!replicaSet) return;
    const { client } = await target();
    const hello = await client.db('admin').command({ hello: 1 });
    assert.equal(hello.setName, 'rs0');
    assert.equal(hello.isWritablePrimary, true);
    assert.deepEqual(hello.hosts, [new URL(replicaSet.url).host]);
    assert.equal(hello.primary, new URL(replicaSet.url).host);
  });

  test('commit makes the writes visible; until then they are the transaction own', async () => {
    const { client, transactions } = await target();
    if (!transactions) return;
    const coll = client.db(dbName).collection<{ _id: number }>('commit');
    await client.db(dbName).createCollection('commit');
    const session = client.startSession();
    session.startTransaction();
    await coll.insertOne({ _id: 1 }, { session });
    assert.equal(await coll.countDocuments({}, { session }), 1);
    assert.equal(await coll.countDocuments(), 0, 'outside the transaction nothing is there yet');
    await session.commitTransaction();
    await session.endSession();
    assert.equal(await coll.countDocuments(), 1);
  });

  test('abort, and a failing command, throw the writes away; the transaction is gone after a failure', async () => {
    const { client, transactions } = await target();
    if (!transactions) return;
    const coll = client.db(dbName).collection<{ _id: number }>('abort');
    await client.db(dbName).createCollection('abort');
    const session = client.startSession();
    session.startTransaction();
    await coll.insertOne({ _id: 1 }, { session });
    await session.abortTransaction();
    assert.equal(await coll.countDocuments(), 0);
    session.startTransaction();
    await coll.insertOne({ _id: 2 }, { session });
    await assert.rejects(coll.insertOne({ _id: 2 }, { session }), (e) => code(e) === 11000);
    await assert.rejects(coll.insertOne({ _id: 3 }, { session }), (e) => code(e) === 251);
    await session.abortTransaction().catch(() => undefined);
    await session.endSession();
    assert.equal(await coll.countDocuments(), 0);
  });

  test('a command that cannot run in a transaction is refused (OperationNotSupportedInTransaction)', async () => {
    const { client, transactions } = await target();
    if (!transactions) return;
    const session = client.startSession();
    session.startTransaction();
    await assert.rejects(client.db(dbName).command({ count: 'commit' }, { session }), (e) => code(e) === 263 || code(e) === 50851);
    await session.abortTransaction().catch(() => undefined);
    await session.endSession();
  });
});
