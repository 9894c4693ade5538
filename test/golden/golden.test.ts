/**
 * Golden files: what each writer prints for each engine's typical results, checked against saved text in
 * test/golden/<engine>/<case>.txt, so that a change of layout shows up as a diff a reviewer reads.
 *
 * The results are real: each statement runs on a real engine against the suite's private MariaDB and Redis and the
 * MongoDB test server, through the runner's own runStatement (writer, status lines, error reporter), with colour
 * off and TZ=UTC. Only what changes from run to run is masked: the endpoint (`<endpoint>`: the servers' ports), the
 * unique table and database names, and the elapsed seconds. Bytes that are not UTF-8, and control characters other
 * than newline and tab, are written as ⟪xNN⟫ so that the files stay reviewable text.
 *
 * After a deliberate change of output: `DBX_UPDATE_GOLDEN=1 npx jest test/golden` rewrites the files; review and
 * commit the diff with the change.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Engine, EngineName } from '../../src/engines/engine.js';
import { loadEngine } from '../../src/engines/index.js';
import { FORMATS, createWriter, type FormatName } from '../../src/output/writers.js';
import type { Deps } from '../../src/runner/deps.js';
import type { GlobalOptions } from '../../src/runner/options.js';
import { reportFailure, runStatement, type RunState } from '../../src/runner/statement-runner.js';
import { mongoTestUrl, mongoDatabaseUrl } from '../support/mongo-test-server.js';
import { testKvUrl, testSqlUrl, uniqueName } from '../support/servers.js';

process.env.TZ = 'UTC';

const GOLDEN = dirname(fileURLToPath(import.meta.url));
const UPDATE = process.env.DBX_UPDATE_GOLDEN === '1';
/** database 14 of the test Redis is this file's own */
const KV_DB = 14;

class Capture extends Writable {
  private readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    cb();
  }

  /** what was written, as text: valid UTF-8 as is, anything else as ⟪xNN⟫ */
  get text(): string {
    return visible(Buffer.concat(this.chunks));
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** One UTF-8 character at i, or undefined when the bytes there are not one. */
function charAt(bytes: Buffer, i: number): string | undefined {
  const b = bytes[i]!;
  const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
  if (len === 0 || i + len > bytes.length) return undefined;
  try {
    return utf8.decode(bytes.subarray(i, i + len));
  } catch {
    return undefined;
  }
}

function visible(bytes: Buffer): string {
  let text = '';
  for (let i = 0; i < bytes.length; ) {
    const c = charAt(bytes, i);
    if (c !== undefined && !/[\x00-\x08\x0b-\x1f\x7f]/.test(c)) {
      text += c;
      i += Buffer.byteLength(c);
    } else {
      text += `⟪x${bytes[i]!.toString(16).padStart(2, '0')}⟫`;
      i += 1;
    }
  }
  return text;
}

const opts = (format: FormatName): GlobalOptions => ({
  format, color: false, errorColor: false, yes: false, force: true, transaction: false, param: [], quiet: false,
  verbose: false, pager: false,
});

/** One statement through the runner in one format: stdout, then stderr (status lines, errors) if any. */
async function render(engine: Engine, text: string, format: FormatName, mask: (s: string) => string): Promise<string> {
  const out = new Capture();
  const err = new Capture();
  const state: RunState = {
    engine,
    writer: createWriter({ format, color: false, quiet: false }, out, err),
    audit: { record: () => {} } as unknown as RunState['audit'],
    opts: opts(format),
    deps: { stdout: out, stderr: err, env: {} } as unknown as Deps,
    failed: false,
    interrupted: false,
  };
  try {
    for (const stmt of engine.split(text)) await runStatement(state, stmt);
  } catch (e) {
    // parse errors, and errors a mode reports itself (the runner reports statement errors)
    await reportFailure(state, e, { source: text });
  }
  return `${mask(out.text)}${err.text ? `--- stderr ---\n${mask(err.text)}` : ''}`;
}

/**
 * Every format of one statement, in one file per case. `names` maps the unique names a fixture was given to the
 * fixed ones the files show.
 */
async function golden(engine: Engine, name: string, statement: string, names: Record<string, string> = {}): Promise<void> {
  const mask = (s: string): string => {
    let out = s.replaceAll(engine.endpoint, '<endpoint>').replace(/\(\d+\.\d\d sec\)/g, '(N.NN sec)');
    for (const [unique, shown] of Object.entries(names)) out = out.replaceAll(unique, shown);
    return out;
  };
  let text = mask(`# dbx ${engine.name}: ${statement}\n`);
  for (const format of FORMATS) text += `\n=== --format ${format} ===\n${await render(engine, statement, format, mask)}`;
  const file = join(GOLDEN, engine.name, `${name}.txt`);
  if (UPDATE) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    return;
  }
  if (!existsSync(file)) throw new Error(`${file} is missing: DBX_UPDATE_GOLDEN=1 npx jest test/golden writes it`);
  // on a difference: if the new output is right, DBX_UPDATE_GOLDEN=1 npx jest test/golden and commit the diff
  expect(text).toBe(readFileSync(file, 'utf8'));
}

async function connect(name: EngineName, endpoint: string): Promise<Engine> {
  const { createEngine } = await loadEngine(name);
  const engine = createEngine({ profile: 'golden', endpoint, connectTimeoutMs: 10_000, readonly: false, verbose: () => {}, warn: () => {} });
  await engine.connect();
  return engine;
}

