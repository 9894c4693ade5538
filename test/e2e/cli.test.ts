/**
 * The contract's engine-neutral surface through the built CLI: bad input and its exit codes, formats, scripts
 * from files and stdin, --force, --timeout, safety, profiles, config errors, secrets never printed.
 */
import assert from 'node:assert/strict';
import { writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import mysql from 'mysql2/promise';
import { runDbx } from '../support/run-dbx.js';
import { testSqlUrl, uniqueName } from '../support/servers.js';
import { scratchDir } from '../support/temp-dir.js';

const dir = scratchDir('dbx-cli-');
const table = uniqueName('cli');
let url: string;
let admin: mysql.Connection;

function noStack(stderr: string): void {
  assert.doesNotMatch(stderr, /\n\s+at .*\.js:\d+/);
}

beforeAll(async () => {
  url = await testSqlUrl();
  const u = new URL(url);
  admin = await mysql.createConnection({ host: u.hostname, port: Number(u.port || 3306), user: u.username, password: decodeURIComponent(u.password), database: 'test' });
  await admin.query(`create table ${table}(id int primary key, name varchar(20), note text)`);
  await admin.query(`insert into ${table} values (1, 'Sam', 'a,b'), (2, '张三', 'say "hi"'), (3, NULL, 'line\nbreak')`);
});

afterAll(async () => {
  await admin.query(`drop table if exists ${table}`);
  await admin.end();
});

describe('usage errors (exit 2)', () => {
  test('unknown option', async () => {
    const r = await runDbx(['--nope', 'sql', 'select 1']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option '--nope'/);
    noStack(r.stderr);
    const j = await runDbx(['--json', '--nope', 'sql', 'select 1']);
    assert.equal(j.code, 2);
    assert.deepEqual(JSON.parse(j.stderr), { error: { code: 'USAGE', message: "unknown option '--nope'" } });
  });

  test('malformed URL, password not echoed', async () => {
    const r = await runDbx(['--url', 'mysql://root:Hunter2@:x:y', 'sql', 'select 1']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /URL/);
    assert.doesNotMatch(r.stderr, /Hunter2/);
  });

  test('unterminated quote: nothing is sent', async () => {
    const r = await runDbx(['--url', url, 'sql', `insert into ${table} values (9, 'x); select 1`]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unterminated quote/);
    const [rows] = await admin.query(`select * from ${table} where id = 9`);
    assert.equal((rows as unknown[]).length, 0);
  });

  test('a parse error on line 2 of a script: caret under the column of that line, engine named in JSON', async () => {
    const r = await runDbx(['--url', url, 'sql'], { input: "select 1;\nselect '张三 ok;\n" });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /line 2, column 8\n  select '张三 ok;\n         \^\n/);
    const j = await runDbx(['--url', url, '--json', 'sql'], { input: "select 'x" });
    assert.equal(JSON.parse(j.stderr).error.engine, 'sql');
  });

  test('bad YAML names the file and line', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'default: local\nprofiles:\n  local:\n    sql: [unclosed\n');
    const r = await runDbx(['--config', file, 'sql', 'select 1']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad\.yaml:\d+/);
    noStack(r.stderr);
  });

  test('unknown profile lists the known ones', async () => {
    const r = await runDbx(['-p', 'nosuch', 'sql', 'select 1']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /nosuch/);
    assert.match(r.stderr, /local/);
  });

  test('a missing script file', async () => {
    const r = await runDbx(['--url', url, 'sql', '-f', join(dir, 'missing.sql')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no such file/);
  });
});

describe('connection errors (exit 3)', () => {
  test('refused', async () => {
    const r = await runDbx(['--url', 'mysql://root:pw@127.0.0.1:1/test', 'sql', 'select 1']);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /refused/);
    assert.match(r.stderr, /mysql:\/\/root@127\.0\.0\.1:1\/test/);
    assert.match(r.stderr, /hint: start the server \(npm run up\) or check the port/);
  });

  test('unknown host', async () => {
    const r = await runDbx(['--url', 'mysql://root@no-such-host.invalid:3306/test', 'sql', 'select 1']);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /unknown host/);
  });

  test('wrong password: exit 3, and the password is never printed (text, json, -v)', async () => {
    const u = new URL(url);
    for (const extra of [[], ['--json'], ['-v']]) {
      const r = await runDbx([...extra, '--url', `mysql://${u.username}:WrongPass77@${u.host}/test`, 'sql', 'select 1']);
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /Access denied/);
      assert.doesNotMatch(r.stderr + r.stdout, /WrongPass77/);
    }
  });
});

