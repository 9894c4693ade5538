/**
 * Adversarial cases for `dbx kv`, `dbx doc` and their shells, each one a defect that was found and fixed: odd
 * bytes in kv scripts, replies with unusual keys, misleading hints, session state inside MULTI, doc values that
 * used to be stored wrong or printed lossily. Redis database 13 (keys with a per-run prefix, deleted after),
 * MongoDB through mongoTestUrl().
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { BSONRegExp, MongoClient } from 'mongodb';
import { mongoTestUrl, mongoDatabaseUrl } from '../support/mongo-test-server.js';
import { PtySession } from '../support/pty-session.js';
import { runDbx, type DbxRun } from '../support/run-dbx.js';
import { testKvAddress, testKvUrl, uniqueName } from '../support/servers.js';

const KV_DB = 13;
const kvUrl = testKvUrl(KV_DB);
const prefix = uniqueName('dbx_qa');
let state: string;
let mongo: Awaited<ReturnType<typeof mongoTestUrl>>;
const docDb = uniqueName('dbx_qa');

function kv(words: string[], extra: string[] = [], input?: string): Promise<DbxRun> {
  return runDbx(['--no-color', '--url', kvUrl, ...extra, 'kv', ...words], { input, timeoutMs: 15_000 });
}

function noStack(r: DbxRun): void {
  assert.doesNotMatch(r.stderr, /\n\s+at .*\.js:\d+/, 'no stack trace');
}

/** the test MongoDB's URL with the path set to `db` (its query string kept) */
function mongoUrl(db = docDb): string {
  return mongoDatabaseUrl(mongo.url, db);
}

function doc(script: string, extra: string[] = []): Promise<DbxRun> {
  return runDbx(['--no-color', '--url', mongoUrl(), ...extra, 'doc', script], { timeoutMs: 20_000 });
}

async function docOk(script: string, extra: string[] = []): Promise<string> {
  const r = await doc(script, extra);
  assert.equal(r.code, 0, `${script}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r.stdout;
}

async function kvJson(words: string[]): Promise<unknown> {
  const r = await kv(words, ['--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

beforeAll(async () => {
  state = await mkdtemp(join(tmpdir(), 'dbx-qa-state-'));
  mongo = await mongoTestUrl();
});

afterAll(async () => {
  const keys = (await kvJson(['keys', `${prefix}*`])) as string[];
  if (keys.length > 0) await kv(['del', ...keys]);
  if (mongo.real) await doc('db.dropDatabase()');
  await mongo.stop();
  await rm(state, { recursive: true, force: true });
});

describe('kv scripts: bytes redis-cli would send as they are', () => {
  test('a NUL byte in a line is stored, and the script does not hang', async () => {
    const r = await kv([], [], `set ${prefix}:nul a\0b\nget ${prefix}:nul\n`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'OK\n"a\\x00b"\n');
  });

  test('a trailing no-break or ideographic space is part of the value, not trimmed away', async () => {
    const r = await kv([], ['--json'], `set ${prefix}:nbsp x\u00a0\nset ${prefix}:ideo 张三\u3000\nget ${prefix}:nbsp\nget ${prefix}:ideo\n`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '"OK"\n"OK"\n"x\u00a0"\n"张三\u3000"\n');
  });

  test('a byte-order mark, CRLF line ends and indented comments are still ignored', async () => {
    const r = await kv([], [], `\ufeffset ${prefix}:bom 1\r\n  # a comment\r\n\r\nget ${prefix}:bom\r\n`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'OK\n"1"\n');
  });
});

describe('kv replies and hints', () => {
  test('--json keeps a map key named __proto__ (XREAD of a stream called __proto__)', async () => {
    const stream = `${prefix}:s`;
    assert.equal((await kv(['xadd', '__proto__', '1-1', 'a', '1'])).code, 0);
    try {
      const r = await kv(['xread', 'streams', '__proto__', '0'], ['--json']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, '{"__proto__":[["1-1",["a","1"]]]}\n');
    } finally {
      await kv(['del', '__proto__', stream]);
    }
  });

  test('SELECT x is told its own syntax, not that a value stored at x is not a number', async () => {
    const r = await kv(['select', 'x']);
    assert.equal(r.code, 1);
    assert.doesNotMatch(r.stderr, /value stored at/);
    assert.match(r.stderr, /hint: usage: SELECT index/);
    noStack(r);
  });

  test('INCR on a key holding text still points at the stored value', async () => {
    await kv(['set', `${prefix}:txt`, 'abc']);
    const r = await kv(['incr', `${prefix}:txt`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`hint: the value stored at '${prefix}:txt' is not a number`));
  });
});

describe('kv commands dbx cannot follow', () => {
  test('CLIENT REPLY OFF is refused with exit 2 (the next command would have waited forever)', async () => {
    const r = await kv(['client', 'reply', 'off']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /CLIENT REPLY OFF is not supported/);
    const script = await kv([], [], `set ${prefix}:cr 1\nclient reply skip\nget ${prefix}:cr\n`);
    assert.equal(script.code, 2, script.stderr);
    assert.equal(script.stdout, '');
    assert.equal((await kv(['exists', `${prefix}:cr`])).stdout, '(integer) 0\n');
  });
});

