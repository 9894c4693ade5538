/**
 * The differential suite: each script of the corpus (corpus.ts: MariaDB's regression tests reduced to plain SQL,
 * and scripts/*.sql) runs through `mariadb -B --force` and `dbx sql --format tsv --force`, and the two must agree
 * statement by statement — what was sent, the rows, the status lines, the errors with errno and line — except
 * where dbx differs by design (compare.ts lists those, README says why).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import mysql from 'mysql2/promise';
import { testSqlUrl, uniqueName } from '../../support/servers.js';
import { compareRuns, type StatementFlags } from './compare.js';
import { MARIADB_TESTS, MYSQL_TEST_DIR } from './corpus.js';
import { runDbx, runMariadb, runTables, type Server } from './differential.js';
import { stringWidth } from '../../../src/text/text-width.js';
import { reduceMysqltest } from './mysqltest-reduce.js';

/** a file of a thousand statements, twice, on a machine busy with the rest of the suite */
const CORPUS_TIMEOUT_MS = 240_000;

const OWN = fileURLToPath(new URL('./scripts/', import.meta.url));

let server: Server;
let admin: mysql.Connection;

beforeAll(async () => {
  const u = new URL(await testSqlUrl());
  server = { host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
  admin = await mysql.createConnection({ host: server.host, port: server.port, user: server.user, password: server.password, multipleStatements: true });
});

afterAll(async () => {
  await admin?.end();
});

/** Databases the script creates by name (mysqltest1…): dropped after each client's run if they were not there before. */
function namedDatabases(script: string): string[] {
  return [...script.matchAll(/\bcreate\s+(?:database|schema)\s+(?:if\s+not\s+exists\s+)?`?(\w+)`?/gi)].map((m) => m[1]!);
}

async function existing(names: string[]): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  const [rows] = await admin.query('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?)', [names]);
  return new Set((rows as Array<{ SCHEMA_NAME: string }>).map((r) => r.SCHEMA_NAME));
}

export async function inFreshDatabase<T>(script: string, work: (db: string) => Promise<T>): Promise<T> {
  const db = uniqueName('dbxconf');
  const named = namedDatabases(script);
  const before = await existing(named);
  await admin.query(`CREATE DATABASE \`${db}\``);
  try {
    return await work(db);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS \`${db}\``);
    for (const name of named) if (!before.has(name)) await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  }
}

function assertAgree(diffs: string[]): void {
  if (diffs.length > 0) assert.fail(`${diffs.length} differences:\n${diffs.slice(0, 25).join('\n')}`);
}

async function differences(script: string, flagsAt?: (line: number | undefined) => StatementFlags): Promise<string[]> {
  const run = <T>(client: (server: Server, db: string, script: string) => Promise<T>) =>
    inFreshDatabase(script, (db) => client(server, db, script));
  // side by side, each in a database of its own; in turn when the script names databases of its own (they would meet)
  const [ref, dbx] = namedDatabases(script).length === 0
    ? await Promise.all([run(runMariadb), run(runDbx)])
    : [await run(runMariadb), await run(runDbx)];
  assert.ok(ref.statements.length > 0, `mariadb ran nothing:\n${ref.raw.slice(0, 2000)}`);
  return compareRuns(ref, dbx, flagsAt);
}

describe('MariaDB regression tests, reduced to plain SQL', () => {
  test('the mariadb-test package is installed (scripts/servers.sh --install-only)', () => {
    assert.ok(existsSync(join(MYSQL_TEST_DIR, 'main')), `${MYSQL_TEST_DIR}/main is missing: apt-get install mariadb-test`);
  });

  for (const file of MARIADB_TESTS) {
    test(`${file.path}: ${file.why}`, async () => {
      const reduction = reduceMysqltest(readFileSync(join(MYSQL_TEST_DIR, file.path), 'utf8'));
      const byLine = new Map(reduction.statements.map((s) => [s.line, s]));
      const diffs = await differences(reduction.script, (line) => byLine.get(line ?? -1) ?? {});
      assertAgree(diffs);
    }, CORPUS_TIMEOUT_MS);
  }
});

describe('scripts of our own', () => {
  const scripts = existsSync(OWN) ? readdirSync(OWN).filter((f) => f.endsWith('.sql')).sort() : [];
  for (const name of scripts) {
    const script = readFileSync(join(OWN, name), 'utf8');
    const why = /^-- (.*)$/m.exec(script)?.[1] ?? '';
    test(`${name}: ${why}`, async () => {
      const diffs = await differences(script);
      assertAgree(diffs);
    });
  }
});

describe('the table format beside mariadb --table', () => {
  const script = [
    "select 1 as i, 12.50 as d, -3e0 as f, 'ab' as s, null as n, cast(18446744073709551615 as unsigned) as big, 2024 as y;",
    'select 1 as a, 2 as a;',
    "select 'x' as s, 1 as one union all select 'longer text', 22;",
  ].join('\n');
  const cjk = "select '张三' as name, 7 as id union all select 'Sam', 8;";

  test('boxes agree line for line: numeric columns right-aligned by type, repeated names kept', async () => {
    const { ref, dbx } = await inFreshDatabase(script, (db) => runTables(server, db, script));
    const refBoxes = ref.split('\n');
    const dbxBoxes = dbx.split('\n');
    assert.equal(dbxBoxes.length, refBoxes.length, `mariadb:\n${ref}\ndbx:\n${dbx}`);
    refBoxes.forEach((line, k) => assert.equal(dbxBoxes[k], line, `line ${k + 1}\nmariadb:\n${ref}\ndbx:\n${dbx}`));
  });

  test('deliberate: a CJK column is as wide as its widest text on screen (mariadb sizes it in bytes), every line as wide as its border', async () => {
    const { ref, dbx } = await inFreshDatabase(cjk, (db) => runTables(server, db, cjk));
    const box = dbx.split('\n').filter(Boolean);
    const refWidths = ref.split('\n').filter(Boolean).map((l) => stringWidth(l));
    // mariadb sizes the column by the bytes of 张三 (6), dbx by its width on screen (4)
    assert.ok(stringWidth(box[0]!) < refWidths[0]!, `mariadb:\n${ref}\ndbx:\n${dbx}`);
    const widths = box.map((l) => stringWidth(l));
    assert.ok(box.some((l) => l.includes('张三')), dbx);
    assert.deepEqual(widths, widths.map(() => widths[0]), box.join('\n'));
  });
});