describe('statement errors (exit 1) and scripts', () => {
  test('after `use x` an error names database x, not the one the URL gave', async () => {
    const r = await runDbx(['--url', url, 'sql'], { input: 'use information_schema;\nselect * from dbx_no_such_table;\n' });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /ERROR \[sql mysql:\/\/[^\]]*\/information_schema\] ER_/);
  });

  test('missing table and syntax error, as one JSON line under --json', async () => {
    const r = await runDbx(['--url', url, '--json', 'sql', 'select * from no_such_table_x']);
    assert.equal(r.code, 1);
    const err = JSON.parse(r.stderr).error;
    assert.equal(err.engine, 'sql');
    assert.equal(err.code, 'ER_NO_SUCH_TABLE');
    assert.equal(err.errno, 1146);
    assert.equal(err.statement, 'select * from no_such_table_x');
    const s = await runDbx(['--url', url, 'sql', 'selec 1']);
    assert.equal(s.code, 1);
    assert.match(s.stderr, /ER_PARSE_ERROR \(1064\)/);
  });

  test('a column the driver cannot return (named __proto__) fails the statement instead of hanging', async () => {
    const r = await runDbx(['--url', url, 'sql', 'select 1 as __proto__'], { timeoutMs: 15_000 });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /hint: give the column another name with AS/);
  });

  test('a script stops at the first failure; --force goes on and still exits 1', async () => {
    const script = 'select 1 as a;\nselect * from nope_x;\nselect 2 as b;\n';
    const stop = await runDbx(['--url', url, '--json', 'sql'], { input: script });
    assert.equal(stop.code, 1);
    assert.equal(stop.stdout, '[{"a":1}]\n');
    const force = await runDbx(['--url', url, '--json', '--force', 'sql'], { input: script });
    assert.equal(force.code, 1);
    assert.equal(force.stdout, '[{"a":1}]\n[{"b":2}]\n');
  });

  test('-f FILE with comments, DELIMITER and \\G', async () => {
    const file = join(dir, 'script.sql');
    writeFileSync(
      file,
      [
        '-- a comment; not a statement',
        `select name from ${table} where id = 1; # trailing`,
        'DELIMITER //',
        `select 'a;b' as x, /* ; */ 2 as y //`,
        'DELIMITER ;',
        `select id, name from ${table} where id = 2\\G`,
      ].join('\n'),
    );
    const r = await runDbx(['--url', url, 'sql', '-f', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\| Sam  \|/);
    assert.match(r.stdout, /\| a;b \| 2 \|/);
    assert.match(r.stdout, /\*{27} 1\. row \*{27}\n  id: 2\nname: 张三\n/);
  });

  test('--timeout cancels the statement on the server', async () => {
    const started = Date.now();
    const r = await runDbx(['--url', url, '--timeout', '500', 'sql', 'select sleep(20)']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /TIMEOUT.*500 ms/);
    assert.ok(Date.now() - started < 10_000);
    const [rows] = await admin.query("select id from information_schema.processlist where info like 'select sleep(20)%'");
    assert.equal((rows as unknown[]).length, 0, 'the query is gone from the server');
  });
});

