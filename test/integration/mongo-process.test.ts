// test/support/mongo-process.ts: the MongoDB test server in a child process that a test can stop and resume.
import { afterAll, beforeAll, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { MongoClient } from 'mongodb';
import { startMongoProcess, type MongoProcess } from '../support/mongo-process.js';

let mongo: MongoProcess;

beforeAll(async () => {
  mongo = await startMongoProcess();
});

afterAll(async () => {
  await mongo?.stop();
});

test('serves the wire protocol, hangs while SIGSTOPped, answers again after SIGCONT, and stop() ends it', async () => {
  assert.notEqual(mongo.pid, process.pid);
  const client = new MongoClient(mongo.url, { serverSelectionTimeoutMS: 5000 });
  try {
    const coll = client.db('dbx_mp').collection('c');
    await coll.insertOne({ _id: 1, name: 'a' } as never);
    assert.deepEqual(await coll.find().toArray(), [{ _id: 1, name: 'a' }]);
    process.kill(mongo.pid, 'SIGSTOP');
    const hung = await Promise.race([
      coll.countDocuments().then(() => 'answered'),
      new Promise((r) => setTimeout(() => r('hung'), 500)),
    ]);
    assert.equal(hung, 'hung');
    process.kill(mongo.pid, 'SIGCONT');
    assert.equal(await coll.countDocuments(), 1);
  } finally {
    await client.close(true);
  }
  await mongo.stop();
  assert.throws(() => process.kill(mongo.pid, 0), /ESRCH/);
}, 30_000);
