/**
 * `dbx doc` as a process against the MongoDB test server (or DBX_TEST_MONGO_URL): the note's lines verbatim,
 * stdout / stderr / exit code in the table and JSON formats, parse errors with a caret, injection attempts,
 * safety, and connection failures.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { mongoTestUrl, mongoDatabaseUrl } from '../support/mongo-test-server.js';
import { freePort } from '../support/private-servers.js';
import { runDbx, type DbxRun } from '../support/run-dbx.js';
import { uniqueName } from '../support/servers.js';

let server: Awaited<ReturnType<typeof mongoTestUrl>>;
let tmp: string;
const databases: string[] = [];

function urlFor(db: string): string {
  return mongoDatabaseUrl(server.url, db);
}

/** A fresh database for one test, dropped at the end when the server is a real one. */
function freshDb(prefix = 'dbx_e2e'): string {
  const name = uniqueName(prefix);
  databases.push(name);
  return name;
}

function doc(db: string, script: string | string[], extra: string[] = [], input?: string): Promise<DbxRun> {
  const words = Array.isArray(script) ? script : [script];
  return runDbx(['--no-color', '--url', urlFor(db), ...extra, 'doc', ...words], { input });
}

function noStack(r: DbxRun): void {
  assert.doesNotMatch(r.stderr, /\n\s+at .*\.js:\d+/, 'no stack trace');
}

