/**
 * Issue 12: a script's runs of INSERT/UPDATE/DELETE/REPLACE go to the server as one multi-statement query
 * (src/engines/mysql/mysql-batch.ts). What is printed and what runs must be what running them one by one gives:
 * each statement's status line and warnings, an error pinned to its statement and line, nothing after it run
 * without --force, everything after it run with --force, --transaction rolled back whole.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import type mysql from 'mysql2/promise';
import { runDbx, type DbxRun } from '../support/run-dbx.js';
import { createTestDatabase, type TestDatabase } from '../support/sql-database.js';

let database: TestDatabase;
let db: string;
let url: string;
let admin: mysql.Connection;

function script(text: string, extra: string[] = []): Promise<DbxRun> {
  return runDbx(['--url', url, ...extra, 'sql'], { input: text });
}

async function ids(table: string): Promise<number[]> {
  const [rows] = await admin.query(`SELECT id FROM \`${db}\`.\`${table}\` ORDER BY id`);
  return (rows as Array<{ id: number }>).map((r) => r.id);
}

/** `insert into TABLE values (ID, 'n-ID');` for each id, one a line, the duplicate ones failing */
function inserts(table: string, list: number[]): string {
  return list.map((id) => `insert into ${table} values (${id}, 'n-${id}');\n`).join('');
}

beforeAll(async () => {
  database = await createTestDatabase('dbx_batch');
  ({ name: db, url, admin } = database);
});

afterAll(async () => {
  await database?.drop();
});

describe('an error in the middle of a batch', () => {
  test('without --force: the statements before it ran, the error names its line, nothing after it ran', async () => {
    await admin.query(`CREATE TABLE \`${db}\`.b1(id int primary key, name varchar(20))`);
    const r = await script(inserts('b1', [1, 2, 3, 2, 4, 5]));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ER_DUP_ENTRY \(1062\) at line 4: Duplicate entry '2' for key 'PRIMARY'/);
    assert.match(r.stderr, /statement: insert into b1 values \(2, 'n-2'\)\n/);
    assert.equal(r.stderr.match(/^Query OK, 1 row affected/gm)?.length, 3);
    assert.deepEqual(await ids('b1'), [1, 2, 3]);
  });

  test('with --force: every error reported at its line, and every statement after each one ran', async () => {
    await admin.query(`CREATE TABLE \`${db}\`.b2(id int primary key, name varchar(20))`);
    const r = await script(inserts('b2', [1, 2, 1, 3, 2, 4]), ['--force']);
    assert.equal(r.code, 1);
    const errors = [...r.stderr.matchAll(/ER_DUP_ENTRY \(1062\) at line (\d+): Duplicate entry '(\d+)'/g)].map((m) => [m[1], m[2]]);
    assert.deepEqual(errors, [['3', '1'], ['5', '2']]);
    // each status line or error in the order of the statements
    const order = r.stderr.split('\n').filter((l) => /^Query OK|^ERROR/.test(l)).map((l) => (l.startsWith('ERROR') ? 'E' : 'ok'));
    assert.deepEqual(order, ['ok', 'ok', 'E', 'ok', 'E', 'ok']);
    assert.deepEqual(await ids('b2'), [1, 2, 3, 4]);
  });

  test('a syntax error quotes its own statement only, as when it is sent alone', async () => {
    await admin.query(`CREATE TABLE \`${db}\`.b3(id int primary key, name varchar(20))`);
    const text = `${inserts('b3', [1])}insert into b3 valuez (2, 'x');\n${inserts('b3', [3, 4])}`;
    const r = await script(text, ['--force']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ER_PARSE_ERROR \(1064\) at line 2: .* near 'valuez \(2, 'x'\)' at line 1 \(SQLSTATE 42000\)/);
    assert.doesNotMatch(r.stderr, /near '[^']*insert into b3 values \(3/);
    assert.deepEqual(await ids('b3'), [1, 3, 4]);
  });

  test('a statement over several lines is reported at the line it starts on', async () => {
    await admin.query(`CREATE TABLE \`${db}\`.b4(id int primary key, name varchar(20))`);
    const r = await script(`${inserts('b4', [1, 2])}insert into b4\n  values\n  (1, 'again');\n${inserts('b4', [3])}`);
    assert.match(r.stderr, /\(1062\) at line 3:/);
    assert.deepEqual(await ids('b4'), [1, 2]);
  });

  test('--transaction: the error rolls back the statements of the batch before it too', async () => {
    await admin.query(`CREATE TABLE \`${db}\`.b5(id int primary key, name varchar(20)) engine=InnoDB`);
    const r = await script(inserts('b5', [1, 2, 3, 1, 4]), ['--transaction']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /\(1062\) at line 4:/);
    assert.match(r.stderr, /Transaction rolled back: nothing was changed\./);
    assert.deepEqual(await ids('b5'), []);
  });
});

