/**
 * No echo of a statement shows its password (issue 11): parse errors and their carets, server errors that quote
 * the statement, hints, safety refusals, -v, --json errors and the --log-file audit log, in all three engines.
 * Every statement here fails or is refused, so nothing is changed: a private redis-server, a database of this
 * file's own on the suite's MariaDB, a fresh database on the MongoDB test server.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { mongoDatabaseUrl, mongoTestUrl } from '../support/mongo-test-server.js';
import { startRedis, type PrivateServer } from '../support/private-servers.js';
import { runDbx } from '../support/run-dbx.js';
import { uniqueName } from '../support/servers.js';
import { createTestDatabase, type TestDatabase } from '../support/sql-database.js';
import { scratchDir } from '../support/temp-dir.js';

const SECRET = 'S3cretPw9';
let redis: PrivateServer;
let sql: TestDatabase;
let mongo: Awaited<ReturnType<typeof mongoTestUrl>>;
let dir: string;
let config: string;

beforeAll(async () => {
  [redis, sql, mongo] = await Promise.all([startRedis(), createTestDatabase('dbx_secret'), mongoTestUrl()]);
  dir = scratchDir('dbx-secret-');
  config = join(dir, 'dbx.yaml');
  const doc = mongoDatabaseUrl(mongo.url, uniqueName('dbx_secret'));
  const engines = `    sql: "${sql.url}"\n    kv: "${redis.url}/0"\n    doc: "${doc}"\n`;
  writeFileSync(config, `profiles:\n  rw:\n${engines}  ro:\n    safety: readonly\n${engines}`, { mode: 0o600 });
});

afterAll(async () => {
  await redis?.stop();
  await sql?.drop();
  await mongo?.stop();
});

/**
 * Runs the statement the ways it can be echoed and checks that no output holds the secret; returns the stderr of
 * the plain run, for what it must show instead.
 */
async function neverShown(engine: string, statement: string, expectedCode: number, profile = 'rw'): Promise<string> {
  const log = join(dir, `audit-${Math.random().toString(36).slice(2)}.log`);
  let plain = '';
  for (const extra of [[], ['-v', '--log-file', log], ['--json']]) {
    const r = await runDbx(['--no-color', '--config', config, '-p', profile, ...extra, engine, statement]);
    assert.equal(r.code, expectedCode, `${extra.join(' ')} ${statement}: ${r.stderr}`);
    assert.ok(!r.stdout.includes(SECRET), `stdout of ${extra.join(' ')} ${statement}:\n${r.stdout}`);
    assert.ok(!r.stderr.includes(SECRET), `stderr of ${extra.join(' ')} ${statement}:\n${r.stderr}`);
    if (extra.length === 0) plain = r.stderr;
  }
  if (existsSync(log)) assert.ok(!readFileSync(log, 'utf8').includes(SECRET), `the audit log of ${statement}`);
  // and the same text read from stdin, as a script
  const piped = await runDbx(['--no-color', '--config', config, '-p', profile, engine], { input: `${statement}\n` });
  assert.ok(!`${piped.stdout}${piped.stderr}`.includes(SECRET), `piped ${statement}:\n${piped.stderr}`);
  return plain;
}

describe('doc', () => {
  test('parse errors in db.createUser, db.auth and a document with a password: the caret under the masked text', async () => {
    const err = await neverShown('doc', `db.createUser({user: 'u', pwd: '${SECRET}', roles: [}])`, 2);
    const [, shown, mark] = err.split('\n');
    assert.match(shown!, /pwd: '\*\*\*', roles: \[}\]\)$/);
    assert.equal(mark!.indexOf('^'), shown!.indexOf('}'), err);
    await neverShown('doc', `db.auth('u', '${SECRET}'`, 2);
    await neverShown('doc', `db.auth('u', ${SECRET})`, 2);
    await neverShown('doc', `db.users.insertOne({name: 'a', password: '${SECRET}'}, ))`, 2);
    await neverShown('doc', `db.users.insertOne({name: 'a', "password": "${SECRET}"}`, 2);
  });
  test('statements that run or are refused: -v, the audit log, the refusal', async () => {
    await neverShown('doc', `db.users.find({password: '${SECRET}'})`, 0);
    await neverShown('doc', `db.users.insertOne({name: 'a', pwd: '${SECRET}'})`, 4, 'ro');
    await neverShown('doc', `db.runCommand({createUser: 'u', pwd: '${SECRET}', roles: []})`, 4, 'ro');
  });
});

describe('sql', () => {
  test('IDENTIFIED BY, PASSWORD(), SET PASSWORD: server errors that quote the statement, refusals, -v and the log', async () => {
    const err = await neverShown('sql', `create user u identified by '${SECRET}' oops`, 1);
    assert.match(err, /identified by '\*\*\*' oops/);
    await neverShown('sql', `create user u identified by ${SECRET}`, 1);
    await neverShown('sql', `select password('${SECRET}') from nowhere_table`, 1);
    await neverShown('sql', `set password for 'nobody_here'@'%' = password('${SECRET}')`, 4, 'ro');
    await neverShown('sql', `alter user nobody_here identified by '${SECRET}'`, 4, 'ro');
    await neverShown('sql', `select 'x' where 'identified by' = password('${SECRET}')`, 0);
    // an unterminated quote is the splitter's parse error
    await neverShown('sql', `create user u identified by '${SECRET}`, 2);
  });
});

describe('kv', () => {
  test('AUTH, HELLO AUTH, MIGRATE AUTH, CONFIG SET requirepass, ACL SETUSER >password', async () => {
    await neverShown('kv', `auth ${SECRET}`, 1);
    await neverShown('kv', `auth someone ${SECRET}`, 1);
    await neverShown('kv', `hello 3 auth someone ${SECRET}`, 1);
    await neverShown('kv', `migrate 127.0.0.1 1 nokey 0 100 auth ${SECRET}`, 0);
    await neverShown('kv', `config set requirepass ${SECRET}`, 4, 'ro');
    await neverShown('kv', `config set masterauth ${SECRET} extra`, 4, 'ro');
    await neverShown('kv', `acl setuser someone on >${SECRET}`, 4, 'ro');
    await neverShown('kv', `auth "${SECRET}`, 2);
  });
});
