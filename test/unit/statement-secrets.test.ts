import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import type { Engine } from '../../src/engines/engine.js';
import type { EngineName } from '../../src/errors.js';
import { holdsSecret, redactEntry } from '../../src/repl/repl-history.js';
import { maskAbout, maskedColumn, maskStatement } from '../../src/text/statement-secrets.js';

const cases: [EngineName, string, string][] = [
  ['sql', "create user 'u'@'%' identified by 'S3cret'", "create user 'u'@'%' identified by '***'"],
  ['sql', 'create user u identified by S3cret', 'create user u identified by ***'],
  ['sql', "alter user u identified with mysql_native_password by 'S3cret'", "alter user u identified with mysql_native_password by '***'"],
  ['sql', "create user u identified via ed25519 using password('S3cret')", "create user u identified via ed25519 using password('***')"],
  ['sql', "alter user u identified by 'n3w' replace 'S3cret'", "alter user u identified by '***' replace '***'"],
  ['sql', "set password = password('S3cret')", "set password = password('***')"],
  ['sql', "set password for 'u'@'%' = 'S3cret'", "set password for 'u'@'%' = '***'"],
  ['sql', "SET PASSWORD = \"S3cret\"", 'SET PASSWORD = "***"'],
  ['sql', "select old_password('S3cret')", "select old_password('***')"],
  ['sql', "change master to master_password = 'S3cret'", "change master to master_password = '***'"],
  ['sql', "create server s foreign data wrapper mysql options (user 'u', password 'S3cret')", "create server s foreign data wrapper mysql options (user 'u', password '***')"],
  ['sql', "create user u identified by 'it''s'", "create user u identified by '***'"],
  ['sql', "create user u identified by 'unterminated", "create user u identified by '***"],
  ['sql', 'select 1', 'select 1'],
  // a user variable named password is no secret (MariaDB's own tests use one)
  ['sql', 'set @password="password"', 'set @password="password"'],
  ['sql', "select @password := 'x'", "select @password := 'x'"],
  ['kv', 'auth S3cret', 'auth ***'],
  ['kv', 'AUTH user S3cret', 'AUTH user ***'],
  ['kv', "auth 'S3 cret'", "auth '***'"],
  ['kv', 'auth "S3cret', 'auth "***'],
  ['kv', 'hello 3 auth default S3cret setname x', 'hello 3 auth default *** setname x'],
  ['kv', 'migrate h 6379 k 0 5 auth S3cret', 'migrate h 6379 k 0 5 auth ***'],
  ['kv', 'migrate h 6379 k 0 5 auth2 u S3cret', 'migrate h 6379 k 0 5 auth2 u ***'],
  ['kv', 'config set requirepass S3cret', 'config set requirepass ***'],
  ['kv', 'config set maxmemory 1 masterauth S3cret', 'config set maxmemory 1 masterauth ***'],
  ['kv', 'acl setuser bob on >S3cret ~* +@all', 'acl setuser bob on >*** ~* +@all'],
  ['kv', 'set a b\nauth S3cret\nget a', 'set a b\nauth ***\nget a'],
  ['kv', 'set password S3cret', 'set password S3cret'],
  ['doc', "db.createUser({user: 'u', pwd: 'S3cret', roles: []})", "db.createUser({user: 'u', pwd: '***', roles: []})"],
  ['doc', "db.createUser({user: 'u', pwd: S3cret})", "db.createUser({user: 'u', pwd: ***})"],
  ['doc', "db.auth('u', 'S3cret')", "db.auth('u', '***')"],
  ['doc', "db.getSiblingDB('admin').auth({user: 'u', pwd: \"S3cret\"})", "db.getSiblingDB('admin').auth({user: 'u', pwd: \"***\"})"],
  ['doc', "db.users.insertOne({name: 'a', 'password': 'S3cret'})", "db.users.insertOne({name: 'a', 'password': '***'})"],
  ['doc', "db.changeUserPassword('u', 'S3cret')", "db.changeUserPassword('u', '***')"],
  ['doc', "db.c.find({url: 'mongodb://u:S3cret@h/x'})", "db.c.find({url: 'mongodb://u:***@h/x'})"],
];

describe('maskStatement', () => {
  for (const [engine, text, masked] of cases) {
    test(`${engine}: ${JSON.stringify(text)}`, () => assert.equal(maskStatement(engine, text), masked));
  }
});

describe('maskAbout: a server message that quotes the statement', () => {
  test("MariaDB's near '…' loses the password", () => {
    const stmt = "create user u identified by 'S3cret' oops";
    assert.equal(maskAbout('sql', "syntax error near 'S3cret' oops'", stmt), "syntax error near '***' oops'");
  });
  test('short values are left to the rules', () => {
    assert.equal(maskAbout('kv', 'a b c', 'auth abc'), 'a b c');
  });
});

describe('maskedColumn: the caret stays under what it pointed at', () => {
  test('after a masked secret on the same line', () => {
    const text = "db.createUser({user: 'u', pwd: 'S3cret', roles: [})";
    const col = text.indexOf('}') + 1;
    const masked = maskStatement('doc', text);
    assert.equal(masked[maskedColumn('doc', text, 1, col) - 1], '}');
  });
  test('before the secret, and on another line', () => {
    const text = "db.auth(\n'u', 'S3cret')\n)";
    assert.equal(maskedColumn('doc', text, 1, 3), 3);
    assert.equal(maskedColumn('doc', text, 3, 1), 1);
    assert.equal(maskedColumn('doc', text, 2, 14), 11);
  });
  test('inside the secret: at its start', () => {
    const text = "db.auth('u', 'S3cret')";
    assert.equal(maskedColumn('doc', text, 1, text.indexOf('c') + 1), text.indexOf('S3') + 1);
  });
});

describe('shell history: the same rule keeps an input with a secret out of the file', () => {
  for (const [engine, text, masked] of cases) {
    test(`${engine}: ${JSON.stringify(text)}`, () => {
      const stub = { name: engine } as unknown as Engine;
      assert.equal(redactEntry(stub, text), masked);
      assert.equal(holdsSecret(stub, text), masked !== text);
    });
  }
});