describe('what each statement of a batch prints', () => {
  test('its own status line with its own warnings and info, in order', async () => {
    await admin.query(`CREATE TABLE \`${db}\`.b6(id int, d decimal(5,2), s varchar(3))`);
    const r = await script([
      "set sql_mode='';",
      "insert into b6 values (1, 'abc', 'x');",
      "insert into b6 values (2, 1.5, 'ok');",
      "insert into b6 values (3, 'zz', 'waytoolong'), (4, 'q', 'x');",
      "update b6 set d = 'bad' where id = 2;",
      'delete from b6 where id = 99;',
      "replace into b6 values (5, 1, 'toolong');",
    ].join('\n'));
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stderr.trim().split('\n').map((l) => l.replace(/\(\d+\.\d\d sec\)/, '(T)'));
    assert.deepEqual(lines, [
      'Query OK, 0 rows affected (T)',
      'Query OK, 1 row affected, 1 warning (T)',
      'Query OK, 1 row affected (T)',
      'Query OK, 2 rows affected, 3 warnings (T)',
      'Records: 2  Duplicates: 0  Warnings: 3',
      'Query OK, 1 row affected, 1 warning (T)',
      'Rows matched: 1  Changed: 1  Warnings: 1',
      'Query OK, 0 rows affected (T)',
      'Query OK, 1 row affected, 1 warning (T)',
    ]);
  });

  test('--json: one status object per statement', async () => {
    await admin.query(`CREATE TABLE \`${db}\`.b7(id int primary key auto_increment, a int)`);
    const r = await script('insert into b7(a) values (1);\ninsert into b7(a) values (2), (3);\ndelete from b7 where a = 1;\n', ['--format', 'ndjson']);
    assert.equal(r.code, 0, r.stderr);
    const infos = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { affectedRows: number; insertId: number });
    assert.deepEqual(infos.map((i) => [i.affectedRows, i.insertId]), [[1, 1], [2, 2], [1, 0]]);
  });

  test('use db and DELIMITER blocks between the statements keep their place', async () => {
    await admin.query(`CREATE DATABASE \`${db}_other\``);
    try {
      await admin.query(`CREATE TABLE \`${db}_other\`.b8(id int primary key)`);
      await admin.query(`CREATE TABLE \`${db}\`.b8(id int primary key)`);
      const r = await script([
        'insert into b8 values (1);',
        'insert into b8 values (2);',
        `use ${db}_other`,
        'insert into b8 values (3);',
        'insert into b8 values (4);',
        'DELIMITER //',
        'insert into b8 values (5)//',
        'insert into b8 values (6); insert into b8 values (7)//',
        'insert into b8 values (8)//',
        'DELIMITER ;',
        `use ${db}`,
        'insert into b8 values (9);',
      ].join('\n'), ['--format', 'tsv']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await ids('b8'), [1, 2, 9]);
      const [rows] = await admin.query(`SELECT id FROM \`${db}_other\`.b8 ORDER BY id`);
      assert.deepEqual((rows as Array<{ id: number }>).map((x) => x.id), [3, 4, 5, 6, 7, 8]);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS \`${db}_other\``);
    }
  });

  test('a batch longer than the bounds of one query: every statement runs once, in order', async () => {
    await admin.query(`CREATE TABLE \`${db}\`.b9(id int primary key, name varchar(20))`);
    const list = Array.from({ length: 5000 }, (_, i) => i + 1);
    const r = await script(inserts('b9', list), ['-q']);
    assert.equal(r.code, 0, r.stderr);
    const got = await ids('b9');
    assert.equal(got.length, 5000);
    assert.equal(got[4999], 5000);
  });
});