/** Runs setup statements, failing loudly (a golden of a half-made fixture would be wrong). */
async function setup(engine: Engine, script: string): Promise<void> {
  for (const stmt of engine.split(script)) {
    const result = await engine.execute(stmt);
    if (result.kind === 'rows') for await (const _ of result.rows);
  }
}

describe('sql', () => {
  let sql: Engine;
  const table = uniqueName('golden');
  const names = { [table]: 'golden_people' };
  beforeAll(async () => {
    sql = await connect('sql', await testSqlUrl());
    await setup(sql, `
      create table ${table} (id int primary key, name varchar(30), note varchar(20) null, amount decimal(10,2),
        big bigint, ratio float, born date, at datetime, stamp timestamp null default null, raw varbinary(4));
      insert into ${table} values
        (1, 'Sam', 'plain', 12.50, 9007199254740993, 1.5, '2001-02-03', '2018-08-15 20:53:20', '2018-08-15 20:53:20', 'ab'),
        (2, '王小明', NULL, -0.05, -1, 0.1, NULL, '2020-01-01 00:00:00', NULL, x'ff00'),
        (3, 'a "quoted", comma', 'tab\\there', 1000000.00, 0, NULL, '1999-12-31', '2000-02-29 23:59:59', NULL, NULL);`);
  });
  afterAll(async () => {
    await setup(sql, `drop table if exists ${table}`).catch(() => {});
    await sql.close();
  });

  test('a result set: NULL, CJK, DECIMAL, BIGINT beyond 2^53, FLOAT, dates, binary, quotes', () =>
    golden(sql, 'result-set', `select * from ${table} order by id`, names));
  test('repeated column names', () => golden(sql, 'repeated-columns', 'select 1 as id, 2 as id, null as name'));
  test('an empty result set', () => golden(sql, 'empty-set', `select id, name from ${table} where id < 0`, names));
  test('a statement without rows', () => golden(sql, 'status', `update ${table} set note = note where id = 1`, names));
  test('a server error', () => golden(sql, 'error', 'select from'));
});

describe('kv', () => {
  let kv: Engine;
  const keys = ['golden:s', 'golden:b', 'golden:l', 'golden:h', 'golden:z', 'golden:x', 'golden:t'];
  beforeAll(async () => {
    kv = await connect('kv', testKvUrl(KV_DB));
    await setup(kv, [
      `del ${keys.join(' ')}`,
      `set golden:s "Sam Lee"`,
      `set golden:b "\\xff\\x00a"`,
      `rpush golden:l 1 two 三 ""`,
      `hset golden:h name Sam age 16 city 北京`,
      `zadd golden:z 1 a 2.5 b 10 c`,
      `xadd golden:x 1-1 f v`,
      `xadd golden:x 1-2 f w g x`,
    ].join('\n'));
  });
  afterAll(async () => {
    await setup(kv, `del ${keys.join(' ')}`).catch(() => {});
    await kv.close();
  });

  test('a string', () => golden(kv, 'string', 'get golden:s'));
  test('binary bytes', () => golden(kv, 'binary', 'get golden:b'));
  test('an integer', () => golden(kv, 'integer', 'strlen golden:s'));
  test('nil', () => golden(kv, 'nil', 'get golden:missing'));
  test('a status reply', () => golden(kv, 'status', 'set golden:t v'));
  test('a list', () => golden(kv, 'list', 'lrange golden:l 0 -1'));
  test('an empty list', () => golden(kv, 'empty-list', 'lrange golden:missing 0 -1'));
  test('a hash', () => golden(kv, 'hash', 'hgetall golden:h'));
  test('WITHSCORES', () => golden(kv, 'withscores', 'zrange golden:z 0 -1 withscores'));
  test('a double', () => golden(kv, 'double', 'zscore golden:z b'));
  test('nested arrays (a stream)', () => golden(kv, 'nested', 'xrange golden:x - +'));
  test('an error reply', () => golden(kv, 'error', 'lpush golden:s x'));
});

describe('doc', () => {
  let server: Awaited<ReturnType<typeof mongoTestUrl>>;
  let doc: Engine;
  const db = uniqueName('golden');
  beforeAll(async () => {
    server = await mongoTestUrl();
    const url = mongoDatabaseUrl(server.url, db);
    doc = await connect('doc', url);
    await setup(doc, `db.people.insertMany([
      {_id: 1, name: 'Sam', age: 16, tags: ['a', 'b'], address: {city: '北京', zip: null, geo: [1.5, -2]},
       at: ISODate('2018-08-15T20:53:20Z'), price: NumberDecimal('12.50'), big: NumberLong('9007199254740993'),
       ref: ObjectId('5f1d7a3e8b3c4a2b9c0d1e2f')},
      {_id: 2, name: 'Lee', extra: true, scores: [{k: 'x', v: 1}, {k: 'y', v: null}]}
    ])`);
  });
  afterAll(async () => {
    await setup(doc, 'db.dropDatabase()').catch(() => {});
    await doc.close();
    await server.stop();
  });

  test('documents with nested values', () => golden(doc, 'find', 'db.people.find().sort({_id: 1})'));
  test('one document', () => golden(doc, 'find-one', 'db.people.findOne({_id: 1})'));
  test('no document', () => golden(doc, 'find-one-none', 'db.people.findOne({_id: 99})'));
  test('a write result', () => golden(doc, 'update', "db.people.updateOne({_id: 2}, {$set: {name: 'Lee'}})"));
  test('a count', () => golden(doc, 'count', 'db.people.countDocuments()'));
  test('a parse error', () => golden(doc, 'parse-error', 'db.people.find({a: })'));
});
