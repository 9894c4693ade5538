/**
 * The interactive shell, driven through a real pseudo-terminal (test/support/pty-driver.py): prompts, multi-line
 * input and continuation prompts, history without secrets, Tab completion, Ctrl-C that cancels on the server,
 * the pager, and leaving by Ctrl-D / exit — for sql against MariaDB, kv against Redis, doc against the MongoDB
 * test server.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import mysql from 'mysql2/promise';
import { mongoTestUrl } from '../support/mongo-test-server.js';
import { PtySession, type PtyOptions } from '../support/pty-session.js';
import { testKvUrl, testSqlUrl, uniqueName } from '../support/servers.js';

let state: string;
const sessions: PtySession[] = [];

function shell(args: string[], opts: PtyOptions = {}): PtySession {
  const s = new PtySession(args, { ...opts, env: { XDG_STATE_HOME: state, PAGER: 'cat', ...opts.env } });
  sessions.push(s);
  return s;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 8000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  state = await mkdtemp(join(tmpdir(), 'dbx-repl-state-'));
});

afterAll(async () => {
  for (const s of sessions) s.close();
  await rm(state, { recursive: true, force: true });
});

describe('sql shell', () => {
  const db = uniqueName('dbx_repl');
  const table = uniqueName('zebra_marks');
  let url: string;
  let admin: mysql.Connection;
  const sql = (opts: PtyOptions = {}, extra: string[] = []) => shell(['--url', url, ...extra, 'sql'], opts);
  const prompt = new RegExp(`dbx sql local:${db}> $`);
  /** the continuation prompt, right-aligned under the main one like the mysql client's `    -> ` */
  const continued = (marker: string) => new RegExp(`\\n {${`dbx sql local:${db}> `.length - 3}}${marker} $`);

  beforeAll(async () => {
    const base = new URL(await testSqlUrl());
    admin = await mysql.createConnection({ host: base.hostname, port: Number(base.port || 3306), user: base.username, password: decodeURIComponent(base.password) });
    await admin.query(`CREATE DATABASE \`${db}\``);
    await admin.query(`CREATE TABLE \`${db}\`.\`${table}\` (id int primary key, mark_value int)`);
    base.pathname = `/${db}`;
    url = base.toString();
  });

  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS \`${db}\``);
    await admin.query(`DROP USER IF EXISTS 'dbx_repl_u'@'localhost'`);
    await admin.end();
  });

  test('prompt with profile and database; a multi-line statement; an open quote; exit by Ctrl-D', async () => {
    const s = sql();
    await s.expect(prompt);
    s.send('select 1 +\r');
    await s.expect(continued('->'));
    s.send('2 as three;\r');
    await s.expect(/\| three \|\n\+-+\+\n\|\s+3 \|\n\+-+\+\n1 row in set/);
    await s.expect(prompt);
    s.send("select 'it is\r");
    await s.expect(continued("'>")); // says which quote is still open, like the mysql client
    s.send("open' as q;\r");
    await s.expect(/\| it is\\nopen \|/);
    await s.expect(prompt);
    s.send('\x04');
    assert.equal(await s.exited(), 0);
  });

  test('use NAME and DELIMITER: the prompt follows the database, // ends statements', async () => {
    const s = sql();
    await s.expect(prompt);
    s.send('use mysql\r'); // no ; needed, as in the mysql client
    await s.expect(/Database changed\ndbx sql local:mysql> $/);
    s.send('delimiter //\r');
    await s.expect(/mysql> $/);
    s.send('select 5 as five;\r');
    await s.expect(/\n {18}-> $/); // ; no longer ends the statement
    s.send('//\r');
    await s.expect(/\| five \|[\s\S]*\|\s+5 \|/);
    s.send('exit\r');
    assert.equal(await s.exited(), 0);
  });

  test('history: one entry per input, its newlines kept, in $XDG_STATE_HOME/dbx/sql_history; a password left out', async () => {
    const s = sql();
    await s.expect(prompt);
    s.send("create user if not exists 'dbx_repl_u'@'localhost' identified by 'Sekr3t-pw';\r");
    await s.expect(/Query OK/);
    await s.expect(prompt);
    s.send('select 40 +\r');
    s.send('2 as answer;\r');
    await s.expect(/\|\s+42 \|/);
    await s.expect(prompt);
    s.send('quit\r');
    assert.equal(await s.exited(), 0);

    const file = join(state, 'dbx', 'sql_history');
    const history = await readFile(file, 'utf8');
    assert.doesNotMatch(history, /Sekr3t-pw/);
    // left out, as the mysql client does: a masked copy would set the password '***' when recalled
    assert.doesNotMatch(history, /identified by/);
    assert.match(history, /^select 40 \+\\n2 as answer;$/m);
    assert.equal((await stat(file)).mode & 0o777, 0o600);

    // the next shell starts with it: Up recalls the last input (before `quit`) as one entry, as it was typed
    const again = sql();
    await again.expect(prompt);
    again.send('\x1b[A\x1b[A');
    await again.expect(/select 40 \+\s*\n\s*2 as answer;$/);
    again.send('\r');
    await again.expect(/\|\s+42 \|/);
    await again.expect(prompt); // keys typed while a statement runs are not seen by the line editor
    again.send('\x04');
    assert.equal(await again.exited(), 0);
  });

  test('Tab completes a table name and a column name of the current database', async () => {
    const s = sql();
    await s.expect(prompt);
    s.send(`select * from ${table.slice(0, 12)}\t`);
    await s.expect(new RegExp(`from ${table}`));
    s.send(' where mark_v\t');
    await s.expect(/where mark_value/);
    s.send(' is null;\r');
    await s.expect(/Empty set/);
    s.send('SEL\t');
    await s.expect(/SELECT/); // keywords follow the case being typed
    s.send('\x03\x04');
    assert.equal(await s.exited(), 0);
  });

  test("Tab completes schema.table of another schema, an alias's columns, and lists the FROM table's columns first", async () => {
    const s = sql();
    await s.expect(prompt);
    s.send('select * from information_schema.CHARACTER_SE\t');
    await s.expect(/from information_schema\.CHARACTER_SETS$/);
    s.send('\x03');
    await s.expect(prompt);
    s.send('select * from information_sch\t');
    await s.expect(/from information_schema$/);
    s.send('\x03');
    await s.expect(prompt);
    s.send(`select z.mark_\t`);
    await s.expect(/select z\.mark_$/); // no alias z yet: nothing
    s.send('\x03');
    await s.expect(prompt);
    // the statement's FROM names the table later, on the line before: its alias is known
    s.send(`select 1 from ${table} as z where\r`);
    await s.expect(/-> $/);
    s.send('z.mark\t');
    await s.expect(/z\.mark_value$/);
    s.send('\x03');
    await s.expect(prompt);
    // two Tabs on an ambiguous word: the FROM table's columns come first, then the other names (zebra_marks…)
    await admin.query(`create table \`${db}\`.zz (zulu int, zeta int)`);
    s.send('rehash\r');
    await s.expect(prompt);
    // two quick Tabs, as typed (two reads: readline takes a Tab inside a longer read as pasted text)
    s.send('select * from zz where z\t');
    await new Promise((r) => setTimeout(r, 30));
    s.send('\t');
    await s.expect(/zeta\s+zulu\s*\r?\n\s*\r?\n?zebra/);
    s.send('\x03\x04');
    assert.equal(await s.exited(), 0);
  });

  test('Ctrl-C cancels select sleep(30) on the server and returns to the prompt; at the prompt it clears the line', async () => {
    const s = sql();
    await s.expect(prompt);
    const running = async (): Promise<boolean> => {
      const [rows] = await admin.query(`select id from information_schema.processlist where info like 'select sleep(30)%'`);
      return (rows as unknown[]).length > 0;
    };
    s.send('select sleep(30);\r');
    await until('the server runs the query', running);
    const started = Date.now();
    s.send('\x03');
    await s.expect(/cancelling the statement on the server/);
    await s.expect(prompt, 5000);
    assert.ok(Date.now() - started < 5000);
    await until('the query is gone from the process list', async () => !(await running()), 3000);

    s.send('select no_such_column'); // typed, not sent
    s.send('\x03');
    await s.expect(prompt);
    s.send('select 7 as seven;\r');
    const out = await s.expect(prompt);
    assert.match(out, /\|\s+7 \|/);
    assert.doesNotMatch(out, /no_such_column/);
    s.send('\x04');
    assert.equal(await s.exited(), 0);
  });

  test('a result taller than the screen goes through $PAGER, quitting it stops the query; a short one and --no-pager do not', async () => {
    const opts = { rows: 12, env: { PAGER: 'sed s/^/PAGED:/' } };
    const s = sql(opts);
    await s.expect(prompt);
    s.send('select seq from seq_1_to_40;\r');
    await s.expect(/PAGED:\|\s+40 \|\nPAGED:\+-+\+\nPAGED:40 rows in set/);
    await s.expect(prompt);
    s.send('select 1 as one;\r');
    const short = await s.expect(prompt);
    assert.match(short, /\n\| one \|/);
    assert.doesNotMatch(short, /PAGED:/);
    s.send('\x04');
    assert.equal(await s.exited(), 0);

    // quitting the pager early stops a huge result at the server, without an error
    const early = sql({ rows: 12, env: { PAGER: 'head -n 3' } });
    await early.expect(prompt);
    early.send('select seq from seq_1_to_100000000;\r');
    const quit = await early.expect(prompt, 30_000); // a bound on stopping, not a speed target
    assert.match(quit, /\| seq +\|\n/);
    assert.doesNotMatch(quit, /ERROR|cancelled/);
    early.send('select 2 as two;\r');
    await early.expect(/\|\s+2 \|[\s\S]*> $/);
    early.send('\x04');
    assert.equal(await early.exited(), 0);

    const plain = sql(opts, ['--no-pager']);
    await plain.expect(prompt);
    plain.send('select seq from seq_1_to_40;\r');
    const out = await plain.expect(prompt);
    assert.match(out, /40 rows in set/);
    assert.doesNotMatch(out, /PAGED:/);
    plain.send('\x04');
    assert.equal(await plain.exited(), 0);
  });

  test('help lists the shell commands and the note\'s examples', async () => {
    const s = sql();
    await s.expect(prompt);
    s.send('help\r');
    const text = await s.expect(/select user\(\);\s+select database\(\);/);
    assert.match(text, /DELIMITER \/\//);
    assert.match(text, /create database if not exists db_name;/);
    assert.match(text, /insert into school value\(1, 'No\.1 High'\);/);
    s.send('\x04');
    assert.equal(await s.exited(), 0);
  });

  test('a connection the server closed (KILL) is re-opened and the statement that found it closed runs, on the same database', async () => {
    const s = sql();
    await s.expect(prompt);
    s.send('use mysql\r');
    await s.expect(/local:mysql> $/);
    s.send('select connection_id() as id;\r');
    const id = /\|\s+(\d+) \|/.exec(await s.expect(/local:mysql> $/))![1];
    await admin.query(`KILL ${id}`);
    await new Promise((r) => setTimeout(r, 300)); // the server's close reaches dbx
    // had not reached the server: sent again on the new connection, as the mysql client does
    s.send('select database() as db;\r');
    const text = await s.expect(/local:mysql> $/);
    assert.match(text, /No connection \(the server had closed it\)\. Trying to reconnect[\s\S]*Reconnected; current database: mysql\. Running the statement[\s\S]*\|\s+mysql \|\n[\s\S]*1 row in set/);
    assert.doesNotMatch(text, /ERROR/);
    // a statement that may have reached the server when the connection went is not run again, and the shell says so
    s.send('select connection_id() as id;\r');
    const id2 = /\|\s+(\d+) \|/.exec(await s.expect(/local:mysql> $/))![1];
    assert.notEqual(id2, id);
    s.send('select sleep(20) as slept;\r');
    await until('the sleep runs', async () => {
      const [rows] = (await admin.query(`select id from information_schema.processlist where id = ${Number(id2)} and info like 'select sleep%'`)) as unknown as [unknown[]];
      return rows.length > 0;
    });
    await admin.query(`KILL ${id2}`);
    const after = await s.expect(/local:mysql> $/, 8000);
    assert.match(after, /ERROR[\s\S]*Reconnected; current database: mysql\. The statement was not run again: it may have reached the server/);
    s.send('select 7 as seven;\r');
    await s.expect(/\|\s+7 \|[\s\S]*local:mysql> $/);
    s.send('\x04');
    assert.equal(await s.exited(), 0);
  });

  test("the mysql client's shell commands: status / \\s, warnings / \\W and nowarning / \\w, clear / \\c mid-statement, source / \\. FILE", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dbx-repl-source-'));
    const good = join(dir, 'good.sql');
    const bad = join(dir, 'bad.sql');
    await writeFile(good, 'select 11 as eleven;\nselect 12 as twelve;\n');
    await writeFile(bad, `select 21 as twentyone;\n\nselect * from no_such_${table};\nselect 22 as twentytwo;\n`);
    try {
      const s = sql();
      await s.expect(prompt);
      s.send('status\r');
      const status = await s.expect(/--------------\n[\s\S]*?--------------\n[\s\S]*> $/);
      assert.match(status, /Connection id:\s+\d+\n/);
      assert.match(status, new RegExp(`Current database:\\s+${db}\\n`));
      assert.match(status, /Current user:\s+\S+@\S+\n/);
      assert.match(status, /Server version:\s+\d+\.\d+\.\d+/);
      assert.match(status, /Server characterset:\s+\w+\n/);
      assert.match(status, /Conn\.  characterset:\s+utf8mb4\n/);
      assert.match(status, /Uptime:\s+(?:\d+ \w+ )*\d+ sec\n/);
      assert.match(status, /Threads: \d+  Questions: \d+/);
      s.send('\\s\r');
      await s.expect(/Connection id:[\s\S]*Uptime:[\s\S]*> $/);

      s.send('\\W\r');
      await s.expect(/Show warnings enabled\.\n[\s\S]*> $/);
      s.send("select cast('1x' as signed) as n;\r");
      await s.expect(/1 row in set, 1 warning[^\n]*\n\s*Warning \(Code 1292\): Truncated incorrect INTEGER value: '1x'\n[\s\S]*> $/);
      s.send('nowarning\r');
      await s.expect(/Show warnings disabled\.\n[\s\S]*> $/);
      s.send("select cast('2x' as signed) as n;\r");
      assert.doesNotMatch(await s.expect(/1 warning[\s\S]*> $/), /Code 1292/);

      // clear / \c throw away what is being typed, on a line of their own or after it
      s.send('select 1 +\r');
      await s.expect(continued('->'));
      s.send('clear\r');
      await s.expect(prompt);
      s.send('select 2 +\r');
      await s.expect(continued('->'));
      s.send('3 \\c\r');
      await s.expect(prompt);
      s.send('select 5 as five;\r');
      assert.doesNotMatch(await s.expect(/\| five \|[\s\S]*> $/), /ERROR/);

      s.send(`source ${good}\r`);
      await s.expect(/\| eleven \|[\s\S]*\| twelve \|[\s\S]*> $/);
      s.send(`\\. ${bad}\r`);
      const failed = await s.expect(/ERROR[^\n]*\n[\s\S]*> $/);
      assert.match(failed, /\| twentyone \|/);
      assert.match(failed, new RegExp(`ER_NO_SUCH_TABLE \\(1146\\) at line 3 in file: '${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}'`));
      assert.doesNotMatch(failed, /twentytwo/); // stops at the failure, as a script does without --force
      s.send(`source ${join(dir, 'missing.sql')}\r`);
      await s.expect(/ERROR[^\n]*cannot read script [^\n]*missing\.sql: no such file[\s\S]*> $/);
      s.send('\x04');
      assert.equal(await s.exited(), 0);
      const help = sql();
      await help.expect(prompt);
      help.send('help\r');
      const text = await help.expect(/select database\(\);/);
      for (const command of ['status, \\s', 'source FILE, \\. FILE', 'warnings, \\W', 'nowarning, \\w', 'clear, \\c']) assert.ok(text.includes(command), command);
      help.send('\x04');
      assert.equal(await help.exited(), 0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('kv shell', () => {
  const kv = () => shell(['--url', testKvUrl(5), 'kv']);
  const key = uniqueName('dbx_repl_list');

  test('prompt with the database number; select N updates it and the endpoint errors name; Tab completes a Redis command', async () => {
    const s = kv();
    await s.expect(/dbx kv local:5> $/);
    s.send('select 6\r');
    await s.expect(/OK\ndbx kv local:6> $/);
    s.send('hgetal\t');
    await s.expect(/hgetall$/);
    s.send(` ${key}\r`);
    await s.expect(/\(empty array\)\ndbx kv local:6> $/);
    // an error names the database the shell is on now, not the one it started on
    s.send('get\r');
    await s.expect(/ERROR \[kv redis:\/\/[^\]]*\/6\] ERR: wrong number[\s\S]*dbx kv local:6> $/);
    s.send('\x04');
    assert.equal(await s.exited(), 0);
  });

  test('history masks AUTH; Ctrl-C cancels a blocked BLPOP and the next command runs', async () => {
    const s = kv();
    await s.expect(/local:5> $/);
    s.send('auth dbx_nobody Sekr3t-kv\r');
    await s.expect(/WRONGPASS[\s\S]*local:5> $/);
    s.send(`blpop ${key} 0\r`);
    await new Promise((r) => setTimeout(r, 500));
    s.send('\x03');
    await s.expect(/local:5> $/, 5000);
    s.send('echo still-here\r');
    await s.expect(/"still-here"\ndbx kv local:5> $/);
    s.send('exit\r');
    assert.equal(await s.exited(), 0);
    const history = await readFile(join(state, 'dbx', 'kv_history'), 'utf8');
    assert.doesNotMatch(history, /Sekr3t-kv/);
    assert.doesNotMatch(history, /^auth/m);
    assert.match(history, /^echo still-here$/m);
  });
});

describe('kv shell reconnect', () => {
  test('a connection the server closed (CLIENT KILL) is re-opened on the same database and the command runs, with no error', async () => {
    const s = shell(['--url', testKvUrl(5), 'kv']);
    await s.expect(/local:5> $/);
    s.send('select 7\r');
    await s.expect(/local:7> $/);
    s.send('client id\r');
    const id = /\(integer\) (\d+)/.exec(await s.expect(/local:7> $/))![1]!;
    const { Redis } = await import('ioredis');
    const admin = new Redis(testKvUrl(0), { lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
      await admin.connect();
      assert.equal(await admin.client('KILL', 'ID', id), 1);
    } finally {
      admin.disconnect();
    }
    await new Promise((r) => setTimeout(r, 300)); // the server's close reaches dbx
    s.send('echo back-again\r');
    const text = await s.expect(/local:7> $/);
    // the kv engine opens a new connection by itself when its own is gone (the command had not been written)
    assert.match(text, /"back-again"/);
    assert.doesNotMatch(text, /ERROR/);
    s.send('client info\r');
    assert.match(await s.expect(/local:7> $/), /db=7/);
    s.send('\x04');
    assert.equal(await s.exited(), 0);
  });
});

describe('doc shell', () => {
  let server: Awaited<ReturnType<typeof mongoTestUrl>>;
  const db = uniqueName('dbx_repl');
  let url: string;

  beforeAll(async () => {
    server = await mongoTestUrl();
    const m = /^(mongodb:\/\/[^/?#]*)(?:\/[^?#]*)?(\?.*)?$/.exec(server.url)!;
    url = `${m[1]}/${db}${m[2] ?? ''}`;
  });

  afterAll(async () => {
    await server.stop();
  });

  test('multi-line input until brackets balance; Tab completes collections and methods; use updates the prompt', async () => {
    const s = shell(['--url', url, 'doc']);
    const prompt = new RegExp(`dbx doc local:${db}> $`);
    await s.expect(prompt);
    s.send("db.student.insert({_id: 123, name: 'Sam', age: 16})\r");
    await s.expect(/insertedId: 123[\s\S]*> $/);
    s.send('db.student.f\t');
    await s.expect(/db\.student\.find$/);
    await new Promise((r) => setTimeout(r, 30));
    s.send('\t'); // the second of two quick Tabs lists the methods
    await s.expect(/db\.student\.findAndModify\s+db\.student\.findOne\b[\s\S]*> db\.student\.find$/);
    s.send('\x03');
    await s.expect(prompt);
    s.send('db.stu\t');
    await s.expect(/db\.student$/);
    s.send('.findO\t');
    await s.expect(/\.findOne$/);
    s.send('({\r');
    await s.expect(new RegExp(`\\n {${`dbx doc local:${db}> `.length - 4}}\\.\\.\\. $`));
    s.send('  age: {$lt: 100}\r');
    await s.expect(/\.\.\. $/);
    s.send('})\r');
    await s.expect(/name: 'Sam'[\s\S]*> $/);
    s.send('use dbx_repl_other\r');
    await s.expect(/dbx doc local:dbx_repl_other> $/);
    s.send('exit\r');
    assert.equal(await s.exited(), 0);
    const history = await readFile(join(state, 'dbx', 'doc_history'), 'utf8');
    assert.match(history, /^db\.student\.findOne\(\{\\n  age: \{\$lt: 100\}\\n\}\)$/m);
  });
});
