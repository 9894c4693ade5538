/**
 * Hostile input to `dbx sql`, the global options and the output formats, through the built CLI: every case here
 * once gave a wrong answer, lost data, or failed without a clear error.
 */
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import mysql from 'mysql2/promise';
import { runDbx } from '../support/run-dbx.js';
import { testSqlUrl, uniqueName } from '../support/servers.js';
import { scratchDir } from '../support/temp-dir.js';

const dir = scratchDir('dbx-qa-sql-');
let url: string;
let admin: mysql.Connection;
const created: string[] = [];

function noStack(stderr: string): void {
  assert.doesNotMatch(stderr, /\n\s+at .*\.js:\d+/);
}

/** A fresh table (dropped after the run). */
async function table(prefix: string, columns: string): Promise<string> {
  const name = uniqueName(prefix);
  await admin.query(`create table ${name}(${columns})`);
  created.push(`table ${name}`);
  return name;
}

beforeAll(async () => {
  url = await testSqlUrl();
  const u = new URL(url);
  admin = await mysql.createConnection({
    host: u.hostname,
    port: Number(u.port || 3306),
    user: u.username,
    password: decodeURIComponent(u.password),
    database: 'test',
    multipleStatements: true,
  });
});

afterAll(async () => {
  for (const what of created.reverse()) await admin.query(`drop ${what.replace(/^(\w+) /, '$1 if exists ')}`);
  await admin.end();
});

describe('--timeout', () => {
  test('a delay beyond what a timer can hold is a usage error, not an instant cancel', async () => {
    const r = await runDbx(['--url', url, '--timeout', '99999999999', 'sql', 'select 1']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--timeout/);
    assert.doesNotMatch(r.stderr, /TimeoutOverflowWarning/);
    assert.equal(r.stdout, '');
  });

  test('only whole milliseconds are accepted', async () => {
    for (const bad of ['0x10', '1.5', 'abc', '0']) {
      const r = await runDbx(['--url', url, '--timeout', bad, 'sql', 'select 1']);
      assert.equal(r.code, 2, `${bad}: ${r.stderr}`);
      noStack(r.stderr);
    }
  });
});