async function ok(db: string, script: string, extra: string[] = []): Promise<DbxRun> {
  const r = await doc(db, script, extra);
  assert.equal(r.code, 0, `${script}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

async function json(db: string, script: string): Promise<unknown> {
  const r = await ok(db, script, ['--json']);
  return JSON.parse(r.stdout);
}

beforeAll(async () => {
  server = await mongoTestUrl();
  tmp = await mkdtemp(join(tmpdir(), 'dbx-doc-e2e-'));
});

afterAll(async () => {
  if (server.real) {
    for (const db of databases) await doc(db, 'db.dropDatabase()');
  }
  await server.stop();
  await rm(tmp, { recursive: true, force: true });
});

describe("the note's MongoDB lines through the CLI", () => {
  test('show dbs, db.version(), db, use: mongosh-style text, status lines on stderr', async () => {
    const db = freshDb();
    await ok(db, "db.student.insert({_id: 123, name: 'Sam', age: 16})");
    const dbs = await ok(db, 'show dbs');
    const line = dbs.stdout.split('\n').find((l) => l.startsWith(`${db} `));
    assert.ok(line, dbs.stdout);
    assert.match(line, new RegExp(`^${db} +\\d+\\.\\d\\d (B|KiB|MiB|GiB)$`));

    const version = await ok(db, 'db.version()');
    assert.match(version.stdout, /^\d+\.\d+\.\d+\S*\n$/);

    assert.equal((await ok(db, 'db')).stdout, `${db}\n`);
    const use = await ok(db, 'use dbName; db');
    assert.equal(use.stdout, 'dbName\n');
    assert.equal(use.stderr, 'switched to db dbName\n');
    assert.equal((await ok(db, 'use dbName', ['-q'])).stderr, '');
  });

  test('insert, find, findOne, update, remove as a script on stdin', async () => {
    const db = freshDb();
    const script = [
      "db.createCollection('student')",
      "db.student.insert({_id: 123, name: 'Sam', age: 16})",
      "db.student.insert({_id: 124, name: 'sam', sex: 1})",
      'db.student.find()',
      'db.student.findOne()',
      'db.student.find({age: {$lt: 100}})',
      'db.student.update({sex: 1}, {$set:{age: 20}})',
      "db.student.update({name:'sam'},{$set:{age:20}},{multi:true})",
      "db.student.update({name:'jack'},{x:'y'})",
      "db.student.remove({name:'sam'},{justOne:true})",
      'db.student.find()',
    ].join('\n');
    const r = await runDbx(['--no-color', '--url', urlFor(db), 'doc'], { input: script });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        '{ ok: 1 }',
        '{ acknowledged: true, insertedId: 123 }',
        '{ acknowledged: true, insertedId: 124 }',
        '+-----+------+-----+-----+',
        '| _id | name | age | sex |',
        '+-----+------+-----+-----+',
        '| 123 | Sam  |  16 |     |',
        '| 124 | sam  |     |   1 |',
        '+-----+------+-----+-----+',
        "{ _id: 123, name: 'Sam', age: 16 }",
        '+-----+------+-----+',
        '| _id | name | age |',
        '+-----+------+-----+',
        '| 123 | Sam  |  16 |',
        '+-----+------+-----+',
        // longer than 80 columns: broken over lines, as mongosh (util.inspect) prints it
        ...[[1, 1], [1, 0], [0, 0]].flatMap(([matched, modified]) => [
          '{',
          '  acknowledged: true,',
          '  insertedId: null,',
          `  matchedCount: ${matched},`,
          `  modifiedCount: ${modified},`,
          '  upsertedCount: 0',
          '}',
        ]),
        '{ acknowledged: true, deletedCount: 1 }',
        '+-----+------+-----+',
        '| _id | name | age |',
        '+-----+------+-----+',
        '| 123 | Sam  |  16 |',
        '+-----+------+-----+',
        '',
      ].join('\n'),
    );
  });

  test('--json: Extended JSON documents, write results, findOne null, names', async () => {
    const db = freshDb();
    assert.deepEqual(await json(db, "db.t.insertOne({_id: ObjectId('5f1d7a3b9c8e4a2b1c0d9e8f'), at: ISODate('2018-08-15T20:53:20Z')})"), {
      acknowledged: true,
      insertedId: { $oid: '5f1d7a3b9c8e4a2b1c0d9e8f' },
    });
    assert.deepEqual(await json(db, 'db.t.find()'), [{ _id: { $oid: '5f1d7a3b9c8e4a2b1c0d9e8f' }, at: { $date: '2018-08-15T20:53:20Z' } }]);
    assert.equal(await json(db, 'db.t.findOne({_id: 1})'), null);
    assert.deepEqual(await json(db, 'show collections'), ['t']);
    assert.equal(await json(db, 'db.t.find().count()'), 1);
    assert.deepEqual(await json(db, 'use other'), { db: 'other' });
    assert.equal(await json(db, 'db'), db);
    const dbs = (await json(db, 'show dbs')) as Array<Record<string, unknown>>;
    assert.ok(dbs.some((d) => d.name === db));
    assert.deepEqual(Object.keys(dbs[0]!), ['name', 'sizeOnDisk', 'empty']);
    // a multi-statement script is JSON Lines
    const lines = (await ok(db, 'db.t.countDocuments(); db', ['--json'])).stdout.trim().split('\n');
    assert.deepEqual(lines, ['1', JSON.stringify(db)]);
  });

  test('ndjson streams one document per line; an empty find prints nothing in the table format', async () => {
    const db = freshDb();
    const docs = Array.from({ length: 2500 }, (_, i) => `{_id: ${i}}`).join(',');
    await ok(db, `db.n.insertMany([${docs}])`);
    const r = await ok(db, 'db.n.find().sort({_id: 1})', ['--format', 'ndjson']);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 2500);
    assert.equal(lines[2499], '{"_id":2499}');
    const empty = await ok(db, 'db.n.find({_id: -1})');
    assert.equal(empty.stdout, '');
  });

  test('DBX_DOC_URL chooses the server', async () => {
    const db = freshDb();
    const r = await runDbx(['--no-color', 'doc', 'db'], { env: { DBX_DOC_URL: urlFor(db) } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${db}\n`);
  });

  test('-v shows the modern form that ran', async () => {
    const db = freshDb();
    const r = await ok(db, "db.student.update({name:'sam'},{$set:{age:20}},{multi:true})", ['-v']);
    assert.match(r.stderr, /^-- ran as updateMany\(\{ name: 'sam' \}, \{ '\$set': \{ age: 20 \} \}\)$/m);
  });
});

