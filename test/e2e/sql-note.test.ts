/**
 * Every MySQL command of the study note (shared/reference/notes.md), typed verbatim, through the built dbx against
 * the real MariaDB: stdout, stderr and exit code. Each run uses its own database, dropped at the end.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import type mysql from 'mysql2/promise';
import { runDbx, type DbxRun } from '../support/run-dbx.js';
import { uniqueName } from '../support/servers.js';
import { createTestDatabase, type TestDatabase } from '../support/sql-database.js';
import { NOTE_SCHEMA } from '../support/note-schema.js';
import { scratchDir } from '../support/temp-dir.js';

let db: string;
const user = uniqueName('t28').slice(0, 30);
let baseUrl: string;
let url: string;
let admin: mysql.Connection;

function sql(statement: string | string[], extra: string[] = [], input?: string): Promise<DbxRun> {
  const words = Array.isArray(statement) ? statement : [statement];
  return runDbx(['--url', url, ...extra, 'sql', ...words], { input });
}

async function ok(statement: string, extra: string[] = []): Promise<DbxRun> {
  const r = await sql(statement, extra);
  assert.equal(r.code, 0, `${statement}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

async function fails(statement: string, code: number, pattern: RegExp, extra: string[] = []): Promise<DbxRun> {
  const r = await sql(statement, extra);
  assert.equal(r.code, code, `${statement}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.match(r.stderr, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at .*\.js:\d+/, 'no stack trace');
  return r;
}

async function json(statement: string): Promise<unknown> {
  const r = await ok(statement, ['--json']);
  return JSON.parse(r.stdout);
}

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase('dbx_note');
  ({ name: db, url, baseUrl, admin } = database);
});

afterAll(async () => {
  await admin.query(`DROP USER IF EXISTS '${user}'@'%'`);
  await database?.drop(`${db}_x`);
});

describe('MySQL basics of the note', () => {
  test('create user: the note forgets the closing quote → exit 2 with the corrected statement, nothing sent', async () => {
    const r = await fails(`create user '${user}'@'%' identified by 'qwe123`, 2, /unterminated quote/);
    // the corrected statement, its password masked as every echo of a statement is
    assert.match(r.stderr, new RegExp(`hint: close the quote: create user '${user}'@'%' identified by '\\*\\*\\*'`));
    assert.doesNotMatch(r.stderr, /qwe123/);
    const [rows] = await admin.query(`select user from mysql.user where user = ?`, [user]);
    assert.equal((rows as unknown[]).length, 0);
  });

  test('create user, grant, flush privileges, then connect as the new user', async () => {
    await ok(`create user '${user}'@'%' identified by 'qwe123'`);
    await ok(`grant all on *.* to '${user}'@'%'`);
    await ok('flush privileges');
    const u = new URL(url);
    const r = await runDbx(['--url', `mysql://${user}:qwe123@${u.host}/${db}`, '--json', 'sql', 'select user()']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`"user\\(\\)":"${user}@`));
  });

  test('the password of create user is not in -v output or the audit log', async () => {
    const { readFileSync } = await import('node:fs');
    const dir = scratchDir('dbx-audit-');
    const r = await sql(`alter user '${user}'@'%' identified by 'TopSecret9'`, ['-v', '--log-file', `${dir}/audit.log`]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /TopSecret9/);
    const log = readFileSync(`${dir}/audit.log`, 'utf8');
    assert.doesNotMatch(log, /TopSecret9/);
    const line = JSON.parse(log.trim().split('\n').pop()!);
    assert.equal(line.engine, 'sql');
    assert.equal(line.outcome, 'ok');
    assert.ok(typeof line.durationMs === 'number' && line.time && line.profile);
  });

  test('select user(), select database(), show databases', async () => {
    assert.match((await ok('select user()')).stdout, /\| user\(\)/);
    assert.deepEqual(await json('select database()'), [{ 'database()': db }]);
    const r = await ok('show databases');
    assert.match(r.stdout, new RegExp(`\\| ${db} +\\|`));
    assert.match(r.stderr, /\d+ rows in set \(\d+\.\d\d sec\)/);
  });

  test('create database [if not exists], use, drop database [if exists]', async () => {
    const other = `${db}_x`;
    await ok(`create database if not exists ${other}`);
    const r = await ok(`create database if not exists ${other}`);
    assert.match(r.stderr, /Query OK, \d rows? affected, 1 warning/);
    const used = await ok(`use ${other}; select database()`);
    assert.match(used.stderr, /Database changed/);
    assert.match(used.stdout, new RegExp(`\\| ${other} `));
    await ok(`drop database if exists ${other}`);
    await fails(`drop database ${other}`, 1, /ER_DB_DROP_EXISTS \(1008\)/);
  });
});

describe('tables, data types, DDL', () => {
  test('create table if ont exists (the note\'s typo) → syntax error with the fix', async () => {
    const r = await fails('create table if ont exists t1(id int)', 1, /ER_PARSE_ERROR \(1064\)/);
    assert.match(r.stderr, /hint: .*if not exists t1\(id int\)/i);
  });

  test('every data type of the note', async () => {
    await ok(
      "create table if not exists types(i int, v varchar(65), c char(255), d double(4,2), t text, dt datetime, e enum('male','female'))",
    );
    await ok("insert into types value(1, 'v', 'c', 12.345, 'long text', '2018-08-15 20:53:20', 'male')");
    assert.deepEqual(await json('select * from types'), [
      { i: 1, v: 'v', c: 'c', d: 12.35, t: 'long text', dt: '2018-08-15 20:53:20', e: 'male' },
    ]);
    await fails("insert into types (e) value('other')", 1, /WARN_DATA_TRUNCATED \(1265\)|Data truncated/);
  });

  test('show tables, describe, desc, show create table', async () => {
    assert.match((await ok('show tables')).stdout, /\| types +\|/);
    for (const s of ['describe types', 'desc types']) {
      const r = await ok(s);
      assert.match(r.stdout, /\| Field +\| Type +\| Null +\| Key +\| Default +\| Extra +\|/);
      assert.match(r.stdout, /\| dt +\| datetime +\| YES/);
    }
    assert.match((await ok('show create table types')).stdout, /CREATE TABLE `types`/);
  });

  test('insert value(...), value(...),(...), insert with columns, select, update, delete', async () => {
    await ok('create table people(id int, name varchar(20), sex varchar(10))');
    assert.match((await ok("insert into people value(1, 'Sam', 'male')")).stderr, /Query OK, 1 row affected/);
    assert.match((await ok("insert into people value(3, 'Ann', 'female'),(4, 'Bob', 'male')")).stderr, /Query OK, 2 rows affected/);
    await ok("insert into people (id, sex) value(2, 'male')");
    const rows = (await json('select * from people order by id')) as Array<Record<string, unknown>>;
    assert.deepEqual(rows[1], { id: 2, name: null, sex: 'male' });
    const table = await ok('select * from people order by id');
    assert.match(table.stdout, /\|  2 \| NULL \| male   \|/);
    assert.match((await ok("update people set name = 'a' where id = 2")).stderr, /Rows matched: 1  Changed: 1/);
    assert.match((await ok('delete from people where id = 4')).stderr, /Query OK, 1 row affected/);
  });

  test('every alter form of the note', async () => {
    await ok('create table tbName(id int)');
    await ok('alter table tbName rename to NewtbName');
    await ok('alter table NewtbName change id id1 int');
    await ok('alter table NewtbName add sex varchar(10) first');
    await ok('alter table NewtbName add address int after sex');
    const cols = (await json('desc NewtbName')) as Array<{ Field: string }>;
    assert.deepEqual(cols.map((c) => c.Field), ['sex', 'address', 'id1']);
    await ok('alter table NewtbName drop id1');
    await ok('drop table NewtbName');
    await fails('select * from NewtbName', 1, /ER_NO_SUCH_TABLE \(1146\)/);
  });
});

describe('constraints of the note', () => {
  test('not null: create, violate, modify, drop', async () => {
    await ok('create table nn(id int not null)');
    await fails('insert into nn value(null)', 1, /ER_BAD_NULL_ERROR \(1048\)/);
    await ok('alter table nn modify id int');
    await ok('insert into nn value(null)');
    await fails('alter table nn modify id int not null', 1, /1265|1138|Data truncated|Invalid use of NULL/);
  });

  test('unique key: all four forms, the violation, drop key', async () => {
    await ok('create table u1(id int unique key)');
    await ok('create table u2(id int, unique key(id))');
    await ok('create table u3(id int)');
    await ok('alter table u3 add unique key(id)');
    await ok('create table u4(id int)');
    await ok('alter table u4 modify id int unique key');
    await ok('insert into u1 value(1)');
    const r = await fails('insert into u1 value(1)', 1, /ER_DUP_ENTRY \(1062\) at line 1: Duplicate entry '1'/);
    const j = await sql('insert into u1 value(1)', ['--json']);
    assert.equal(j.code, 1);
    assert.deepEqual(JSON.parse(j.stderr).error.errno, 1062);
    assert.ok(r.stderr.length > 0);
    await ok('alter table u1 drop key id');
    await ok('insert into u1 value(1)');
  });

  test('primary key: three forms, drop primary key', async () => {
    await ok('create table p1(id int primary key)');
    await ok('create table p2(id int)');
    await ok('alter table p2 add primary key(id)');
    await ok('create table p3(id int)');
    await ok('alter table p3 modify id int primary key');
    await ok('insert into p1 value(1)');
    await fails('insert into p1 value(1)', 1, /1062/);
    await fails('insert into p1 value(null)', 1, /1048/);
    await ok('alter table p1 drop primary key');
  });

  test('auto_increment=100, and the note\'s auto_crement typo with its fix', async () => {
    const verbatim = await fails('create table tbName(id int auto_increment)auto_increment=100', 1, /1075/);
    assert.match(verbatim.stderr, /hint: .*primary key/i);
    await ok('create table ai(id int primary key auto_increment)auto_increment=100');
    const r = await ok('insert into ai value(null)', ['--json']);
    assert.equal((JSON.parse(r.stdout) as { insertId: number }).insertId, 100);
    await ok('create table tbName(id int primary key)');
    const bad = await fails('alter table tbName modify id int auto_crement', 1, /ER_PARSE_ERROR \(1064\)/);
    assert.match(bad.stderr, /hint: .*alter table tbName modify id int auto_increment/i);
    await ok('alter table tbName modify id int auto_increment');
  });

  test('default 10', async () => {
    await ok('create table df(id int default 10, x int)');
    await ok('insert into df (x) value(1)');
    assert.deepEqual(await json('select id from df'), [{ id: 10 }]);
  });
});


describe('the school / student / choose schema block', () => {
  test('verbatim from the note: the missing ; is reported with where to put it', async () => {
    const r = await runDbx(['--url', url, 'sql'], { input: NOTE_SCHEMA });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /ER_PARSE_ERROR \(1064\)/);
    assert.match(r.stderr, /hint: .*;.*create table student_detail/i);
    await ok('drop table if exists school');
  });

  test('with the ; added it builds, and the foreign keys hold', async () => {
    const fixed = NOTE_SCHEMA.replace(/\n\)\n/g, '\n);\n');
    const r = await runDbx(['--url', url, 'sql'], { input: fixed });
    assert.equal(r.code, 0, r.stderr);
    assert.match((await ok('show tables')).stdout, /choose[\s\S]*cours[\s\S]*school[\s\S]*student[\s\S]*student_detail/);
    await fails("insert into student (s_name, d_id) value('张三', 99)", 1, /ER_NO_REFERENCED_ROW_2 \(1452\)/);
    const drop = await fails('alter table student drop foreign key(d_id)', 1, /ER_PARSE_ERROR \(1064\)/);
    assert.match(drop.stderr, /hint: .*constraint's name.*alter table student drop foreign key ds_id/is);
    await ok('alter table student drop foreign key ds_id');
  });
});

describe('queries of the note', () => {
  beforeAll(async () => {
    await ok(
      "create table stu(id int primary key, name varchar(10), age int, class int); insert into stu value(1,'张三',17,5),(2,'张四',19,5),(3,'李四',20,6),(4,'王五',16,6),(5,'赵六',21,5)",
    );
  });

  test("like '张%' with column aliases; CJK stays aligned", async () => {
    const r = await ok("select id 学号,name 姓名 from stu where name like '张%'");
    assert.equal(
      r.stdout,
      ['+------+------+', '| 学号 | 姓名 |', '+------+------+', '|    1 | 张三 |', '|    2 | 张四 |', '+------+------+', ''].join('\n'),
    );
    assert.match(r.stderr, /2 rows in set/);
  });

  test('order by … limit 3 and limit 3,2', async () => {
    assert.deepEqual(await json('select id from stu order by id asc limit 3'), [{ id: 1 }, { id: 2 }, { id: 3 }]);
    assert.deepEqual(await json('select id from stu order by id desc limit 3,2'), [{ id: 2 }, { id: 1 }]);
  });

  test('MAX MIN SUM AVG ROUND COUNT', async () => {
    assert.deepEqual(await json('select max(age), min(age), sum(age), round(avg(age), 1) a, count(*) from stu'), [
      { 'max(age)': 21, 'min(age)': 16, 'sum(age)': '93', a: '18.6', 'count(*)': 5 },
    ]);
  });

  test('group by … having (the note\'s three lines)', async () => {
    const r = await runDbx(['--url', url, '--json', 'sql'], { input: 'select class,count(*) from stu\ngroup by class \nhaving class = 5' });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), [{ class: 5, 'count(*)': 3 }]);
  });

  test('subquery', async () => {
    assert.deepEqual(await json('select id from stu where age > (select avg(age) from stu) order by id'), [{ id: 2 }, { id: 3 }, { id: 5 }]);
  });

  test("the note's join names a column that does not exist (sd_id): the hint names the real one", async () => {
    await ok('create table student_detail2(de_id int, info varchar(10))');
    const r = await fails('select * from stu inner join student_detail2 on id = sd_id', 1, /ER_BAD_FIELD_ERROR \(1054\)/);
    assert.match(r.stderr, /hint: did you mean de_id\? select \* from stu inner join student_detail2 on id = de_id/);
  });

  test('inner, left and right join', async () => {
    await ok("create table detail(sd_id int, info varchar(10)); insert into detail value(1,'a'),(2,'b'),(9,'z')");
    assert.equal(((await json('select * from stu inner join detail on id = sd_id')) as unknown[]).length, 2);
    assert.equal(((await json('select * from stu left join detail on id = sd_id')) as unknown[]).length, 5);
    const right = (await json('select id, sd_id from stu right join detail on id = sd_id order by sd_id')) as unknown[];
    assert.deepEqual(right[2], { id: null, sd_id: 9 });
  });
});

describe("pymysql section: executemany, commit, rollback", () => {
  test("create table test, insert value(1, \"Sam\"), duplicate insert fails", async () => {
    await ok('create table test(id int PRIMARY KEY,name VARCHAR(100))');
    await ok('insert into test value(1, "Sam")');
    await fails('insert into test value(1, "Sam")', 1, /1062/);
  });

  test('executemany through --params, with the note\'s %s placeholders', async () => {
    await ok('insert into test value(2, "Two")');
    const upd = await ok("update test set name = 'haha' where id = %s", ['--params', '[[1],[2]]']);
    assert.match(upd.stderr, /Query OK, 2 rows affected/);
    await ok('insert test value(%s, %s)', ['--params', '[[3,"QWE"],[4,"ASD"]]']);
    assert.deepEqual(await json('select * from test order by id'), [
      { id: 1, name: 'haha' },
      { id: 2, name: 'haha' },
      { id: 3, name: 'QWE' },
      { id: 4, name: 'ASD' },
    ]);
    const bound = await ok('select name from test where id = ?', ['--param', '3', '--json']);
    assert.deepEqual(JSON.parse(bound.stdout), [{ name: 'QWE' }]);
  });

  test('--transaction: all or nothing (rollback on the failing statement)', async () => {
    const r = await runDbx(['--url', url, '--transaction', 'sql'], {
      input: 'insert into test value(5, "five");\ninsert into test value(1, "dup");\n',
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /1062/);
    assert.match(r.stderr, /rolled back/);
    assert.deepEqual(await json('select count(*) n from test where id = 5'), [{ n: 0 }]);
    const good = await runDbx(['--url', url, '--transaction', 'sql'], { input: 'insert into test value(5, "five");\ninsert into test value(6, "six");' });
    assert.equal(good.code, 0, good.stderr);
    assert.deepEqual(await json('select count(*) n from test where id in (5, 6)'), [{ n: 2 }]);
  });
});

/**
 * The note's statements as a learner types them, on a database holding the note's own schema: every hint says what
 * went wrong, and the statement it suggests runs.
 */
