import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { classifySql } from '../../src/engines/mysql/sql-classify.js';

const READ = { write: false, destructive: false };
const WRITE = { write: true, destructive: false };
const DESTRUCTIVE = { write: true, destructive: true };

const cases: [statement: string, expected: { write: boolean; destructive: boolean }, firstKeyword: string][] = [
  ['select * from student', READ, 'SELECT'],
  // several statements in one DELIMITER chunk all run: the chunk is what its most dangerous part is
  ['select 1; drop table t', DESTRUCTIVE, 'SELECT'],
  ["select 1; select ';'", READ, 'SELECT'],
  ['select 1; insert into t values (1)', WRITE, 'SELECT'],
  // a routine's body is not run by its CREATE
  ['create procedure p() begin delete from t; select 1; end', WRITE, 'CREATE'],
  ['begin not atomic delete from t; end', WRITE, 'BEGIN'],
  ['SELECT 1 FOR UPDATE', READ, 'SELECT'],
  ["select * from t into outfile '/tmp/x'", WRITE, 'SELECT'],
  ["select * from t into dumpfile '/tmp/x'", WRITE, 'SELECT'],
  ['select 1 into @x', READ, 'SELECT'],
  ["select 'into outfile' from t", READ, 'SELECT'],
  ['(select 1) union (select 2)', READ, 'SELECT'],
  ['show databases', READ, 'SHOW'],
  ['describe table_name', READ, 'DESCRIBE'],
  ['desc table_name', READ, 'DESC'],
  ['explain select * from t', READ, 'EXPLAIN'],
  ['explain delete from t', READ, 'EXPLAIN'],
  ['explain analyze delete from t', DESTRUCTIVE, 'EXPLAIN'],
  ['analyze select * from t', READ, 'ANALYZE'],
  ['analyze format=json update t set a = 1', DESTRUCTIVE, 'ANALYZE'],
  ['analyze table t', READ, 'ANALYZE'],
  ['use test', READ, 'USE'],
  ['help select', READ, 'HELP'],
  ["set names 'utf8mb4'", READ, 'SET'],
  ['set @a = 1', READ, 'SET'],
  ['set session sql_mode = ""', READ, 'SET'],
  ['set global max_connections = 10', WRITE, 'SET'],
  ['set @@global.read_only = 0', WRITE, 'SET'],
  ["set password = password('x')", WRITE, 'SET'],
  ['with c as (select 1 as a) select * from c', READ, 'WITH'],
  ['with c as (select id from t where x) delete from t', DESTRUCTIVE, 'WITH'],
  ['with recursive c as (select 1) update t join c set t.a = 1 where t.id = 2', WRITE, 'WITH'],
  ['values (1, 2)', READ, 'VALUES'],
  ['table t', READ, 'TABLE'],
  ['begin', READ, 'BEGIN'],
  ['begin not atomic insert into t values (1); end', WRITE, 'BEGIN'],
  ['start transaction', READ, 'START'],
  ['commit', READ, 'COMMIT'],
  ['rollback', READ, 'ROLLBACK'],
  ['insert into t value(1)', WRITE, 'INSERT'],
  ["create user 'test28'@'%' identified by 'qwe123'", WRITE, 'CREATE'],
  ["grant all on *.* to 'test28'@'%'", WRITE, 'GRANT'],
  ['flush privileges', WRITE, 'FLUSH'],
  ['call p()', WRITE, 'CALL'],
  ['alter table tbName drop id', WRITE, 'ALTER'],
  ['drop database db_name', DESTRUCTIVE, 'DROP'],
  ['drop database if exists db_name', DESTRUCTIVE, 'DROP'],
  ['DROP SCHEMA s', DESTRUCTIVE, 'DROP'],
  ['drop table table_name', DESTRUCTIVE, 'DROP'],
  ['drop temporary table t', DESTRUCTIVE, 'DROP'],
  ['drop index i on t', WRITE, 'DROP'],
  ['drop procedure p', WRITE, 'DROP'],
  ['truncate table t', DESTRUCTIVE, 'TRUNCATE'],
  ['truncate t', DESTRUCTIVE, 'TRUNCATE'],
  ['delete from table_name where xxx', WRITE, 'DELETE'],
  ['delete from t', DESTRUCTIVE, 'DELETE'],
  ['delete from t limit 1', DESTRUCTIVE, 'DELETE'],
  ["delete from t -- where id = 1\n", DESTRUCTIVE, 'DELETE'],
  ['delete from t /* where id = 1 */', DESTRUCTIVE, 'DELETE'],
  ["delete from t where name = 'a'", WRITE, 'DELETE'],
  ["update table_name set name = 'a' where xxx", WRITE, 'UPDATE'],
  ["update t set name = 'where'", DESTRUCTIVE, 'UPDATE'],
  ['update t set a = (select b from u where u.id = 1)', DESTRUCTIVE, 'UPDATE'],
  ['update t set `where` = 1', DESTRUCTIVE, 'UPDATE'],
  ['UPDATE t SET a = 1 WHERE id IN (SELECT id FROM u)', WRITE, 'UPDATE'],
  ['-- why\n/* note */ # more\nselect 1', READ, 'SELECT'],
  ['/* x */ delete from t', DESTRUCTIVE, 'DELETE'],
  ['/*!40000 DROP TABLE t */', DESTRUCTIVE, 'DROP'],
  ['/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE */', READ, 'SET'],
  ['', READ, ''],
  ['-- only a comment', READ, ''],
];

describe('classifySql', () => {
  for (const [statement, expected, firstKeyword] of cases) {
    test(JSON.stringify(statement), () => {
      assert.deepEqual(classifySql(statement), { ...expected, firstKeyword });
    });
  }
});
