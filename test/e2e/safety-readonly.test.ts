/**
 * `safety: readonly` and `safety: confirm` against every class of statement that writes without looking like a
 * write (issue 11): kv scripts, functions, administration and publishing; sql procedures, prepared statements,
 * files on the server, SET STATEMENT … FOR, lifting the read-only session; doc server commands and writing
 * aggregation stages. Each refused statement is exit 4 and leaves the data as it was; the reads next to them run.
 * Writes happen on a private redis-server, a database of this file's own on the suite's MariaDB, and a fresh
 * database on the MongoDB test server (or DBX_TEST_MONGO_URL).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { mongoDatabaseUrl, mongoTestUrl } from '../support/mongo-test-server.js';
import { startRedis, type PrivateServer } from '../support/private-servers.js';
import { runDbx, type DbxRun } from '../support/run-dbx.js';
import { uniqueName } from '../support/servers.js';
import { createTestDatabase, type TestDatabase } from '../support/sql-database.js';
import { scratchDir } from '../support/temp-dir.js';

let redis: PrivateServer;
let sql: TestDatabase;
let mongo: Awaited<ReturnType<typeof mongoTestUrl>>;
const mongoDb = uniqueName('dbx_safety');
let config: string;

const mongoUrl = (): string => mongoDatabaseUrl(mongo.url, mongoDb);

beforeAll(async () => {
  [redis, sql, mongo] = await Promise.all([startRedis(), createTestDatabase('dbx_safety'), mongoTestUrl()]);
  config = join(scratchDir('dbx-safety-'), 'dbx.yaml');
  const engines = `    sql: "${sql.url}"\n    kv: "${redis.url}/0"\n    doc: "${mongoUrl()}"\n`;
  writeFileSync(config, `profiles:\n  rw:\n${engines}  ro:\n    safety: readonly\n${engines}  careful:\n    safety: confirm\n${engines}`, { mode: 0o600 });
});

afterAll(async () => {
  await redis?.stop();
  await sql?.drop();
  if (mongo?.real) await runDbx(['--config', config, '-p', 'rw', 'doc', 'db.dropDatabase()']);
  await mongo?.stop();
});

const dbx = (profile: string, engine: string, words: string[], extra: string[] = []): Promise<DbxRun> =>
  runDbx(['--no-color', '--config', config, '-p', profile, ...extra, engine, ...words]);

async function refused(profile: 'ro' | 'careful', engine: string, words: string[]): Promise<DbxRun> {
  const r = await dbx(profile, engine, words);
  assert.equal(r.code, 4, `${words.join(' ')} should be refused: ${r.stdout}${r.stderr}`);
  assert.match(r.stderr, profile === 'ro' ? /READ_ONLY: refused: profile 'ro' is read-only/ : /NOT_CONFIRMED: refused/);
  assert.equal(r.stdout, '');
  return r;
}

async function ok(profile: string, engine: string, words: string[], extra: string[] = []): Promise<string> {
  const r = await dbx(profile, engine, words, extra);
  assert.equal(r.code, 0, `${words.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

describe('kv', () => {
  const exists = async (key: string): Promise<string> => ok('rw', 'kv', ['exists', key]);

  test('EVAL, EVALSHA and FCALL are refused (a script may write anything); EVAL_RO / FCALL_RO run', async () => {
    await refused('ro', 'kv', ['eval', "return redis.call('set','x2','1')", '0']);
    assert.equal(await exists('x2'), '(integer) 0\n');
    const sha = (await ok('rw', 'kv', ['script', 'load', "return redis.call('set','x3','1')"])).trim().replace(/"/g, '');
    await refused('ro', 'kv', ['evalsha', sha, '0']);
    assert.equal(await exists('x3'), '(integer) 0\n');
    await ok('rw', 'kv', ['function', 'load', "#!lua name=safety\nredis.register_function('w', function() return redis.call('set','x4','1') end)\nredis.register_function{function_name='r', callback=function() return 7 end, flags={'no-writes'}}"]);
    await refused('ro', 'kv', ['fcall', 'w', '0']);
    assert.equal(await exists('x4'), '(integer) 0\n');
    assert.equal(await ok('ro', 'kv', ['eval_ro', 'return 5', '0']), '(integer) 5\n');
    assert.equal(await ok('ro', 'kv', ['fcall_ro', 'r', '0']), '(integer) 7\n');
    // EVAL_RO's writes are the server's to refuse
    const ro = await dbx('ro', 'kv', ['eval_ro', "return redis.call('set','x5','1')", '0']);
    assert.equal(ro.code, 1, ro.stderr);
    assert.equal(await exists('x5'), '(integer) 0\n');
  });

  test('FUNCTION LOAD / DELETE / FLUSH / RESTORE and SCRIPT LOAD / FLUSH are refused; FUNCTION LIST and SCRIPT EXISTS run', async () => {
    await refused('ro', 'kv', ['function', 'load', "#!lua name=other\nredis.register_function('o', function() return 1 end)"]);
    await refused('ro', 'kv', ['function', 'delete', 'safety']);
    await refused('ro', 'kv', ['function', 'flush']);
    // refused before the payload reaches the server, which would check it
    await refused('ro', 'kv', ['function', 'restore', 'payload', 'flush']);
    await refused('ro', 'kv', ['script', 'load', 'return 1']);
    await refused('ro', 'kv', ['script', 'flush']);
    assert.match(await ok('ro', 'kv', ['function', 'list']), /safety/);
    assert.match(await ok('ro', 'kv', ['script', 'exists', '0000000000000000000000000000000000000000']), /0/);
  });

  test('MULTI with queued writes, PUBLISH, CONFIG SET, CLIENT KILL, ACL SETUSER are refused before anything is sent', async () => {
    const script = await runDbx(['--no-color', '--config', config, '-p', 'ro', 'kv'], { input: 'multi\nset x6 1\nexec\n' });
    assert.equal(script.code, 4, script.stderr);
    assert.equal(await exists('x6'), '(integer) 0\n');
    const tx = await runDbx(['--no-color', '--config', config, '-p', 'ro', '--transaction', 'kv'], { input: 'get x6\nincr x6\n' });
    assert.equal(tx.code, 4, tx.stderr);
    assert.equal(await exists('x6'), '(integer) 0\n');
    await refused('ro', 'kv', ['publish', 'ch', 'hello']);
    await refused('ro', 'kv', ['config', 'set', 'maxmemory', '1']);
    await refused('ro', 'kv', ['client', 'kill', 'id', '999999']);
    await refused('ro', 'kv', ['client', 'pause', '10']);
    await refused('ro', 'kv', ['acl', 'setuser', 'someone', 'on']);
    await refused('ro', 'kv', ['acl', 'log', 'reset']);
    await refused('ro', 'kv', ['swapdb', '0', '1']);
    assert.match(await ok('ro', 'kv', ['config', 'get', 'maxmemory']), /\| maxmemory \| 0 +\|/);
    assert.match(await ok('ro', 'kv', ['acl', 'log']), /empty|^$/);
  });

  test('confirm: a script must be confirmed, as FLUSHALL is; --yes runs it', async () => {
    await refused('careful', 'kv', ['eval', "return redis.call('flushdb')", '0']);
    await refused('careful', 'kv', ['function', 'flush']);
    assert.equal(await ok('careful', 'kv', ['eval', "return redis.call('set','x7','1')", '0'], ['--yes']), 'OK\n');
    assert.equal(await ok('careful', 'kv', ['set', 'x8', '1']), 'OK\n');
  });
});

describe('sql', () => {
  beforeAll(async () => {
    await sql.admin.query(`USE \`${sql.name}\``);
    await sql.admin.query('CREATE TABLE t (a INT PRIMARY KEY)');
    await sql.admin.query('CREATE PROCEDURE p() INSERT INTO t VALUES (1)');
    await sql.admin.query('CREATE FUNCTION f() RETURNS INT MODIFIES SQL DATA BEGIN INSERT INTO t VALUES (2); RETURN 1; END');
  });
  const rows = async (): Promise<string> => ok('rw', 'sql', ['select count(*) n from t'], ['--json']);

  test('CALL, EXECUTE and compound statements are refused: what they run cannot be seen', async () => {
    await refused('ro', 'sql', ['call p()']);
    await refused('ro', 'sql', ["prepare s from 'insert into t values (3)'; execute s"]);
    await refused('ro', 'sql', ['begin not atomic insert into t values (4); end']);
    assert.equal(await rows(), '[{"n":0}]\n');
  });

  test('files on the server: SELECT / VALUES … INTO OUTFILE or DUMPFILE, LOAD DATA', async () => {
    await refused('ro', 'sql', ["select 1 into outfile '/nonexistent/x'"]);
    await refused('ro', 'sql', ["values (1) into outfile '/nonexistent/x'"]);
    await refused('ro', 'sql', ["select 1 into dumpfile '/nonexistent/x'"]);
    await refused('ro', 'sql', ["load data infile '/nonexistent/x' into table t"]);
  });

  test('SET GLOBAL, SET STATEMENT … FOR a write, DO, and lifting the read-only session are refused', async () => {
    await refused('ro', 'sql', ['set global max_connections = 100']);
    await refused('ro', 'sql', ['set statement max_statement_time=10 for insert into t values (5)']);
    await refused('ro', 'sql', ['do release_lock("x")']);
    // each of these would let `select f()` write through the server's read-only session
    await refused('ro', 'sql', ['set session transaction read write; select f()']);
    await refused('ro', 'sql', ['set tx_read_only = 0; select f()']);
    await refused('ro', 'sql', ['start transaction read write; select f(); commit']);
    assert.equal(await rows(), '[{"n":0}]\n');
  });

  test('a stored function that writes, called from a SELECT, is refused by the read-only session (exit 1)', async () => {
    const r = await dbx('ro', 'sql', ['select f()']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /READ ONLY transaction/);
    assert.equal(await rows(), '[{"n":0}]\n');
  });

  test('reads still run: SELECT, SET of a session variable, SET STATEMENT … FOR SELECT, HANDLER', async () => {
    assert.match(await ok('ro', 'sql', ['set @x = 1; set statement max_statement_time=10 for select @x v'], ['--json']), /^\[\{"v":1\}\]$/m);
    await ok('ro', 'sql', ['handler t open; handler t read first; handler t close']);
  });

  test('confirm: CALL must be confirmed (it may empty a table); --yes runs it', async () => {
    await refused('careful', 'sql', ['call p()']);
    assert.equal(await rows(), '[{"n":0}]\n');
    await ok('careful', 'sql', ['call p()'], ['--yes']);
    assert.equal(await rows(), '[{"n":1}]\n');
  });
});

describe('doc', () => {
  beforeAll(async () => {
    await ok('rw', 'doc', ["db.c.insertOne({_id: 1, a: 1})"]);
  });
  const count = async (coll: string): Promise<string> => ok('rw', 'doc', [`db.${coll}.countDocuments()`], ['--json']);

  test('db.runCommand by its command name, db.adminCommand and getSiblingDB are classified as the server command', async () => {
    await refused('ro', 'doc', ["db.runCommand({insert: 'c', documents: [{_id: 2}]})"]);
    await refused('ro', 'doc', ["db.runCommand({delete: 'c', deletes: [{q: {}, limit: 0}]})"]);
    await refused('ro', 'doc', ["db.runCommand({update: 'c', updates: [{q: {}, u: {$set: {a: 2}}}]})"]);
    await refused('ro', 'doc', ['db.adminCommand({fsync: 1})']);
    await refused('ro', 'doc', ["db.getSiblingDB('other').runCommand({dropDatabase: 1})"]);
    await refused('ro', 'doc', ['db.runCommand({someFutureCommand: 1})']);
    assert.equal(await count('c'), '1\n');
    assert.match(await ok('ro', 'doc', ['db.runCommand({ping: 1})'], ['--json']), /"ok":1/);
    assert.match(await ok('ro', 'doc', ["db.runCommand({find: 'c', filter: {}})"], ['--json']), /"_id":1/);
  });

  test('$out and $merge stages are refused, in aggregate() and in runCommand({aggregate})', async () => {
    await refused('ro', 'doc', ["db.c.aggregate([{$match: {}}, {$out: 'copy'}])"]);
    await refused('ro', 'doc', ["db.c.aggregate({$match: {}}, {$out: 'copy'})"]);
    await refused('ro', 'doc', ["db.c.aggregate([{$merge: {into: 'copy'}}])"]);
    await refused('ro', 'doc', ["db.runCommand({aggregate: 'c', pipeline: [{$out: 'copy'}], cursor: {}})"]);
    assert.equal(await count('copy'), '0\n');
    assert.match(await ok('ro', 'doc', ['db.c.aggregate([{$match: {a: 1}}])'], ['--json']), /"_id":1/);
  });

  test('confirm: a server command that drops must be confirmed', async () => {
    await refused('careful', 'doc', ["db.runCommand({drop: 'c'})"]);
    assert.equal(await count('c'), '1\n');
  });
});