describe('errors and exit codes', () => {
  test('the typo lines of the note: exit 2 with a caret and the corrected statement', async () => {
    const db = freshDb();
    const drop = await doc(db, 'db.dropDatabase');
    assert.equal(drop.code, 2);
    assert.equal(drop.stdout, '');
    assert.match(drop.stderr, /db\.dropDatabase is a method: add \(\) to call it\n {2}db\.dropDatabase\n {5}\^\n {2}hint: db\.dropDatabase\(\)\n/);
    noStack(drop);

    const find = await doc(db, 'db.student.find({_id: 123, {name: 1}})');
    assert.equal(find.code, 2);
    assert.match(find.stderr, /\n {2}db\.student\.find\(\{_id: 123, \{name: 1\}\}\)\n {29}\^\n/);
    assert.match(find.stderr, /hint: the projection is the second argument: db\.student\.find\(\{_id: 123\}, \{name: 1\}\)/);

    const jsonErr = await doc(db, 'db.dropDatabase', ['--json']);
    assert.equal(jsonErr.code, 2);
    const parsed = JSON.parse(jsonErr.stderr) as { error: Record<string, unknown> };
    assert.equal(parsed.error.engine, 'doc');
    assert.equal(parsed.error.code, 'PARSE_ERROR');
    assert.equal(parsed.error.hint, 'db.dropDatabase()');
  });

  test('a parse error later in the script: nothing runs', async () => {
    const db = freshDb();
    const r = await doc(db, "db.a.insert({_id: 1}); db.a.find({_id: 123, {name: 1}})");
    assert.equal(r.code, 2);
    assert.equal((await json(db, 'db.a.countDocuments()')) as number, 0);
  });

  test('injection attempts are parse errors and run nothing', async () => {
    const db = freshDb();
    const marker = join(tmp, 'pwned');
    const attempts = [
      `require('child_process').execSync('touch ${marker}')`,
      "this.constructor.constructor('return process')().exit()",
      `db.x.find({$where: function() { require('fs').writeFileSync('${marker}', '') }})`,
      `db.x.insert({a: (() => require('fs').writeFileSync('${marker}', ''))()})`,
      `db.x.find().constructor.constructor("require('fs').writeFileSync('${marker}', '')")()`,
      `db.x.insert({a: \`\${require('fs').writeFileSync('${marker}', '')}\`})`,
    ];
    for (const attempt of attempts) {
      const r = await doc(db, attempt);
      assert.equal(r.code, 2, `${attempt}\n${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /\^\n/, 'the position is shown');
      noStack(r);
      assert.equal(existsSync(marker), false, attempt);
    }
  });

  test('duplicate key: exit 1 with the server code; --force goes on', async () => {
    const db = freshDb();
    const insert = "db.student.insert({_id: 123, name: 'Sam', age: 16})";
    const r = await doc(db, `${insert}\n${insert}\ndb.student.countDocuments()`);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '{ acknowledged: true, insertedId: 123 }\n');
    assert.match(r.stderr, /^ERROR \[doc mongodb:\/\/\S+\] DuplicateKey \(11000\): E11000 duplicate key/m);
    assert.match(r.stderr, /statement: db\.student\.insert/);
    noStack(r);

    const forced = await doc(db, `${insert}\ndb.student.countDocuments()`, ['--force']);
    assert.equal(forced.code, 1);
    assert.equal(forced.stdout, '1\n');

    const j = await doc(db, insert, ['--json']);
    assert.equal(j.code, 1);
    const err = (JSON.parse(j.stderr) as { error: Record<string, unknown> }).error;
    assert.equal(err.code, 'DuplicateKey');
    assert.equal(err.errno, 11000);
    assert.equal(err.engine, 'doc');
  });

  test('refused connection: exit 3 within the connect timeout, no password shown', async () => {
    const port = await freePort();
    const started = performance.now();
    const r = await runDbx(['--no-color', '--url', `mongodb://app:s3cret@127.0.0.1:${port}/test`, 'doc', 'db.x.find()']);
    const seconds = (performance.now() - started) / 1000;
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /ECONNREFUSED/);
    // npm run up starts MongoDB only through Docker: the hint names what does start one
    assert.match(r.stderr, /hint: start a MongoDB server \(docker compose up -d mongo, or a mongod of your own/);
    assert.doesNotMatch(r.stderr, /s3cret/);
    assert.ok(seconds < 10, `took ${seconds.toFixed(1)} s`);
    noStack(r);
  });

  (process.env.DBX_TEST_MONGO_URL ? test : test.skip)('--timeout cancels a slow query (real mongod only)', async () => {
    const db = freshDb();
    await ok(db, 'db.slow.insertOne({_id: 1})');
    const started = performance.now();
    const r = await doc(db, "db.slow.find({$where: 'sleep(5000) || true'})", ['--timeout', '500']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /TIMEOUT/);
    assert.ok(performance.now() - started < 4000);
  });
});

describe('safety', () => {
  async function config(safety: string, db: string): Promise<string> {
    const path = join(tmp, `${safety}-${db}.yaml`);
    await writeFile(path, `default: t\nprofiles:\n  t:\n    safety: ${safety}\n    doc: ${JSON.stringify(urlFor(db))}\n`, { mode: 0o600 });
    return path;
  }

  test('readonly refuses writes (exit 4) and lets reads through', async () => {
    const db = freshDb();
    const cfg = await config('readonly', db);
    const write = await runDbx(['--no-color', '--config', cfg, 'doc', "db.student.insert({_id: 123, name: 'Sam', age: 16})"]);
    assert.equal(write.code, 4, write.stderr);
    assert.match(write.stderr, /read-only/);
    const read = await runDbx(['--no-color', '--config', cfg, '--json', 'doc', 'db.student.countDocuments()']);
    assert.equal(read.code, 0, read.stderr);
    assert.equal(read.stdout, '0\n');
  });

  test('confirm: drop and remove({}) need --yes without a TTY', async () => {
    const db = freshDb();
    await ok(db, 'db.c.insertOne({_id: 1})');
    const cfg = await config('confirm', db);
    const refused = await runDbx(['--no-color', '--config', cfg, 'doc', 'db.c.remove({})']);
    assert.equal(refused.code, 4, refused.stderr);
    assert.equal((await json(db, 'db.c.countDocuments()')) as number, 1);
    const harmless = await runDbx(['--no-color', '--config', cfg, 'doc', 'db.c.remove({_id: 2})']);
    assert.equal(harmless.code, 0, harmless.stderr);
    const yes = await runDbx(['--no-color', '--config', cfg, '--yes', 'doc', 'db.c.drop()']);
    assert.equal(yes.code, 0, yes.stderr);
    assert.equal(yes.stdout, 'true\n');
  });
});

describe("notes.md: the pymongo section (client['test']['student'])", () => {
  test('insert_one, insert_many, find — with the pymongo names, typed as mongo-shell calls', async () => {
    const db = freshDb('dbx_pymongo');
    const one = (await json(db, "db.student.insert_one({'name': 'Ann', 'age': 21})")) as { acknowledged: boolean; insertedId: unknown };
    assert.equal(one.acknowledged, true);
    assert.ok(one.insertedId && typeof one.insertedId === 'object' && '$oid' in one.insertedId);
    const many = (await json(db, "db.student.insert_many([{'name': 'Back'}, {'name': 'Git'}])")) as { insertedCount: number };
    assert.equal(many.insertedCount, 2);
    const found = (await json(db, 'db.student.find()')) as Array<{ name: string }>;
    assert.deepEqual(found.map((d) => d.name), ['Ann', 'Back', 'Git']);
    const table = await ok(db, 'db.student.find({}, {_id: 0})');
    assert.match(table.stdout, /\| name +\| age +\|\n\+[-+]+\+\n\| Ann +\| +21 \|\n\| Back +\| +\|\n\| Git +\| +\|/);
  });
});
