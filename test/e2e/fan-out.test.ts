/**
 * Fan-out end to end: `-p a,b,c`, `-p GROUP`, `-p 'glob*'` against the suite's private MariaDB and Redis and the
 * MongoDB test server, several profiles pointing at different databases of them, and one at a refused port.
 * Output grouped and tagged per profile in every format, errors with their profile, the summary line, the exit code
 * (the most severe), safety per profile, --fail-fast, --parallel, ping over every profile, and no secret anywhere.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import mysql from 'mysql2/promise';
import { mongoTestUrl, mongoDatabaseUrl } from '../support/mongo-test-server.js';
import { freePort } from '../support/private-servers.js';
import { PtySession } from '../support/pty-session.js';
import { runDbx, type DbxRun } from '../support/run-dbx.js';
import { SHARED_KV_DB, testKvUrl, testSqlUrl, uniqueName } from '../support/servers.js';

let dir: string;
let config: string;
let admin: mysql.Connection;
let mongo: Awaited<ReturnType<typeof mongoTestUrl>>;
const dbs = [uniqueName('fan1'), uniqueName('fan2'), uniqueName('fan3')];
const key = uniqueName('fankey');
const SECRET = 'S3CRET-fanout-pw';

beforeAll(async () => {
  const u = new URL(await testSqlUrl());
  admin = await mysql.createConnection({ host: u.hostname, port: Number(u.port), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) });
  for (const [i, db] of dbs.entries()) {
    await admin.query(`create database ${db}`);
    await admin.query(`create table ${db}.t (id int primary key, name varchar(20))`);
    // 1, 2 and 3 rows: each profile answers differently
    for (let n = 1; n <= i + 1; n++) await admin.query(`insert into ${db}.t values (?, ?)`, [n, `${db.slice(0, 4)}-${n}`]);
  }
  mongo = await mongoTestUrl();
  const refused = await freePort();
  const sqlBase = `mysql://${u.username}${u.password ? `:${u.password}` : ''}@${u.host}`;
  // the test server, or DBX_TEST_MONGO_URL with its options (a replica set's) kept
  const mongoFor = (db: string) => mongoDatabaseUrl(mongo.url, db);
  dir = await mkdtemp(join(tmpdir(), 'dbx-fanout-'));
  config = join(dir, 'dbx.yaml');
  const profile = (name: string, i: number, extra = '') =>
    `  ${name}:\n${extra}    sql: ${sqlBase}/${dbs[i]}\n    kv: ${testKvUrl(i < 2 ? SHARED_KV_DB : 0)}\n    doc: "${mongoFor(dbs[i]!)}"\n`;
  await writeFile(
    config,
    'profiles:\n' +
      profile('s1', 0) +
      profile('s2', 1) +
      profile('s3', 2) +
      profile('ro', 0, '    safety: readonly\n') +
      profile('careful', 1, '    safety: confirm\n') +
      `  down:\n    sql: mysql://root:${SECRET}@127.0.0.1:${refused}/x\n    kv: redis://:${SECRET}@127.0.0.1:${refused}/0\n    doc: mongodb://u:${SECRET}@127.0.0.1:${refused}/x\n` +
      'groups:\n  shards: [s1, s2, s3]\n',
    { mode: 0o600 },
  );
});

afterAll(async () => {
  for (const db of dbs) await admin.query(`drop database if exists ${db}`);
  await admin.end();
  await runDbx(['--config', config, '-p', 'shards', '-q', 'kv', 'del', key]);
  await mongo.stop();
  await rm(dir, { recursive: true, force: true });
});

function dbx(args: string[], input?: string): Promise<DbxRun> {
  return runDbx(['--config', config, '--no-color', ...args], { input });
}

function noSecret(r: DbxRun): void {
  assert.ok(!`${r.stdout}${r.stderr}`.includes(SECRET), `secret leaked:\n${r.stdout}\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at .*\.js:\d+/, 'no stack trace');
}

describe('fan-out: sql', () => {
  test('a group: one table per profile in the order given, a profile column first, one summary line', async () => {
    const r = await dbx(['-p', 'shards', 'sql', 'select count(*) as n from t']);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.split('\n').filter((l) => /^\| s\d/.test(l)).map((l) => l.replace(/\s+/g, ' '));
    assert.deepEqual(rows, ['| s1 | 1 |', '| s2 | 2 |', '| s3 | 3 |']);
    assert.match(r.stdout, /^\+-+\+-+\+\n\| profile \| n \|/);
    assert.match(r.stderr, /^s1: 1 row in set/m);
    assert.match(r.stderr, /3 profiles: 3 ok\n$/);
  });

  test('csv: one header for the whole set; tsv likewise; json rows and ndjson lines carry "profile" first', async () => {
    const csv = await dbx(['-p', 's3,s1', '--format', 'csv', 'sql', 'select id, name from t order by id']);
    assert.equal(csv.code, 0, csv.stderr);
    assert.equal(csv.stdout, `profile,id,name\ns3,1,fan3-1\ns3,2,fan3-2\ns3,3,fan3-3\ns1,1,fan1-1\n`);
    const json = await dbx(['-p', 's1,s2', '--json', 'sql', 'select id from t order by id; insert into t values (100, "x"); delete from t where id = 100']);
    assert.equal(json.code, 0, json.stderr);
    const lines = json.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines[0], [{ profile: 's1', id: 1 }]);
    assert.equal(lines[1].profile, 's1');
    assert.equal(lines[1].affectedRows, 1);
    assert.deepEqual(lines[3], [{ profile: 's2', id: 1 }, { profile: 's2', id: 2 }]);
    assert.equal(Object.keys(lines[4])[0], 'profile');
    const summary = JSON.parse(json.stderr.trim().split('\n').pop()!);
    assert.deepEqual(summary.summary.results.map((x: { profile: string }) => x.profile), ['s1', 's2']);
    const nd = await dbx(['-p', 'shards', '--format', 'ndjson', 'sql', 'select id from t']);
    const ndLines = nd.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(ndLines.length, 6);
    assert.deepEqual(ndLines.map((l) => l.profile).sort(), ['s1', 's2', 's2', 's3', 's3', 's3']);
  });

  test('an unreachable profile: the others still run, its error names it, exit 3, no secret', async () => {
    const r = await dbx(['-p', 's1,down,s2', 'sql', 'select count(*) as n from t']);
    noSecret(r);
    assert.equal(r.code, 3);
    assert.match(r.stdout, /\| s1 +\| +1 \|/);
    assert.match(r.stdout, /\| s2 +\| +2 \|/);
    assert.match(r.stderr, /ERROR \[down: sql mysql:\/\/root@127\.0\.0\.1:\d+\/x\] ECONNREFUSED/);
    assert.match(r.stderr, /3 profiles: 2 ok, 1 failed \(down: cannot connect\)\n$/);
    const j = await dbx(['-p', 's1,down', '--json', 'sql', 'select 1 as x']);
    noSecret(j);
    const errLines = j.stderr.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(errLines[0].error.profile, 'down');
    assert.equal(errLines[1].summary.failed, 1);
  });

  test('a statement that fails on one profile: exit 1, the rest ran; under -q no summary', async () => {
    await admin.query(`drop table if exists ${dbs[2]}.only3`);
    await admin.query(`create table ${dbs[2]}.only3 (x int)`);
    const r = await dbx(['-p', 'shards', '-q', 'sql', 'select count(*) from only3']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ERROR \[s1: sql .*ER_NO_SUCH_TABLE/);
    assert.match(r.stderr, /ERROR \[s2: sql .*ER_NO_SUCH_TABLE/);
    assert.doesNotMatch(r.stderr, /profiles:/);
    assert.match(r.stdout, /\| s3 +\| +0 \|/);
  });

  test('safety per profile: readonly refuses in its own row, confirm without a TTY too; the most severe code wins', async () => {
    const r = await dbx(['-p', 's1,ro,careful', 'sql', 'insert into t values (50, "w"); delete from t']);
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /\[ro: sql .*READ_ONLY/);
    assert.match(r.stderr, /\[careful: sql .*NOT_CONFIRMED/);
    assert.match(r.stderr, /3 profiles: 1 ok, 2 failed \(ro: refused by safety, careful: refused by safety\)/);
    const [rows] = await admin.query(`select count(*) as n from ${dbs[0]}.t`);
    assert.equal((rows as Array<{ n: number }>)[0]!.n, 0, 's1 (safety off) ran both statements');
    const [kept] = await admin.query(`select count(*) as n from ${dbs[1]}.t`);
    assert.equal((kept as Array<{ n: number }>)[0]!.n, 2, 'careful refused before anything ran');
    // put s1 back as it was
    await admin.query(`insert into ${dbs[0]}.t values (1, 'fan1-1')`);
    const unreachable = await dbx(['-p', 'ro,down', 'sql', 'delete from t']);
    assert.equal(unreachable.code, 3, 'unreachable beats refused');
  });

  test('--fail-fast: the first failure stops the rest; --parallel 1 runs them one at a time', async () => {
    const r = await dbx(['-p', 'down,s1,s2', '--parallel', '1', '--fail-fast', 'sql', 'select 1']);
    assert.equal(r.code, 3);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /3 profiles: 0 ok, 1 failed \(down: cannot connect\), 2 not run\n$/);
  });

  test('profiles run at once: five sleep(3) take far less than fifteen seconds', async () => {
    const started = performance.now();
    const r = await dbx(['-p', 's1,s2,s3,ro,careful', '-q', 'sql', 'select sleep(3)']);
    const seconds = (performance.now() - started) / 1000;
    assert.equal(r.code, 0, r.stderr);
    assert.ok(seconds < 12, `took ${seconds.toFixed(1)} s`); // one after the other would be more than 15 s
  });

  test('a script from stdin is read once and run on each profile', async () => {
    const r = await dbx(['-p', 's1,s2', '--format', 'tsv', '-q', 'sql'], 'select count(*) as n from t;\nselect 7 as seven;\n');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'profile\tn\ns1\t1\nprofile\tseven\ns1\t7\nprofile\tn\ns2\t2\nprofile\tseven\ns2\t7\n');
  });
});

describe('fan-out: names and refusals, before anything runs', () => {
  test('an unknown name or a glob matching nothing is exit 2; one glob match is a single profile, untagged', async () => {
    const unknown = await dbx(['-p', 's1,s9', 'sql', 'select 1']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown profile "s9".*did you mean s1\?/);
    assert.equal(unknown.stdout, '');
    const none = await dbx(['-p', 'x*', 'sql', 'select 1']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no profile matches 'x\*'/);
    const one = await dbx(['-p', 'car*', '--format', 'csv', 'sql', 'select 1 as x']);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(one.stdout, 'x\n1\n');
  });

  test('--format raw, --url and $DBX_SQL_URL cannot say where each result came from: exit 2', async () => {
    for (const extra of [['--format', 'raw'], ['--url', 'mysql://root@127.0.0.1:1/x']]) {
      const r = await dbx(['-p', 's1,s2', ...extra, 'sql', 'select 1']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /FANOUT_(FORMAT|URL)/);
    }
    const env = await runDbx(['--config', config, '-p', 's1,s2', 'sql', 'select 1'], { env: { DBX_SQL_URL: 'mysql://root@127.0.0.1:1/x' } });
    assert.equal(env.code, 2);
    assert.match(env.stderr, /\$DBX_SQL_URL/);
  });
});

describe('fan-out: a group as the default', () => {
  let groupConfig: string;
  beforeAll(async () => {
    const { readFile } = await import('node:fs/promises');
    groupConfig = join(dir, 'default-group.yaml');
    const body = (await readFile(config, 'utf8')) + '  guarded: [s1, ro]\ndefault: shards\n';
    await writeFile(groupConfig, body, { mode: 0o600 });
  });
  const run = (args: string[]) => runDbx(['--config', groupConfig, '--no-color', ...args]);

  test('`default:` naming a group fans out without -p; profile list marks its members and lists the groups', async () => {
    const r = await run(['--format', 'csv', 'sql', 'select count(*) as n from t']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'profile,n\ns1,1\ns2,2\ns3,3\n');
    const list = await run(['profile', 'list']);
    assert.match(list.stdout, /^\* s1 /m);
    assert.match(list.stdout, /^  ro /m);
    assert.match(list.stdout, /^\* shards +group +s1, s2, s3$/m);
    const json = JSON.parse((await run(['profile', 'list', '--json'])).stdout);
    assert.deepEqual(json.find((x: { name: string }) => x.name === 'guarded'), { name: 'guarded', current: false, group: ['s1', 'ro'] });
    const show = await run(['profile', 'show']);
    assert.match(show.stdout, /^group: +shards\nsource: .*\nmembers: s1, s2, s3\n\nprofile: s1\n/);
    noSecret(show);
  });

  test('--url with a group as the default runs on the URL alone, with the strictest safety of the group', async () => {
    const u = await testSqlUrl();
    const ok = await run(['--url', u, 'sql', 'select 7 as n']);
    assert.equal(ok.code, 0, ok.stderr);
    const guardedConfig = join(dir, 'guarded.yaml');
    const { readFile } = await import('node:fs/promises');
    await writeFile(guardedConfig, (await readFile(groupConfig, 'utf8')).replace('default: shards', 'default: guarded'), { mode: 0o600 });
    const refused = await runDbx(['--config', guardedConfig, '--url', u, 'sql', `create database ${dbs[0]}_never`]);
    assert.equal(refused.code, 4, refused.stderr); // ro, a member of guarded, is readonly
    const [rows] = await admin.query(`show databases like '${dbs[0]}_never'`);
    assert.deepEqual(rows, []);
  });
});

describe('fan-out on a terminal', () => {
  test('the interactive shell runs on one profile: several are refused, exit 2', async () => {
    const s = new PtySession(['--config', config, '-p', 's1,s2', 'sql']);
    try {
      await s.expect(/the interactive shell runs on one profile, and -p s1,s2 names 2/);
      assert.equal(await s.exited(), 2);
    } finally {
      s.close();
    }
  });

  test('confirm profiles are asked about once, together, before anything runs; no refuses them only', async () => {
    for (const db of [dbs[0], dbs[1]]) {
      await admin.query(`create table if not exists ${db}.conf (x int)`);
      await admin.query(`insert into ${db}.conf values (1)`);
    }
    const count = async (db: string) => ((await admin.query(`select count(*) as n from ${db}.conf`))[0] as Array<{ n: number }>)[0]!.n;
    const no = new PtySession(['--config', config, '-p', 's1,careful', 'sql', 'delete from conf']);
    try {
      await no.expect(/Profile 'careful' \(mysql:\/\/[^)]*\): about to run\n\s+delete from conf\nType yes to continue: $/);
      assert.equal(await count(dbs[0]!), 1, 'nothing ran before the answer');
      no.send('no\r');
      assert.equal(await no.exited(), 4);
      assert.match(no.output, /\[careful: sql .*NOT_CONFIRMED/);
      assert.equal(no.output.match(/Type yes/g)!.length, 1);
    } finally {
      no.close();
    }
    assert.equal(await count(dbs[0]!), 0, 's1 (safety off) ran it');
    assert.equal(await count(dbs[1]!), 1, 'careful did not');
    const yes = new PtySession(['--config', config, '-p', 'careful,s1', 'sql', 'delete from conf']);
    try {
      await yes.expect(/Type yes to continue: $/);
      yes.send('yes\r');
      assert.equal(await yes.exited(), 0);
    } finally {
      yes.close();
    }
    assert.equal(await count(dbs[1]!), 0);
  });
});

describe('fan-out: kv and doc', () => {
  test('kv: a single reply becomes {"profile","value"}; a list is one tagged value; the table shows it as redis-cli', async () => {
    const set = await dbx(['-p', 's1,s2', '-q', 'kv', 'set', key, 'v1']);
    assert.equal(set.code, 0, set.stderr);
    const get = await dbx(['-p', 'shards', '--json', 'kv', 'get', key]);
    assert.equal(get.code, 0, get.stderr);
    assert.equal(get.stdout, '{"profile":"s1","value":"v1"}\n{"profile":"s2","value":"v1"}\n{"profile":"s3","value":null}\n');
    const table = await dbx(['-p', 's1,s3', 'kv', 'get', key]);
    assert.match(table.stdout, /\| s1 +\| "v1" +\|/);
    assert.match(table.stdout, /\| s3 +\| \(nil\) +\|/);
    const down = await dbx(['-p', 's1,down', 'kv', 'get', key]);
    noSecret(down);
    assert.equal(down.code, 3);
  });

  test('doc: findOne is {"profile","value"}, find rows carry the profile before _id', async () => {
    const insert = await dbx(['-p', 's1,s2', '-q', 'doc', `db.people.insertOne({_id: 1, name: 'Sam'})`]);
    assert.equal(insert.code, 0, insert.stderr);
    const one = await dbx(['-p', 's1,s3', '--json', 'doc', 'db.people.findOne()']);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(one.stdout, '{"profile":"s1","value":{"_id":1,"name":"Sam"}}\n{"profile":"s3","value":null}\n');
    const found = await dbx(['-p', 's1,s2', '--format', 'csv', 'doc', 'db.people.find()']);
    assert.equal(found.stdout, 'profile,_id,name\ns1,1,Sam\ns2,1,Sam\n');
  });
});

describe('fan-out: ping', () => {
  test("ping -p '*': every engine of every profile, the profile first; exit 3 for the unreachable one", async () => {
    const r = await dbx(['ping', '-p', '*']);
    noSecret(r);
    assert.equal(r.code, 3);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 6 * 3);
    assert.match(lines[0]!, /^s1 +sql +ok +mysql:\/\//);
    assert.match(r.stdout, /^down +kv +FAIL/m);
    assert.match(r.stderr, /6 profiles: 5 ok, 1 failed \(down: cannot connect\)/);
    const json = await dbx(['ping', '-p', 'shards', '--json']);
    assert.equal(json.code, 0, json.stderr);
    const first = JSON.parse(json.stdout.split('\n')[0]!);
    assert.equal(Object.keys(first)[0], 'profile');
  });
});