describe('result sets', () => {
  test('duplicate column names: no value is hidden behind another column', async () => {
    const sql = 'select 1 a, 2 a, 3 a_2';
    const j = await runDbx(['--url', url, '--json', 'sql', sql]);
    assert.equal(j.code, 0, j.stderr);
    assert.deepEqual(Object.values(JSON.parse(j.stdout)[0]).sort(), [1, 2, 3]);
    const t = await runDbx(['--url', url, '--format', 'csv', 'sql', sql]);
    assert.equal(t.stdout.split('\n')[1], '1,2,3');
  });

  test('JSON columns: big integers are not rounded; the table shows the server\'s text', async () => {
    const t = await table('qa_json', 'id int, j json');
    await admin.query(`insert into ${t} values (1, '{"id": 12345678901234567890, "x": 1.10}'), (2, '"str"'), (3, NULL)`);
    const j = await runDbx(['--url', url, '--json', 'sql', `select j from ${t} order by id`]);
    assert.equal(j.code, 0, j.stderr);
    assert.deepEqual(JSON.parse(j.stdout), [{ j: { id: '12345678901234567890', x: 1.1 } }, { j: 'str' }, { j: null }]);
    const r = await runDbx(['--url', url, '--format', 'tsv', 'sql', `select j from ${t} order by id`]);
    assert.equal(r.stdout, 'j\n{"id": 12345678901234567890, "x": 1.10}\n"str"\nNULL\n');
  });

  test('CALL returning several result sets prints each with its own columns', async () => {
    const p = uniqueName('qa_p');
    await admin.query(`create procedure ${p}() begin select 1 a, 2 b; select 'x' c, 'y' d, 'z' e; end`);
    created.push(`procedure ${p}`);
    const j = await runDbx(['--url', url, '--json', 'sql', `call ${p}(); select 3 f`]);
    assert.equal(j.code, 0, j.stderr);
    // the CALL's own OK packet comes after its result sets, as the mysql client's "Query OK, 0 rows affected"
    assert.equal(j.stdout, '[{"a":1,"b":2}]\n[{"c":"x","d":"y","e":"z"}]\n{"affectedRows":0,"insertId":0,"warnings":0}\n[{"f":3}]\n');
    const t = await runDbx(['--url', url, 'sql', `call ${p}()`]);
    assert.match(t.stdout, /\| a \| b \|\n\+---\+---\+\n\| 1 \| 2 \|/);
    assert.match(t.stdout, /\| c \| d \| e \|\n\+---\+---\+---\+\n\| x \| y \| z \|/);
    assert.equal(t.stderr.match(/1 row in set/g)?.length, 2);
    assert.match(t.stderr, /1 row in set \(.*\n1 row in set \(.*\nQuery OK, 0 rows affected/);
  });

  test('a procedure that fails after a SELECT: that result set whole, then the error', async () => {
    const p = uniqueName('qa_e');
    await admin.query(`create procedure ${p}() begin select 1 a; signal sqlstate '45000' set message_text = 'boom'; end`);
    created.push(`procedure ${p}`);
    const j = await runDbx(['--url', url, '--json', 'sql', `call ${p}(); select 2`]);
    assert.equal(j.code, 1);
    assert.equal(j.stdout, '[{"a":1}]\n');
    assert.equal(JSON.parse(j.stderr).error.message, 'boom (SQLSTATE 45000)');
    const t = await runDbx(['--url', url, 'sql', `call ${p}()`]);
    assert.equal(t.stdout, '+---+\n| a |\n+---+\n| 1 |\n+---+\n');
  });
});

describe('as the mysql client', () => {
  test('a function name can name a table (the driver\'s IGNORE_SPACE made it a syntax error)', async () => {
    const name = 'count';
    const db = uniqueName('qa_db');
    await admin.query(`create database ${db}`);
    created.push(`database ${db}`);
    const u = new URL(url);
    u.pathname = `/${db}`;
    const r = await runDbx(['--url', u.toString(), 'sql', `create table ${name} (i int); insert into ${name} values (1); select i from ${name}`]);
    assert.equal(r.code, 0, r.stderr);
  });

  test('"rows affected" counts changed rows, not matched ones', async () => {
    const t = await table('qa_aff', 'id int primary key, name varchar(10)');
    await admin.query(`insert into ${t} values (1, 'a'), (2, 'b')`);
    const r = await runDbx(['--url', url, '--json', 'sql', `update ${t} set name = 'a'`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).affectedRows, 1);
    const t2 = await runDbx(['--url', url, 'sql', `update ${t} set name = 'a'`]);
    assert.match(t2.stderr, /Query OK, 0 rows affected .*\nRows matched: 2  Changed: 0  Warnings: 0/);
  });
});

describe('--param / --params', () => {
  test("%s inside a string literal stays text (it became a placeholder's ?)", async () => {
    const r = await runDbx(['--url', url, '--json', 'sql', "select '100%s' a, %s b", '--params', '[7]']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), [{ a: '100%s', b: 7 }]);
  });

  test('a placeholder count that does not match: exit 2 and nothing is sent', async () => {
    const t = await table('qa_bind', 'id int primary key, name varchar(10)');
    const cases = [
      ['sql', `insert into ${t} values (1, 'a'); insert into ${t} values (?, ?)`, '--param', '2'],
      ['sql', `insert into ${t} values (?, ?)`, '--params', '[[3, "c"], [4]]'],
      ['sql', `insert into ${t} values (5, 'e')`, '--param', '5'],
    ];
    for (const args of cases) {
      const r = await runDbx(['--url', url, ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /placeholder/);
      noStack(r.stderr);
      const j = await runDbx(['--url', url, '--json', ...args]);
      assert.equal(JSON.parse(j.stderr).error.engine, 'sql');
    }
    const [rows] = await admin.query(`select * from ${t}`);
    assert.deepEqual(rows, []);
  });

  test('--param binds text: LIMIT ? with --param 2 fails with a hint to bind a number', async () => {
    const r = await runDbx(['--url', url, 'sql', 'select 1 limit ?', '--param', '2']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /hint: --param binds text \('2'\).*--params '\[2\]'/);
    const ok = await runDbx(['--url', url, '--json', 'sql', 'select 1 a limit ?', '--params', '[2]']);
    assert.equal(ok.stdout, '[{"a":1}]\n', ok.stderr);
  });

  test('executemany of a query shows each row\'s result set (it printed "NaN rows affected")', async () => {
    const r = await runDbx(['--url', url, '--json', 'sql', 'select ? a', '--params', '[[1],[2]]']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '[{"a":1}]\n[{"a":2}]\n');
    const t = await runDbx(['--url', url, 'sql', 'select ? a', '--params', '[[1],[2]]']);
    assert.equal(t.stderr.match(/1 row in set/g)?.length, 2, t.stderr);
  });

  test('--params: integers beyond 2^53 are bound exactly, objects as JSON text, 1e999 refused', async () => {
    const t = await table('qa_big', 'id bigint unsigned primary key, doc json');
    const r = await runDbx(['--url', url, 'sql', `insert into ${t} values (?, ?)`, '--params', '[18446744073709551615, {"a": 1}]']);
    assert.equal(r.code, 0, r.stderr);
    const [rows] = await admin.query(`select cast(id as char) id, cast(doc as char) doc from ${t}`);
    assert.deepEqual(rows, [{ id: '18446744073709551615', doc: '{"a":1}' }]);
    const inf = await runDbx(['--url', url, 'sql', 'select ?', '--params', '[1e999]']);
    assert.equal(inf.code, 2, inf.stderr);
    assert.match(inf.stderr, /too large/);
  });

  test('executemany: a statement without placeholders in the script runs once, not once per row', async () => {
    const t = await table('qa_many', 'id int primary key');
    const r = await runDbx(['--url', url, 'sql', `insert into ${t} values (0); insert into ${t} values (%s)`, '--params', '[[1],[2]]']);
    assert.equal(r.code, 0, r.stderr);
    const [rows] = await admin.query(`select id from ${t} order by id`);
    assert.deepEqual((rows as Array<{ id: number }>).map((row) => row.id), [0, 1, 2]);
  });
});

describe('scripts', () => {
  test("use db on a line of its own needs no ';', as in the mysql client", async () => {
    const r = await runDbx(['--url', url, '--json', 'sql'], { input: 'use mysql\nselect database() db;\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.split('\n')[1], '[{"db":"mysql"}]');
  });

  test('a statement that starts with an SQL comment is a statement, not an unknown option', async () => {
    const r = await runDbx(['--url', url, 'sql', '-- the answer\nselect 42 a', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '[{"a":42}]\n');
    const bound = await runDbx(['--url', url, 'sql', '--json', 'select ? a', '--param', '-- x']);
    assert.equal(bound.stdout, '[{"a":"-- x"}]\n', bound.stderr);
    const typo = await runDbx(['--url', url, 'sql', '--jsn', 'select 1']);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /unknown option '--jsn'/);
  });
});

describe('usage errors name the engine', () => {
  test('-f on a directory or a missing file, --log-file in a missing folder: exit 2, one JSON line with the engine', async () => {
    for (const args of [['-f', dir], ['-f', `${dir}/missing.sql`], ['--log-file', `${dir}/no/such/dir/audit.log`, 'select 1']]) {
      const r = await runDbx(['--url', url, '--json', 'sql', ...args]);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, '');
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.equal(JSON.parse(lines[0]!).error.engine, 'sql');
    }
  });

  test('a stray % in the URL is BAD_URL (exit 2), not INTERNAL "URI malformed", and the password is not shown', async () => {
    const r = await runDbx(['--url', 'mysql://root:se%ZZcret@127.0.0.1:3306/test', 'sql', 'select 1']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /BAD_URL.*password holds a %/);
    assert.doesNotMatch(r.stderr, /se%ZZcret|ZZ/);
  });

  test('a charset the driver does not know is bad config (exit 2), not a connection failure (exit 3)', async () => {
    const r = await runDbx(['--url', `${url}?charset=nope`, 'sql', 'select 1']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /Unknown charset 'nope'/);
  });

  test('an empty --url, -p, --config, --log-file or -f is an error, not "use the default"', async () => {
    for (const args of [['--url', ''], ['-p', ''], ['--config', ' '], ['--log-file', ''], ['-f', '']]) {
      const r = await runDbx(['sql', ...args, ...(args[0] === '-f' ? [] : ['select 1'])]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /must not be empty/);
      assert.equal(r.stdout, '');
    }
  });

  test('a script that is not UTF-8 (a GBK file) is refused with its line, not sent with its text mangled', async () => {
    const t = await table('qa_gbk', 'name varchar(10)');
    const file = join(dir, 'gbk.sql');
    // insert into T values ('张三'); in GBK
    writeFileSync(file, Buffer.concat([Buffer.from(`select 1;\ninsert into ${t} values ('`), Buffer.from([0xd5, 0xc5, 0xc8, 0xfd]), Buffer.from("');\n")]));
    for (const args of [['-f', file], ['-f', '-']]) {
      // runDbx writes `input` to stdin as is: the raw bytes go through
      const input = args[1] === '-' ? (readFileSync(file) as unknown as string) : '';
      const r = await runDbx(['--url', url, 'sql', ...args], { input });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /not UTF-8 text: line 2/);
      assert.equal(r.stdout, '');
    }
    const [rows] = await admin.query(`select * from ${t}`);
    assert.deepEqual(rows, []);
  });
});

describe('dbx ping', () => {
  test('an engine whose password variable is unset fails on its own line; the others are still reached', async () => {
    const file = join(dir, 'ping.yaml');
    writeFileSync(file, `profiles:\n  p:\n    sql: ${url}\n    kv: redis://:\${DBX_QA_UNSET_PW}@127.0.0.1:1/0\n  empty: {}\n`, { mode: 0o600 });
    const r = await runDbx(['--config', file, '-p', 'p', '--json', 'ping']);
    assert.equal(r.code, 3, r.stderr);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => [l.engine, l.ok]), [['sql', true], ['kv', false]]);
    assert.equal(lines[1].error.code, 'PASSWORD_MISSING');
    const empty = await runDbx(['--config', file, '-p', 'empty', 'ping']);
    assert.equal(empty.code, 2, empty.stderr);
    assert.match(empty.stderr, /no sql, kv or doc endpoint/);
  });
});