describe("learner help: the note's exact statements, and every suggested statement runs", () => {
  let noteDb: string;
  let noteUrl: string;

  const inNote = (words: string[], extra: string[] = []) => runDbx(['--url', noteUrl, ...extra, 'sql', ...words]);

  /** The hint of a failing statement; its suggested statement (after `marker`) is run and must succeed. */
  async function hintThatRuns(statement: string, marker: RegExp, extra: string[] = []): Promise<string> {
    const r = await inNote([statement], extra);
    assert.notEqual(r.code, 0, `${statement} should fail\n${r.stdout}`);
    const hint = /^ {2}hint: (.*)$/m.exec(r.stderr)?.[1];
    assert.ok(hint, `${statement}: no hint in\n${r.stderr}`);
    const m = marker.exec(hint);
    assert.ok(m, `${statement}: hint "${hint}" does not match ${marker}`);
    const fixed = m[1]!;
    const again = await inNote([fixed]);
    assert.equal(again.code, 0, `the suggested "${fixed}" failed:\n${again.stderr}`);
    return hint;
  }

  beforeAll(async () => {
    noteDb = `${db}_schema`;
    await admin.query(`CREATE DATABASE \`${noteDb}\``);
    const u = new URL(baseUrl);
    u.pathname = `/${noteDb}`;
    noteUrl = u.toString();
    const r = await runDbx(['--url', noteUrl, 'sql'], { input: NOTE_SCHEMA.replace(/\n\)\n/g, '\n);\n') });
    assert.equal(r.code, 0, r.stderr);
  });

  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS \`${noteDb}\``);
    await admin.query("DROP USER IF EXISTS 'test28'@'%'");
  });

  test('the join on s_id = sd_id: the other table\'s de_id, never s_id = s_id', async () => {
    const hint = await hintThatRuns('select * from student inner join student_detail on s_id = sd_id', /^did you mean de_id\? (.*)$/);
    assert.doesNotMatch(hint, /s_id = s_id/);
  });

  for (const statement of [
    "update table_name set name = 'a' where xxx",
    'delete from table_name where xxx',
    'create table [if ont exists] table_name(column_name data_type(length), ...)',
    'create table table_name(column_name data_type(length), ...)',
    'insert into table_name value(...)',
    'insert into table_name value(...),(...)',
    'select * from table_name',
    'describe table_name',
  ]) {
    test(`a template of the note: ${statement}`, async () => {
      const hint = await hintThatRuns(statement, /for example, on the note's tables: (.*)$/);
      assert.match(hint, /placeholder/);
    });
  }

  test('a table name typo: select * from studnet', async () => {
    await hintThatRuns('select * from studnet', /^did you mean student\? (.*)$/);
  });

  test('a column renamed earlier: alter table tbName drop id after change id id1', async () => {
    assert.equal((await inNote(['create table tbName(id int, name varchar(10))'])).code, 0);
    assert.equal((await inNote(['alter table tbName change id id1 int'])).code, 0);
    await hintThatRuns('alter table tbName drop id', /^did you mean id1\? (.*)$/);
  });

  for (const statement of ["select * from student where s_name = ‘Sam’", 'select 1；', 'select s_id，s_name from student']) {
    test(`full-width punctuation: ${statement}`, async () => {
      await hintThatRuns(statement, /SQL needs ASCII: (.*)$/);
    });
  }

  test('? without --param: the hint shows --param, and that runs', async () => {
    const r = await inNote(['select * from student where s_id = ?']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /hint: \? is a placeholder for a value bound with --param .*--param 1/);
    assert.equal((await inNote(['select * from student where s_id = ?'], ['--param', '1'])).code, 0);
  });

  test("--params '[1,2]' for one placeholder: the hint says [[1],[2]], and that runs", async () => {
    const r = await inNote(['select * from school where id = ?'], ['--params', '[1,2]']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /hint: .*--params '\[\[1\],\[2\]\]'/);
    assert.equal((await inNote(['select * from school where id = ?'], ['--params', '[[1],[2]]'])).code, 0);
  });

  test('several statement arguments without ;: the hint shows the command with them, and that runs', async () => {
    const r = await inNote(['select 1', 'select 2']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /hint: dbx joins its arguments .*: dbx sql "select 1;" "select 2;"/);
    const fixed = await inNote(['select 1;', 'select 2;']);
    assert.equal(fixed.code, 0, fixed.stderr);
  });

  test('an error in a script names its line, as the mysql client does (ERROR 1146 … at line 5)', async () => {
    const r = await runDbx(['--url', noteUrl, 'sql'], { input: 'select 1;\n\n# a comment\nselect 2;\nselect * from nosuch;\n' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ER_NO_SUCH_TABLE \(1146\) at line 5: Table '.*nosuch' doesn't exist/);
    const j = await runDbx(['--url', noteUrl, '--json', 'sql'], { input: 'select 1;\nselect * from nosuch;\n' });
    assert.equal(JSON.parse(j.stderr).error.line, 2);
  });

  test("the shell's help lists only statements that run on the note's tables", async () => {
    // a database of its own, holding the note's schema only
    const helpDb = `${db}_help`;
    await admin.query(`CREATE DATABASE \`${helpDb}\``);
    const u = new URL(baseUrl);
    u.pathname = `/${helpDb}`;
    assert.equal((await runDbx(['--url', u.toString(), 'sql'], { input: NOTE_SCHEMA.replace(/\n\)\n/g, '\n);\n') })).code, 0);
    const { helpText } = await import('../../src/repl/repl-help.js');
    const examples = helpText('sql').split('Examples (from the note')[1]!.split('\n').slice(1).join(' ');
    const statements = examples.split(/;|\\G/).map((s) => s.trim()).filter(Boolean);
    assert.ok(statements.length > 15, examples);
    // one script, one statement per line, in one dbx process; each example runs on the note's tables, as it did
    // when typed on its own: after `use db_name` (which needs no ';' in the shell) the script goes back
    const parts: string[] = [];
    for (const statement of statements) {
      if (!statement.startsWith('use ')) {
        parts.push(statement);
        continue;
      }
      const words = statement.split(/\s+/);
      parts.push(words.slice(0, 2).join(' '), `use \`${helpDb}\``);
      if (words.length > 2) parts.push(words.slice(2).join(' '));
    }
    const r = await runDbx(['--url', u.toString(), 'sql'], { input: parts.map((p) => `${p};\n`).join('') });
    const failedLine = /at line (\d+)/.exec(r.stderr)?.[1];
    assert.equal(r.code, 0, `help example "${failedLine ? parts[Number(failedLine) - 1] : '?'}" failed:\n${r.stderr}`);
    assert.doesNotMatch(r.stderr, /ERROR/);
    await admin.query('DROP DATABASE IF EXISTS db_name');
    await admin.query(`DROP DATABASE IF EXISTS \`${helpDb}\``);
  });
});