describe('interrupt and character set', () => {
  test('Ctrl-C (SIGINT) cancels the running statement on the server and exits 130', async () => {
    const { spawn } = await import('node:child_process');
    const { DBX_BIN, baseEnv } = await import('../support/run-dbx.js');
    const child = spawn(DBX_BIN, ['--url', url, 'sql', 'select sleep(21)'], { env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // interrupt once the statement runs on the server (a fixed wait interrupts start-up on a busy machine)
    for (let i = 0; i < 400; i++) {
      const [running] = await admin.query("select id from information_schema.processlist where info like 'select sleep(21)%'");
      if ((running as unknown[]).length > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 130, stderr);
    assert.match(stderr, /interrupted/);
    const [rows] = await admin.query("select id from information_schema.processlist where info like 'select sleep(21)%'");
    assert.equal((rows as unknown[]).length, 0, 'the query is gone from the server');
  });

  test('utf8mb4: emoji and CJK round-trip', async () => {
    const r = await runDbx(['--url', url, '--json', 'sql', "select '😀 张三' as s, char_length('😀') as n"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), [{ s: '😀 张三', n: 1 }]);
  });
});

describe('output formats', () => {
  const q = `select id, name, note from ${table} order by id`;
  test('csv quotes per RFC 4180; NULL is an empty field (tsv keeps NULL)', async () => {
    const r = await runDbx(['--url', url, '--format', 'csv', 'sql', q]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'id,name,note\n1,Sam,"a,b"\n2,张三,"say ""hi"""\n3,,"line\nbreak"\n');
  });

  test('tsv escapes, NULL', async () => {
    const r = await runDbx(['--url', url, '--format', 'tsv', 'sql', q]);
    assert.equal(r.stdout.split('\n')[3], '3\tNULL\tline\\nbreak');
  });

  test('ndjson: one row per line; -q drops status lines', async () => {
    const r = await runDbx(['--url', url, '--format', 'ndjson', '-q', 'sql', q]);
    assert.deepEqual(r.stdout.trim().split('\n').map((l) => JSON.parse(l).id), [1, 2, 3]);
    assert.equal(r.stderr, '');
  });

  test('vertical', async () => {
    const r = await runDbx(['--url', url, '--format', 'vertical', 'sql', `select id from ${table} where id = 1`]);
    assert.match(r.stdout, /^\*+ 1\. row \*+\nid: 1\n$/);
  });

  test('global options after the subcommand', async () => {
    const r = await runDbx(['sql', '--url', url, 'select 1 as one', '--json']);
    assert.equal(r.stdout, '[{"one":1}]\n');
  });
});

describe('safety and profiles', () => {
  function config(safety: string): string {
    const file = join(dir, `${safety}.yaml`);
    writeFileSync(file, `default: p\nprofiles:\n  p:\n    safety: ${safety}\n    sql: ${url.replace('/test', '/test')}\n`);
    chmodSync(file, 0o600);
    return file;
  }

  test('readonly refuses writes with exit 4, reads still work', async () => {
    const file = config('readonly');
    const w = await runDbx(['--config', file, 'sql', `delete from ${table} where id = 1`]);
    assert.equal(w.code, 4, w.stderr);
    assert.match(w.stderr, /read-only/);
    const [rows] = await admin.query(`select * from ${table} where id = 1`);
    assert.equal((rows as unknown[]).length, 1);
    const rd = await runDbx(['--config', file, '--json', 'sql', `select count(*) n from ${table}`]);
    assert.equal(rd.code, 0, rd.stderr);
  });

  test('confirm: a destructive statement without a TTY is refused unless --yes', async () => {
    const file = config('confirm');
    const other = uniqueName('cli_drop');
    await admin.query(`create table ${other}(id int)`);
    const no = await runDbx(['--config', file, 'sql', `drop table ${other}`]);
    assert.equal(no.code, 4, no.stderr);
    assert.match(no.stderr, /--yes/);
    const yes = await runDbx(['--config', file, '--yes', 'sql', `drop table ${other}`]);
    assert.equal(yes.code, 0, yes.stderr);
  });

  test('profile list / show never print a password; profile test reaches the server', async () => {
    const file = join(dir, 'profiles.yaml');
    const u = new URL(url);
    writeFileSync(file, `default: a\nprofiles:\n  a:\n    sql: { host: ${u.hostname}, user: ${u.username}, password: "Sekr3t!" }\n  b:\n    sql: mysql://x:Sekr3t!@h/db\n`);
    chmodSync(file, 0o644);
    const list = await runDbx(['--config', file, 'profile', 'list']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /\* a/);
    assert.match(list.stderr, /warning: .*other users can read it/);
    for (const name of ['a', 'b']) {
      const show = await runDbx(['--config', file, 'profile', 'show', name]);
      assert.equal(show.code, 0, show.stderr);
      assert.doesNotMatch(show.stdout + show.stderr, /Sekr3t/);
      if (name === 'a') assert.match(show.stdout, /password: \*\*\*/);
      else assert.match(show.stdout, /mysql:\/\/x@h\/db/);
    }
    const t = await runDbx(['--config', file, 'profile', 'test', 'b']);
    assert.equal(t.code, 3);
    assert.doesNotMatch(t.stdout + t.stderr, /Sekr3t/);
    // the config is read once: its warning is said once, with or without -p
    for (const args of [['ping'], ['-p', 'b', 'ping'], ['profile', 'test']]) {
      const once = await runDbx(['--config', file, ...args]);
      assert.equal(once.stderr.match(/other users can read it/g)?.length, 1, `${args.join(' ')}:\n${once.stderr}`);
    }
  });

  test('ping reports the version', async () => {
    const r = await runDbx(['--config', join(dir, 'readonly.yaml'), 'ping']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /sql +ok .*MariaDB|sql +ok .*\d+\.\d+/);
  });

  test('dbx init writes a starter config and refuses to overwrite it', async () => {
    const target = join(dir, 'init', 'dbx.yaml');
    const r = await runDbx(['init', target]);
    assert.equal(r.code, 0, r.stderr);
    const again = await runDbx(['init', target]);
    assert.equal(again.code, 2);
    const list = await runDbx(['--config', target, 'profile', 'list']);
    assert.match(list.stdout, /local/, list.stderr);
  });
});

describe("the note's first line, mysql -uroot -pqwe123 -hlocalhost -P3306", () => {
  test('typed as dbx options: exit 2 with the --url that does it, the password not repeated', async () => {
    const r = await runDbx(['sql', '-uroot', '-pqwe123', '-hlocalhost', '-P3306']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /hint: .*dbx --url mysql:\/\/root:<password>@localhost:3306\/test sql/);
    assert.doesNotMatch(r.stderr, /qwe123/);
  });
});