describe('dbx init', () => {
  test('--json before or after init: the error is one JSON line', async () => {
    const file = join(dir, 'init.yaml');
    assert.equal((await runDbx(['init', file])).code, 0);
    for (const args of [['--json', 'init', file], ['init', file, '--json']]) {
      const r = await runDbx(args);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(JSON.parse(r.stderr).error.code, 'CONFIG_EXISTS');
    }
  });
});

describe('--transaction', () => {
  test('DDL in the middle: what follows it is still rolled back, and no "nothing was changed"', async () => {
    const t = await table('qa_tx', 'id int primary key');
    const ddl = uniqueName('qa_ddl');
    created.push(`table ${ddl}`);
    const r = await runDbx(['--url', url, '--transaction', 'sql', `insert into ${t} values (1); create table ${ddl}(i int); insert into ${t} values (2); select * from no_such_table_qa`]);
    assert.equal(r.code, 1);
    assert.doesNotMatch(r.stderr, /nothing was changed/);
    assert.match(r.stderr, /IMPLICIT_COMMIT: MySQL committed everything up to "create table/);
    const [rows] = await admin.query(`select id from ${t}`);
    assert.deepEqual(rows, [{ id: 1 }], 'the insert after the DDL was rolled back');
  });

  test('a DDL statement that fails has committed what came before it: said so, one JSON line per error', async () => {
    const t = await table('qa_tx', 'id int primary key');
    const r = await runDbx(['--url', url, '--json', '--transaction', 'sql', `insert into ${t} values (1); create table ${t}(i int)`]);
    assert.equal(r.code, 1);
    const errors = r.stderr.trim().split('\n').map((l) => JSON.parse(l).error.code);
    assert.deepEqual(errors, ['ER_TABLE_EXISTS_ERROR', 'IMPLICIT_COMMIT']);
  });

  test('without DDL the rollback undoes everything and says so', async () => {
    const t = await table('qa_tx', 'id int primary key');
    const r = await runDbx(['--url', url, '--transaction', 'sql', `insert into ${t} values (1); insert into ${t} values (1)`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Transaction rolled back: nothing was changed/);
    const [rows] = await admin.query(`select id from ${t}`);
    assert.deepEqual(rows, []);
  });
});

describe('stderr under --json', () => {
  test('a warning is a JSON line too, so stderr stays JSON Lines', async () => {
    const u = new URL(url);
    const file = join(dir, 'readable.yaml');
    writeFileSync(file, `profiles:\n  local:\n    sql: mysql://${u.username}:literal-pw@${u.host}/test\n`);
    chmodSync(file, 0o644);
    const r = await runDbx(['--config', file, '--json', 'sql', 'select 1']);
    const lines = r.stderr.trim().split('\n').map((l) => JSON.parse(l));
    assert.match(lines[0].warning.message, /other users can read it/);
    assert.ok(lines.slice(1).every((l) => 'error' in l), r.stderr);
    assert.doesNotMatch(r.stderr, /literal-pw/);
  });
});

describe('--log-file', () => {
  test('an audit log that cannot be written (a full disk) is reported and fails the run, not lost in silence', async () => {
    const r = await runDbx(['--url', url, '--log-file', '/dev/full', '--json', 'sql', 'select 1 a']);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, '[{"a":1}]\n');
    const err = JSON.parse(r.stderr).error;
    assert.equal(err.code, 'LOG_FILE');
    assert.match(err.message, /ENOSPC/);
  });
});

describe('output', () => {
  test('stdout that cannot take the output (a full disk): exit 1 with a clear error, not INTERNAL', async () => {
    const { spawnSync } = await import('node:child_process');
    const { DBX_BIN, baseEnv } = await import('../support/run-dbx.js');
    const r = spawnSync('sh', ['-c', `"${DBX_BIN}" --url "${url}" --json sql "select 1 a" > /dev/full`], { env: baseEnv(), encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    const err = JSON.parse(r.stderr).error;
    assert.equal(err.code, 'OUTPUT_ERROR');
    assert.equal(err.engine, 'sql');
    assert.match(err.message, /no space left on device/);
  });
});

describe('help', () => {
  test('a missing subcommand is a usage error (exit 2); asking for help is not', async () => {
    for (const args of [['profile'], []]) {
      const r = await runDbx(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, /Usage: dbx/);
    }
    for (const args of [['--help'], ['help'], ['profile', '--help'], ['help', 'sql']]) {
      const r = await runDbx(args);
      assert.equal(r.code, 0, args.join(' '));
      assert.match(r.stdout, /Usage: dbx/);
    }
  });
});
