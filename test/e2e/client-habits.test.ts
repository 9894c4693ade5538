/**
 * The engines' own clients' habits typed to dbx: the mysql client's -h -P -u -D -e (and long forms), mongosh's
 * --host/--port and its URL as the first argument. Each is exit 2 before anything is sent, with the dbx command
 * that does the same, and never repeats a password.
 */
import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { runDbx } from '../support/run-dbx.js';

async function usage(args: string[]): Promise<string> {
  const r = await runDbx(args);
  assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
  assert.equal(r.stdout, '', 'nothing ran, and no help was printed instead');
  return r.stderr;
}

describe('mysql client flags', () => {
  test('-h HOST is the host, not --help: exit 2 with the --url', async () => {
    const err = await usage(['-h', 'db.example', 'sql', 'select 1']);
    assert.match(err, /-h HOST is the mysql client's host option/);
    assert.match(err, /hint: .*dbx --url mysql:\/\/root@db\.example:3306\/test sql/);
  });

  test('-h -P -u -D -e together become one URL and the statement', async () => {
    const err = await usage(['-h127.0.0.1', '-P', '3307', '-u', 'app', '-D', 'shop', '-e', 'select * from t', '-pS3cret']);
    assert.match(err, /dbx --url mysql:\/\/app:<password>@127\.0\.0\.1:3307\/shop sql 'select \* from t'/);
    assert.doesNotMatch(err, /S3cret/);
  });

  test('long forms --host --port --user --database --execute', async () => {
    const err = await usage(['sql', '--user=app', '--host', 'h1', '--port=3308', '--database', 'x', '--execute', 'show tables']);
    assert.match(err, /unknown option/);
    assert.match(err, /dbx --url mysql:\/\/app@h1:3308\/x sql 'show tables'/);
  });

  test('a statement that sets a password is not echoed in the hint', async () => {
    const err = await usage(['-uroot', '-e', "create user u identified by 'Zq9secret'"]);
    assert.doesNotMatch(err, /Zq9secret/);
  });

  test('-h alone and after a subcommand is still help', async () => {
    for (const args of [['-h'], ['sql', '-h']]) {
      const r = await runDbx(args);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /^Usage: dbx/);
    }
  });
});

describe('mongosh habits', () => {
  test('--host/--port get the mongodb:// URL', async () => {
    const err = await usage(['doc', '--host', 'db1', '--port', '27018', 'db.x.find()']);
    assert.match(err, /hint: dbx takes mongosh's --host --port --username as one URL.*dbx --url mongodb:\/\/db1:27018\/test doc/);
  });

  test('dbx doc mongodb://… : the URL is --url, its password left out', async () => {
    const err = await usage(['doc', 'mongodb://app:Pw9secret@127.0.0.1:27017/shop']);
    assert.match(err, /URL_AS_STATEMENT: a connection URL is not a statement/);
    assert.match(err, /dbx --url 'mongodb:\/\/app:<password>@127\.0\.0\.1:27017\/shop' doc/);
    assert.doesNotMatch(err, /Pw9secret/);
    const withStatement = await usage(['doc', 'mongodb+srv://c.example.net/app', 'db.x.findOne()']);
    assert.match(withStatement, /dbx --url 'mongodb\+srv:\/\/c\.example\.net\/app' doc "db\.x\.findOne\(\)"/);
  });
});