describe('kv reports made of lines', () => {
  test('INFO and CLIENT INFO print their lines as redis-cli does, not as one quoted string; --json keeps the text', async () => {
    const one = await kv(['info', 'server']);
    assert.equal(one.code, 0, one.stderr);
    // the report's own bytes, CRLF and all, as redis-cli writes them
    assert.match(one.stdout, /^# Server\r\nredis_version:\d/);
    assert.doesNotMatch(one.stdout, /\\r\\n|^"/);
    const script = await kv([], [], 'info server\nclient info\necho done\n');
    assert.equal(script.code, 0, script.stderr);
    assert.match(script.stdout, /^# Server\r\nredis_version:[^\n]*\n[\s\S]*\nid=\d+ addr=[^\n]*\n"done"\n$/);
    const json = (await kvJson(['info', 'server'])) as string;
    assert.match(json, /^# Server\r\nredis_version:/);
  });
});

describe('kv shell: SELECT inside MULTI', () => {
  test('EXEC applies a queued SELECT to the prompt; DISCARD and a failed SELECT do not', async () => {
    const s = new PtySession(['--url', testKvUrl(KV_DB), 'kv'], { env: { XDG_STATE_HOME: state, PAGER: 'cat' } });
    try {
      await s.expect(/dbx kv local:13> $/);
      s.send('multi\r');
      await s.expect(/OK\ndbx kv local:13> $/);
      s.send('select 14\r');
      await s.expect(/QUEUED\ndbx kv local:13> $/);
      s.send('exec\r');
      await s.expect(/1\) OK\ndbx kv local:14> $/);
      s.send('multi\r');
      await s.expect(/OK\ndbx kv local:14> $/);
      s.send('select 15\r');
      await s.expect(/QUEUED\n.*> $/);
      s.send('discard\r');
      await s.expect(/OK\ndbx kv local:14> $/);
      s.send('multi\r');
      await s.expect(/OK\n.*> $/);
      s.send('select 999\r');
      await s.expect(/QUEUED\n.*> $/);
      s.send('exec\r');
      // the prompt stays on 14; the failed command inside EXEC is a failure of EXEC (issue 10: Redis has no rollback)
      await s.expect(/\(error\) ERR DB index is out of range\nERROR \[kv [^\]]*\/14\] ERR: the transaction ran, but command 1 of 1 \(select 999\) failed[\s\S]*\ndbx kv local:14> $/);
      s.send('\x04');
      assert.equal(await s.exited(), 0);
    } finally {
      s.close();
    }
  });
});

describe('kv connection', () => {
  test('rediss:// to a plain server: exit 3 within the connect timeout, a TLS hint, no Node warning', async () => {
    const config = join(state, 'tls.yaml');
    await writeFile(config, `default: t\nprofiles:\n  t:\n    connectTimeout: 1500\n    kv: rediss://${testKvAddress()}/${KV_DB}\n`);
    const started = Date.now();
    const r = await runDbx(['--no-color', '--config', config, 'kv', 'ping']);
    assert.equal(r.code, 3, r.stderr);
    assert.ok(Date.now() - started < 8000);
    assert.doesNotMatch(r.stderr, /DeprecationWarning|DEP0123/);
    assert.match(r.stderr, /hint: rediss:\/\/ needs a server that speaks TLS/);
    noStack(r);
  });
});

describe('doc: values stored and printed as they are', () => {
  test('--json keeps a NumberLong beyond 2^53 exact ({"$numberLong"}); smaller ones stay numbers', async () => {
    await docOk("db.longs.insertOne({_id: 1, big: NumberLong('9223372036854775807'), neg: NumberLong('-9007199254740993'), small: NumberLong(42)})");
    assert.equal(
      await docOk('db.longs.find()', ['--json']),
      '[{"_id":1,"big":{"$numberLong":"9223372036854775807"},"neg":{"$numberLong":"-9007199254740993"},"small":42}]\n',
    );
    assert.equal(
      await docOk('db.longs.findOne()', ['--format', 'ndjson']),
      '{"_id":1,"big":{"$numberLong":"9223372036854775807"},"neg":{"$numberLong":"-9007199254740993"},"small":42}\n',
    );
  });

  test('a stored regex with an option JavaScript lacks (s) prints in every format', async () => {
    // mongod also stores patterns JavaScript cannot compile (PCRE's (?i)); the test server cannot, so: option s
    const client = new MongoClient(mongoUrl());
    try {
      await client.db(docDb).collection<{ _id: number; r: BSONRegExp }>('regexes').insertOne({ _id: 1, r: new BSONRegExp('a.b', 's') });
    } finally {
      await client.close();
    }
    assert.equal(await docOk('db.regexes.find()', ['--json']), '[{"_id":1,"r":{"$regularExpression":{"pattern":"a.b","options":"s"}}}]\n');
    assert.equal(await docOk('db.regexes.findOne()'), "{ _id: 1, r: /a.b/s }\n");
    assert.match(await docOk('db.regexes.find()'), /\| +1 \| \/a\.b\/s \|/);
  });

  test("UUID('xyz') and new Date('garbage') are parse errors with a caret; nothing is stored", async () => {
    for (const [value, message] of [
      ["UUID('xyz')", /UUID\(\) needs 32 hex digits/],
      ['UUID(1)', /UUID\(\) takes the UUID as a quoted string/],
      ["new Date('garbage')", /not a valid date/],
    ] as const) {
      const statement = `db.bad.insertOne({_id: 1, v: ${value}})`;
      const r = await doc(statement);
      assert.equal(r.code, 2, `${statement}\n${r.stderr}`);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /\n {2}db\.bad\.insertOne[^\n]*\n +\^\n/);
      noStack(r);
    }
    assert.equal(await docOk('db.bad.countDocuments()'), '0\n');
  });

  test('NumberDecimal() is 0 and NumberDecimal(1.5) reads the number as typed, as in mongosh', async () => {
    await docOk('db.decimals.insertMany([{_id: 1, d: NumberDecimal()}, {_id: 2, d: NumberDecimal(1.5)}, {_id: 3, d: NumberDecimal(-2_000)}])');
    assert.equal(
      await docOk('db.decimals.find()', ['--json']),
      '[{"_id":1,"d":{"$numberDecimal":"0"}},{"_id":2,"d":{"$numberDecimal":"1.5"}},{"_id":3,"d":{"$numberDecimal":"-2000"}}]\n',
    );
  });

  test('show collections --format raw: one name per line', async () => {
    await docOk("db.createCollection('raw_a'); db.createCollection('raw_b')");
    const names = (await docOk('show collections', ['--format', 'raw'])).split('\n');
    assert.ok(names.includes('raw_a') && names.includes('raw_b'), names.join('|'));
  });

  test('a database name mongod refuses, in the URL: exit 2 before connecting', async () => {
    const r = await runDbx(['--no-color', '--url', mongoUrl('bad.name'), 'doc', 'db.t.countDocuments()']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /BAD_URL: .*a database name cannot contain '\.'/);
    noStack(r);
  });
});

describe('doc: URLs the driver refuses are bad settings (exit 2), not connection failures', () => {
  for (const url of ['mongodb://%', 'mongodb://127.0.0.1:1/x?replicaSet']) {
    test(url, async () => {
      const r = await runDbx(['--no-color', '--url', url, 'doc', 'db.t.find()']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /BAD_URL: bad connection settings for doc/);
      assert.doesNotMatch(r.stderr, /URIError|MongoAPIError/);
      noStack(r);
    });
  }
});

describe('doc: a write that fails part-way says what it did write', () => {
  test('insertMany with a duplicate _id: exit 1, errno 11000, and a hint with how many were inserted', async () => {
    await docOk('db.partial.insertOne({_id: 2})');
    const r = await doc('db.partial.insertMany([{_id: 1}, {_id: 2}, {_id: 3}])', ['--json']);
    assert.equal(r.code, 1, r.stderr);
    const error = (JSON.parse(r.stderr) as { error: { errno: number; hint?: string } }).error;
    assert.equal(error.errno, 11000);
    assert.match(error.hint ?? '', /^1 of the documents was inserted and 1 failed/);
    assert.equal(await docOk('db.partial.countDocuments()'), '2\n');
    const single = await doc('db.partial.insertOne({_id: 2})');
    assert.equal(single.code, 1);
    assert.doesNotMatch(single.stderr, /were inserted|was inserted/);
  });
});

describe('doc: statements refused before anything is sent', () => {
  test('wrong arity and wrong argument kinds: exit 2 with a caret under the argument, nothing run', async () => {
    for (const [statement, column] of [
      ['db.t.insertOne({a: 1}, {}, {})', 28],
      ['db.t.insertOne()', 16],
      ["db.t.remove({}, 'one')", 17],
      ['db.t.find().limit(1, 2)', 22],
    ] as const) {
      const caretLine = `${' '.repeat(2 + column - 1)}^`;
      const r = await doc(statement);
      assert.equal(r.code, 2, `${statement}\n${r.stderr}`);
      assert.ok(r.stderr.includes(`\n  ${statement}\n${caretLine}\n`), `${statement}\n${r.stderr}`);
      noStack(r);
    }
    assert.equal(await docOk('db.t.countDocuments()'), '0\n');
  });

  test('Object.prototype names are not cursor methods: find().constructor(1), find().toString()', async () => {
    for (const statement of ['db.t.find().constructor(1)', 'db.t.find().toString()', 'db.t.find().__proto__()']) {
      const r = await doc(statement);
      assert.equal(r.code, 2, `${statement}\n${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /is not a cursor method/);
      assert.equal(r.stdout, '');
    }
  });
});
