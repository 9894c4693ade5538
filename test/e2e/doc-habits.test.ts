/**
 * mongosh habits through the CLI (the MongoDB test server, or a real mongod with DBX_TEST_MONGO_URL): runCommand,
 * adminCommand, getSiblingDB, findAndModify, findOneAnd…, bulkWrite, explain, db.coll.stats(), `.pretty()`, and
 * findOne under --format vertical; readonly safety refuses a writing command by its name.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { mongoTestUrl, mongoDatabaseUrl } from '../support/mongo-test-server.js';
import { runDbx, type DbxRun } from '../support/run-dbx.js';
import { uniqueName } from '../support/servers.js';

let server: Awaited<ReturnType<typeof mongoTestUrl>>;
let tmp: string;
const databases: string[] = [];

function urlFor(db: string): string {
  return mongoDatabaseUrl(server.url, db);
}

function freshDb(): string {
  const name = uniqueName('dbx_habits');
  databases.push(name);
  return name;
}

async function ok(db: string, script: string, extra: string[] = []): Promise<DbxRun> {
  const r = await runDbx(['--no-color', '--url', urlFor(db), ...extra, 'doc', script]);
  assert.equal(r.code, 0, `${script}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

beforeAll(async () => {
  server = await mongoTestUrl();
  tmp = await mkdtemp(join(tmpdir(), 'dbx-doc-habits-'));
});

afterAll(async () => {
  if (server.real) for (const db of databases) await runDbx(['--url', urlFor(db), '--yes', 'doc', 'db.dropDatabase()']);
  await server.stop();
  await rm(tmp, { recursive: true, force: true });
});

describe('mongosh methods', () => {
  test('runCommand and adminCommand send the document as written', async () => {
    const db = freshDb();
    assert.equal((await ok(db, 'db.runCommand({ping: 1})')).stdout, '{ ok: 1 }\n');
    const dbs = JSON.parse((await ok(db, 'db.adminCommand({listDatabases: 1})', ['--json'])).stdout) as { databases: unknown[]; ok: number };
    assert.ok(Array.isArray(dbs.databases));
    assert.equal(dbs.ok, 1);
  });

  test('getSiblingDB: another database for one statement; the current one stays', async () => {
    const db = freshDb();
    const other = freshDb();
    await ok(db, `db.getSiblingDB('${other}').pets.insertOne({_id: 1, name: 'Rex'})`);
    assert.deepEqual(JSON.parse((await ok(db, `db.getSiblingDB('${other}').pets.find()`, ['--json'])).stdout), [{ _id: 1, name: 'Rex' }]);
    assert.deepEqual(JSON.parse((await ok(db, 'db.pets.find()', ['--json'])).stdout), []);
    assert.equal((await ok(db, `db.getSiblingDB('${other}')`)).stdout, `${other}\n`);
    assert.match((await ok(db, `db.getSiblingDB('${other}').getCollectionNames()`)).stdout, /pets/);
  });

  test('findAndModify, findOneAndUpdate/Replace/Delete, bulkWrite as mongosh shows them', async () => {
    const db = freshDb();
    await ok(db, "db.s.insertMany([{_id: 1, n: 1}, {_id: 2, n: 2}, {_id: 3, n: 3}])");
    assert.equal((await ok(db, 'db.s.findAndModify({query: {_id: 1}, update: {$inc: {n: 10}}, new: true})')).stdout, '{ _id: 1, n: 11 }\n');
    assert.equal((await ok(db, 'db.s.findAndModify({query: {_id: 3}, remove: true})')).stdout, '{ _id: 3, n: 3 }\n');
    assert.equal((await ok(db, 'db.s.findOneAndUpdate({_id: 2}, {$set: {n: 20}})')).stdout, '{ _id: 2, n: 2 }\n');
    assert.equal((await ok(db, "db.s.findOneAndReplace({_id: 2}, {name: 'two'}, {returnDocument: 'after'})")).stdout, "{ _id: 2, name: 'two' }\n");
    assert.equal((await ok(db, 'db.s.findOneAndDelete({_id: 2})')).stdout, "{ _id: 2, name: 'two' }\n");
    const bulk = await ok(db, "db.s.bulkWrite([{insertOne: {document: {_id: 4}}}, {deleteOne: {filter: {_id: 1}}}])");
    assert.equal(
      bulk.stdout,
      [
        '{',
        '  acknowledged: true,',
        '  insertedCount: 1,',
        "  insertedIds: { '0': 4 },",
        '  matchedCount: 0,',
        '  modifiedCount: 0,',
        '  deletedCount: 1,',
        '  upsertedCount: 0,',
        '  upsertedIds: {}',
        '}',
        '',
      ].join('\n'),
    );
  });

  test('explain, db.coll.stats()', async () => {
    const db = freshDb();
    await ok(db, 'db.s.insertOne({_id: 1})');
    const plan = JSON.parse((await ok(db, 'db.s.find({_id: 1}).explain()', ['--json'])).stdout) as { queryPlanner?: unknown };
    assert.ok(plan.queryPlanner);
    const stats = JSON.parse((await ok(db, 'db.s.stats()', ['--json'])).stdout) as { count: number; ns: string };
    assert.equal(stats.count, 1);
    assert.equal(stats.ns, `${db}.s`);
  });

  test('.pretty() prints each document as mongosh does, indented past 80 columns; --format vertical findOne is a block', async () => {
    const db = freshDb();
    await ok(db, "db.s.insertMany([{_id: 1, name: 'Sam'}, {_id: 2, address: {street: 'A Very Long Street Name 12345', city: 'Somewhere Quite Far Away'}}])");
    // the oracle: Node's util.inspect, which mongosh prints with
    const second = { _id: 2, address: { street: 'A Very Long Street Name 12345', city: 'Somewhere Quite Far Away' } };
    assert.equal((await ok(db, 'db.s.find().pretty()')).stdout, `{ _id: 1, name: 'Sam' }\n${inspect(second)}\n`);
    assert.match(inspect(second), /^\{\n  _id: 2,\n/);
    assert.equal((await ok(db, 'db.s.findOne({_id: 1})', ['--format', 'vertical'])).stdout, '*************************** 1. row ***************************\n _id: 1\nname: Sam\n');
  });
});

describe('safety', () => {
  test('readonly: runCommand is refused by its command name (exit 4), a reading command runs', async () => {
    const db = freshDb();
    const config = join(tmp, 'ro.yaml');
    await writeFile(config, `profiles:\n  ro:\n    safety: readonly\n    doc: "${urlFor(db)}"\n`);
    const refused = await runDbx(['--config', config, 'doc', "db.runCommand({insert: 's', documents: [{_id: 1}]})"]);
    assert.equal(refused.code, 4, refused.stderr);
    const sibling = await runDbx(['--config', config, 'doc', "db.getSiblingDB('other').s.insertOne({_id: 1})"]);
    assert.equal(sibling.code, 4, sibling.stderr);
    const read = await runDbx(['--config', config, 'doc', 'db.runCommand({ping: 1})']);
    assert.equal(read.code, 0, read.stderr);
    const confirm = join(tmp, 'confirm.yaml');
    await writeFile(confirm, `profiles:\n  c:\n    safety: confirm\n    doc: "${urlFor(db)}"\n`);
    const drop = await runDbx(['--config', confirm, 'doc', 'db.runCommand({dropDatabase: 1})']);
    assert.equal(drop.code, 4, drop.stderr);
  });
});
