/**
 * Issue 9: `dbx sql` behaves like the mysql client on real scripts. One regression test per defect of the issue,
 * each with the issue's own reproduction, through the built CLI against the suite's MariaDB.
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

function sql(words: string | string[], extra: string[] = [], input?: string): Promise<DbxRun> {
  return runDbx(['--url', url, ...extra, 'sql', ...(Array.isArray(words) ? words : [words])], { input });
}

async function ok(words: string | string[], extra: string[] = [], input?: string): Promise<DbxRun> {
  const r = await sql(words, extra, input);
  assert.equal(r.code, 0, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

beforeAll(async () => {
  database = await createTestDatabase('dbx_fid');
  ({ name: db, url, admin } = database);
});

afterAll(async () => {
  await database?.drop(`${db}_other`);
});

describe('issue 9 defects', () => {
  test('1. the connection takes the server\'s default collation for utf8mb4: a user variable compares with a column', async () => {
    await ok("create table c1(name varchar(10)); insert into c1 values ('Sam')");
    const r = await ok("set @n='Sam'; select * from c1 where name=@n", ['--format', 'tsv']);
    assert.equal(r.stdout, 'name\nSam\n');
    const [rows] = await admin.query("SELECT COLLATION_NAME FROM information_schema.COLLATIONS WHERE CHARACTER_SET_NAME = 'utf8mb4' AND IS_DEFAULT = 'Yes'");
    const serverDefault = (rows as Array<{ COLLATION_NAME: string }>)[0]!.COLLATION_NAME;
    assert.equal((await ok('select @@collation_connection', ['--format', 'tsv'])).stdout, `@@collation_connection\n${serverDefault}\n`);
  });

  test('2. SET NAMES utf8 then an emoji: ERROR 1366 as in the mysql client, no CESU-8 surrogates stored', async () => {
    await ok('create table c2(s varchar(10)) charset utf8mb3');
    const r = await sql("set names utf8; insert into c2 values('a😀b')");
    assert.equal(r.code, 1);
    assert.match(r.stderr, /\(1366\) at line 1: Incorrect string value/);
    const [rows] = await admin.query(`SELECT COUNT(*) AS n FROM \`${db}\`.c2`);
    assert.equal((rows as Array<{ n: number }>)[0]!.n, 0);
    // text the session's character set holds goes in as it is
    await ok("set names utf8; insert into c2 values('aéb')");
    assert.equal((await ok('select hex(s) from c2', ['--format', 'tsv'])).stdout, 'hex(s)\n61C3A962\n');
  });

  test('3. several statements in one DELIMITER chunk: sent as it is, each result shown', async () => {
    const r = await ok([], ['--format', 'tsv'], 'DELIMITER //\nselect 1 as a; select 2 as b//\n');
    assert.equal(r.stdout, 'a\n1\nb\n2\n');
    assert.equal(r.stderr.match(/1 row in set/g)?.length, 2);
  });

  test('4. use db ended by another delimiter: the statements after it run in that database', async () => {
    await admin.query(`CREATE DATABASE \`${db}_other\``);
    const r = await ok([], ['--format', 'tsv'], `DELIMITER //\nuse ${db}_other//\nselect database()//\n`);
    assert.equal(r.stdout, `database()\n${db}_other\n`);
  });

  test("5. NO_BACKSLASH_ESCAPES: select 'a\\' as x runs, as the server's status flag says", async () => {
    const r = await ok("set sql_mode='NO_BACKSLASH_ESCAPES'; select 'a\\' as x;", ['--format', 'tsv']);
    assert.equal(r.stdout, 'x\na\\\\\n'); // tsv writes the backslash escaped, as mysql --batch does
    // a mode the splitter cannot read from the text is followed from the server's status after the statement
    const computed = await ok([], ['--format', 'tsv'], "set sql_mode=concat(@@sql_mode, ',NO_BACKSLASH_ESCAPES');\nselect 'b\\' as y;\n");
    assert.equal(computed.stdout, 'y\nb\\\\\n');
    // a quote that closes under no mode at all is still refused, once it is reached
    const open = await sql([], [], "set sql_mode=concat(@@sql_mode, '');\nselect 'c\\' as z;\n");
    assert.equal(open.code, 2);
    assert.match(open.stderr, /unterminated quote ' opened at line 2/);
  });

  test('6. \\; outside quotes ends no statement: sent as written, the server refuses it', async () => {
    const r = await sql('select 1 \\; select 2;', ['-v']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /-- \[sql line 1\] select 1 \\; select 2\n/);
    assert.match(r.stderr, /ER_PARSE_ERROR \(1064\)/);
  });

  test("7. hints are looked up on a second connection: SHOW ERRORS, GET DIAGNOSTICS, LAST_INSERT_ID(), variables and the transaction stay the user's", async () => {
    await ok('create table c7(id int primary key auto_increment, a int)');
    const r = await sql(
      [],
      ['--force', '--format', 'tsv'],
      [
        'insert into c7(a) values (1);',
        'set @v = 5;',
        'begin;',
        'insert into c7(a) values (2);',
        'select b from c7;',
        'show errors;',
        'get diagnostics condition 1 @errno = MYSQL_ERRNO;',
        'select @errno, @v, last_insert_id(), @@in_transaction;',
        'rollback;',
      ].join('\n'),
    );
    assert.equal(r.code, 1);
    assert.match(r.stderr, /hint: did you mean a\?/); // the lookup did run
    assert.match(r.stdout, /Level\tCode\tMessage\nError\t1054\tUnknown column 'b'/);
    assert.match(r.stdout, /@errno\t@v\tlast_insert_id\(\)\t@@in_transaction\n1054\t5\t2\t1\n/);
  });

  test('8. an empty error message keeps its errno and SQLSTATE, in text and --json', async () => {
    const r = await sql("signal sqlstate '45000' set message_text=''");
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ER_SIGNAL_EXCEPTION \(1644\) at line 1: \(SQLSTATE 45000\)/);
    const j = await sql("signal sqlstate '45000' set message_text=''", ['--json']);
    const error = JSON.parse(j.stderr).error;
    assert.equal(error.errno, 1644);
    assert.equal(error.code, 'ER_SIGNAL_EXCEPTION');
  });

  test("9. MariaDB's errors take MariaDB's names (4025 ER_CONSTRAINT_FAILED, 1072 ER_KEY_COLUMN_DOES_NOT_EXIST)", async () => {
    await ok('create table c9(a int check (a > 0))');
    const check = await sql('insert into c9 values (0)');
    assert.match(check.stderr, /ER_CONSTRAINT_FAILED \(4025\)/);
    const key = await sql('create table c9b(a int, key(nosuch))');
    assert.match(key.stderr, /ER_KEY_COLUMN_DOES_NOT_EXIST \(1072\)/);
  });

  test('10. FLOAT/DOUBLE and fixed decimals as the server prints them; --json a number', async () => {
    const r = await ok('select 1e15, 1.5e-7, 1e308', ['--format', 'tsv']);
    assert.equal(r.stdout, '1e15\t1.5e-7\t1e308\n1e15\t0.00000015\t1e308\n');
    await ok('create table c10(f float(8,5), z int(4) zerofill); insert into c10 values (121, 7)');
    assert.equal((await ok('select * from c10', ['--format', 'tsv'])).stdout, 'f\tz\n121.00000\t0007\n');
    const j = await ok('select 1e15 as a, 1.5e-7 as b, f, z from c10', ['--json']);
    assert.deepEqual(JSON.parse(j.stdout), [{ a: 1e15, b: 1.5e-7, f: 121, z: 7 }]);
  });

  test('11. repeated column names: headers show the server\'s names, only JSON keys are made unique', async () => {
    assert.equal((await ok('select 1 as a, 2 as a', ['--format', 'tsv'])).stdout, 'a\ta\n1\t2\n');
    assert.equal((await ok('select 1 as a, 2 as a', ['--format', 'csv'])).stdout, 'a,a\n1,2\n');
    assert.match((await ok('select 1 as a, 2 as a')).stdout, /^\| a \| a \|$/m);
    assert.equal((await ok('select 1 as a, 2 as a\\G')).stdout.split('\n').slice(1, 3).join('\n'), 'a: 1\na: 2');
    assert.deepEqual(JSON.parse((await ok('select 1 as a, 2 as a', ['--json'])).stdout), [{ a: 1, a_2: 2 }]);
  });

  test('12. GEOMETRY is the binary it is, SRID included: 0x… in text, $base64 in JSON', async () => {
    const r = await ok("select st_geomfromtext('POINT(1 2)', 4326) as g", ['--format', 'tsv']);
    assert.equal(r.stdout, 'g\n0xe61000000101000000000000000000f03f0000000000000040\n');
    const j = await ok("select st_geomfromtext('POINT(1 2)', 4326) as g", ['--json']);
    assert.deepEqual(JSON.parse(j.stdout), [{ g: { $base64: Buffer.from('e61000000101000000000000000000f03f0000000000000040', 'hex').toString('base64') } }]);
  });

  test('13. status lines count warnings: select 1/0 → 1 row in set, 1 warning', async () => {
    assert.match((await ok('select 1/0')).stderr, /^1 row in set, 1 warning \(\d+\.\d\d sec\)$/m);
    assert.match((await ok('select 1/0, 2/0')).stderr, /^1 row in set, 2 warnings /m);
    assert.match((await ok('select 1 from dual where 1/0')).stderr, /^Empty set, 1 warning /m);
  });

  test('14. the table right-aligns every numeric column by its type, DECIMAL included', async () => {
    await ok("create table c14(d decimal(6,2), big bigint unsigned, y year, s varchar(9)); insert into c14 values (1.5, 18446744073709551615, 2024, 'x'), (123.25, 1, 1999, 'abc')");
    const r = await ok('select * from c14 order by d');
    assert.match(r.stdout, /\|   1\.50 \| 18446744073709551615 \| 2024 \| x   \|/);
    assert.match(r.stdout, /\| 123\.25 \|                    1 \| 1999 \| abc \|/);
  });

  test('15. --params numbers keep every digit they were written with', async () => {
    await ok('create table c15(d decimal(20,2), u bigint unsigned)');
    await ok('insert into c15 values (?, ?)', ['--params', '[12345678901234567.89, 18446744073709551615]']);
    await ok('insert into c15 values (?, ?)', ['--params', '[[0.10, 1], [2.50, 2]]']);
    const [rows] = await admin.query(`SELECT CAST(d AS CHAR) AS d, CAST(u AS CHAR) AS u FROM \`${db}\`.c15 ORDER BY c15.d`);
    assert.deepEqual(rows, [
      { d: '0.10', u: '1' },
      { d: '2.50', u: '2' },
      { d: '12345678901234567.89', u: '18446744073709551615' },
    ]);
  });
});

describe('what a failing statement leaves on stdout', () => {
  test('a result set that fails before its first row prints nothing (tsv header, json bracket)', async () => {
    const t = await sql('select pow(10.0, 1000000)', ['--format', 'tsv']);
    assert.equal(t.code, 1);
    assert.equal(t.stdout, '');
    const j = await sql('select pow(10.0, 1000000)', ['--json']);
    assert.equal(j.stdout, '');
    assert.equal((await ok('select 1 as a from dual where 0', ['--format', 'tsv'])).stdout, 'a\n');
    assert.equal((await ok('select 1 as a from dual where 0', ['--json'])).stdout, '[]\n');
  });
});
