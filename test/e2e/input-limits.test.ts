/**
 * Inputs too deep or too large for the engines (issue 11): each is a clear message and exit 2 (or the server's own
 * error, exit 1), never a library's internal error ("Maximum call stack size exceeded", a RangeError about a buffer
 * offset) and never a megabyte of statement echoed back. Documents go to a fresh database of the MongoDB test
 * server (or DBX_TEST_MONGO_URL); sql statements only read.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { mongoDatabaseUrl, mongoTestUrl } from '../support/mongo-test-server.js';
import { runDbx, type DbxRun } from '../support/run-dbx.js';
import { testSqlUrl, uniqueName } from '../support/servers.js';
import { scratchDir } from '../support/temp-dir.js';

let mongo: Awaited<ReturnType<typeof mongoTestUrl>>;
let docUrl: string;
let dir: string;

beforeAll(async () => {
  mongo = await mongoTestUrl();
  docUrl = mongoDatabaseUrl(mongo.url, uniqueName('dbx_limits'));
  dir = scratchDir('dbx-limits-');
});

afterAll(async () => {
  if (mongo?.real) await runDbx(['--url', docUrl, 'doc', 'db.dropDatabase()']);
  await mongo?.stop();
});

const LIBRARY_TEXT = /Maximum call stack|RangeError|out of range|\n\s+at /;

function clear(r: DbxRun, code: number, message: RegExp): void {
  assert.equal(r.code, code, r.stderr.slice(0, 2000));
  assert.match(r.stderr, message);
  assert.doesNotMatch(r.stderr, LIBRARY_TEXT);
  // the statement is not echoed whole
  assert.ok(r.stderr.length < 2000, `${r.stderr.length} characters on stderr`);
  assert.equal(r.stdout, '');
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const nested = (open: string, close: string, depth: number, inner: string): string => open.repeat(depth) + inner + close.repeat(depth);

describe('deep nesting', () => {
  test('--params nested 50,000 deep: exit 2 saying how deep, for sql and kv alike', async () => {
    const params = nested('[', ']', 50_000, '');
    const sql = await runDbx(['--url', await testSqlUrl(), '--params', params, 'sql', 'select ?']);
    clear(sql, 2, /--params is nested 50000 levels deep; dbx takes at most 100/);
    const kv = await runDbx(['--url', 'redis://127.0.0.1:1/0', '--params', params, 'kv', 'get', 'x']);
    clear(kv, 2, /--params is nested 50000 levels deep/);
    const objects = await runDbx(['--url', await testSqlUrl(), '--params', `[${nested('{"a":', '}', 5_000, '1')}]`, 'sql', 'select ?']);
    clear(objects, 2, /--params is nested 5001 levels deep/);
  });

  test('a doc statement nested 50,000 deep, or deeper than BSON allows: exit 2, the line shown around the caret', async () => {
    const deep = await runDbx(['--url', docUrl, 'doc', '-f', file('deep.js', `db.c.insertOne({a: ${nested('{a: ', '}', 50_000, '1')}})\n`)]);
    clear(deep, 2, /nested too deeply \(MongoDB documents nest at most 100 levels\)/);
    assert.match(deep.stderr, /\n {2}…(\{a: )+/);
    const bson = await runDbx(['--url', docUrl, 'doc', `db.c.insertOne({a: ${nested('{a: ', '}', 150, '1')}})`]);
    clear(bson, 2, /more than 100 levels deep/);
    const count = await runDbx(['--url', docUrl, '--json', 'doc', 'db.c.countDocuments()']);
    assert.equal(count.stdout, '0\n');
  });

  test('a sql statement nested 50,000 deep is the server error (exit 1), its echo cut short', async () => {
    const r = await runDbx(['--url', await testSqlUrl(), 'sql', '-f', file('deep.sql', `select ${nested('(', ')', 50_000, '1')};\n`)]);
    clear(r, 1, /ER_PARSE_ERROR/);
  });
});

describe('oversized values', () => {
  test("a 20 MB document is exit 2 naming MongoDB's 16 MB document limit; nothing is sent", async () => {
    const big = await runDbx(['--url', docUrl, 'doc', '-f', file('big.js', `db.c.insertOne({_id: 1, s: "${'x'.repeat(20_000_000)}"})\n`)]);
    clear(big, 2, /DOCUMENT_TOO_LARGE: a document is 19\.1 MiB as BSON, beyond MongoDB's limit of 16 MiB \(16,777,216 bytes\) per document/);
    // the second document of an insertMany: the first is not inserted either
    const many = `db.c.insertMany([{_id: 2}, {_id: 3, s: "${'x'.repeat(9_000_000)}", t: "${'y'.repeat(9_000_000)}"}])\n`;
    clear(await runDbx(['--url', docUrl, 'doc', '-f', file('many.js', many)]), 2, /16 MiB/);
    const count = await runDbx(['--url', docUrl, '--json', 'doc', 'db.c.countDocuments()']);
    assert.equal(count.stdout, '0\n');
  });

  test("a sql statement over the server's max_allowed_packet is the server's error, exit 1", async () => {
    const r = await runDbx(['--url', await testSqlUrl(), 'sql', '-f', file('big.sql', `select length('${'x'.repeat(20_000_000)}') n;\n`)]);
    clear(r, 1, /ER_NET_PACKET_TOO_LARGE \(1153\).*max_allowed_packet/);
    // known before sending (the server's answer raced its reset of the connection): the session goes on
    assert.match(r.stderr, /hint: the statement is 20000019 bytes and the server's max_allowed_packet is \d+: dbx did not send it/);
    const forced = await runDbx(['--url', await testSqlUrl(), '--force', '--format', 'tsv', 'sql', '-f',
      file('big-then-more.sql', `select length('${'x'.repeat(20_000_000)}') n;\nselect 7 as seven;\n`)]);
    assert.equal(forced.code, 1, forced.stderr.slice(0, 500));
    assert.equal(forced.stdout, 'seven\n7\n');
  });
});
