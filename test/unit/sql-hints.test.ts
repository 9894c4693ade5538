import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { sqlHint } from '../../src/engines/mysql/sql-hints.js';
import { splitSql } from '../../src/engines/mysql/sql-splitter.js';
import { NOTE_SCHEMA } from '../support/note-schema.js';

/** MariaDB 10.11's ER_PARSE_ERROR text, as the server returned it for each statement below */
const near = (text: string, line = 1): string =>
  `You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use near '${text}' at line ${line}`;
const WRONG_AUTO_KEY = 'Incorrect table definition; there can be only one auto column and it must be defined as a key';

/** reference/notes.md, the schema block, verbatim (with its # comments and missing ';') */

// [statement typed verbatim from the note, errno and message MariaDB 10.11 returns, expected hint]
const cases: [statement: string, errno: number, message: string, hint: string | undefined][] = [
  [
    'alter table tbName modify id int auto_crement',
    1064,
    near(''),
    'did you mean AUTO_INCREMENT? alter table tbName modify id int auto_increment',
  ],
  [
    'alter table tbName modify id int auto_crement not null',
    1064,
    near('not null'),
    'did you mean AUTO_INCREMENT? alter table tbName modify id int auto_increment not null',
  ],
  [
    'create table if ont exists t(id int)',
    1064,
    near('ont exists t(id int)'),
    'did you mean IF NOT EXISTS? create table if not exists t(id int)',
  ],
  [
    'CREATE TABLE IF ONT EXISTS t(id int)',
    1064,
    near('ONT EXISTS t(id int)'),
    'did you mean IF NOT EXISTS? CREATE TABLE IF NOT EXISTS t(id int)',
  ],
  [
    'create table t2(id int, name varchar(10) not nul)',
    1064,
    near('nul)'),
    'did you mean NOT NULL? create table t2(id int, name varchar(10) not null)',
  ],
  [
    'select * from tbName where id = 1 oder by id',
    1064,
    near('oder by id'),
    'did you mean ORDER BY? select * from tbName where id = 1 order by id',
  ],
  [
    'alter table tbName drop foreign key(s_id)',
    1064,
    near('(s_id)'),
    "DROP FOREIGN KEY takes the constraint's name, not the column: alter table tbName drop foreign key <constraint_name>" +
      ' — `show create table tbName` shows it (CONSTRAINT `name` FOREIGN KEY …)',
  ],
  [
    'alter table tbName drop foreign key s_id',
    1091,
    "Can't DROP FOREIGN KEY `s_id`; check that it exists",
    "DROP FOREIGN KEY takes the constraint's name, not the column: alter table tbName drop foreign key <constraint_name>" +
      ' — `show create table tbName` shows it (CONSTRAINT `name` FOREIGN KEY …)',
  ],
  [
    'create table tbName(id int auto_increment)auto_increment=100',
    1075,
    WRONG_AUTO_KEY,
    'an AUTO_INCREMENT column must be a key (primary key or unique key): ' +
      'create table tbName(id int auto_increment primary key)auto_increment=100',
  ],
  [
    'alter table tbName modify id int auto_increment',
    1075,
    WRONG_AUTO_KEY,
    'an AUTO_INCREMENT column must be a key (primary key or unique key): alter table tbName modify id int auto_increment primary key',
  ],
  [
    "grant all on *.* to 'test28'@'%'",
    1133,
    "Can't find any matching row in the user table",
    "the user does not exist yet; create it first: create user 'test28'@'%' identified by 'password'",
  ],
  [
    'create database [if not exists] db_name',
    1064,
    near('[if not exists] db_name'),
    '[ ] marks an optional part in a syntax summary; type it without the brackets: create database db_name' +
      ' — or: create database if not exists db_name',
  ],
  [
    'drop database [if exists] db_name',
    1064,
    near('[if exists] db_name'),
    '[ ] marks an optional part in a syntax summary; type it without the brackets: drop database db_name' +
      ' — or: drop database if exists db_name',
  ],
  // the note's templates: their placeholders are named, with a statement that runs on the note's tables
  [
    'create table [if ont exists] table_name(column_name data_type(length), ...)',
    1064,
    near('[if ont exists] table_name(column_name data_type(length), ...)'),
    'table_name, column_name, data_type(length) and ... are placeholders of a syntax summary, to be replaced by your ' +
      "own names and values ([ ] marks an optional part: leave the brackets out); for example, on the note's tables: " +
      'create table if not exists teacher(id int primary key, name varchar(10))',
  ],
  [
    'insert into table_name value(...)',
    1064,
    near('...)'),
    "table_name and ... are placeholders of a syntax summary, to be replaced by your own names and values; for example, on the note's tables: insert into school value(1, 'North')",
  ],
  [
    "insert into table_name (id, sex) value(2, 'male')",
    1146,
    "Table 'test.table_name' doesn't exist",
    "table_name is a placeholder of a syntax summary, to be replaced by your own names and values; for example, on the note's tables: insert into school (id, name) value(4, 'West')",
  ],
  [
    'drop table table_name',
    1051,
    "Unknown table 'test.table_name'",
    "table_name is a placeholder of a syntax summary, to be replaced by your own names and values; for example, on the note's tables: drop table if exists teacher",
  ],
  [
    "update table_name set name = 'a' where xxx",
    1054,
    "Unknown column 'xxx' in 'WHERE'",
    "table_name and xxx are placeholders of a syntax summary, to be replaced by your own names and values; for example, on the note's tables: update school set name = 'a' where id = 1",
  ],
  // full-width punctuation of a Chinese input method, a bare ?, arguments glued without ;
  [
    "select * from student where s_name = ‘Sam’",
    1054,
    "Unknown column '‘Sam’' in 'WHERE'",
    "‘ ’ are full-width punctuation (a Chinese input method): SQL needs ASCII: select * from student where s_name = 'Sam'",
  ],
  ['select 1；', 1054, "Unknown column '1；' in 'SELECT'", '； is full-width punctuation (a Chinese input method): SQL needs ASCII: select 1;'],
  [
    'select * from student where s_id = ?',
    1064,
    near('?'),
    '? is a placeholder for a value bound with --param (one value per ?): dbx sql "select * from student where s_id = ?" --param 1',
  ],
  ['select 1 select 2', 1064, near('select 2'), `a ';' is missing before "select 2": select 1; select 2`],
  // a name close to a keyword is not a typo when the server did not stop there
  ['insert into t set sex', 1064, near(''), undefined],
  ['create table t(id int, info varchar(10) not null, sex)', 1064, near(')'), undefined],
  ['select * from t wher id = 1', 1064, near('id = 1'), 'did you mean WHERE? select * from t where id = 1'],
];

describe('sqlHint', () => {
  for (const [statement, errno, message, hint] of cases) {
    test(`${errno} ${statement}`, () => assert.equal(sqlHint(statement, errno, message), hint));
  }

  test("the note's schema block: names every missing ';' with its script line", () => {
    const [, glued] = splitSql(NOTE_SCHEMA);
    const message = near('create table student_detail(\n    de_id int primary key auto_increment,\n    in...', 9);
    assert.equal(
      sqlHint(glued.text, 1064, message, { line: glued.line }),
      `a ';' is missing before "create table student_detail(" (line 16), "create table cours(" (line 23) ` +
        `and "create table choose(" (line 29): end each statement with ';'`,
    );
  });

  test('two glued statements, lines counted from the statement without a script line', () => {
    const statement = 'drop table if exists a\ndrop table b';
    assert.equal(
      sqlHint(statement, 1064, near('drop table b', 2)),
      `a ';' is missing before "drop table b" (line 2): end each statement with ';'`,
    );
  });

  test('INSERT … SELECT on its own line is not taken for a missing ;', () => {
    const statement = 'insert into t (a)\nselect a from u wher 1';
    assert.equal(sqlHint(statement, 1064, near('1', 2)), 'did you mean WHERE? insert into t (a)\nselect a from u where 1');
  });
});
