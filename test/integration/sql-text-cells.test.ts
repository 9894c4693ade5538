/**
 * csv and tsv of sql rows read as bytes (RowsResult.cells, src/engines/mysql/mysql-text-cells.ts and
 * src/output/delimited-bytes.ts) print exactly what the rows read as values print: each script runs twice on the
 * suite's MariaDB through the one-shot runner (runStatements), once as it is and once with `cells` taken out of
 * every result, and stdout and stderr must be the same bytes — every column type, tricky values, several result
 * sets, errors in the middle of the rows, warnings, --force.
 */
import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import type { Engine, Result } from '../../src/engines/engine.js';
import { loadEngine } from '../../src/engines/index.js';
import { runStatements } from '../../src/commands/run-statements.js';
import type { Deps } from '../../src/runner/deps.js';
import type { GlobalOptions } from '../../src/runner/options.js';
import type { Session } from '../../src/runner/session.js';
import { createTestDatabase, type TestDatabase } from '../support/sql-database.js';

process.env.TZ = 'UTC';

let database: TestDatabase;

class Capture extends Writable {
  readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    cb();
  }
  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** the results, with or without `cells` (without: as an engine that has none gives them, the writers read values) */
function counted(result: Result | undefined, keep: boolean, seen: { cells: number }): Result | undefined {
  if (!result || result.kind === 'value') return result;
  const following = result.following;
  const next = following && (async () => counted(await following(), keep, seen));
  if (result.kind === 'status') return { ...result, following: next };
  const { cells, ...rest } = result;
  if (cells) seen.cells++;
  return keep && cells ? { ...rest, cells, following: next } : { ...rest, following: next };
}

interface Run {
  stdout: Buffer;
  stderr: string;
  exitCode: number;
  /** result sets that came with cells (a CALL's later ones included) */
  cells: number;
}

async function run(script: string, format: 'csv' | 'tsv', bytes: boolean, extra: Partial<GlobalOptions> = {}, url = database.url): Promise<Run> {
  const { createEngine } = await loadEngine('sql');
  const inner = createEngine({ profile: 't', endpoint: url, connectTimeoutMs: 10_000, readonly: false, verbose: () => {}, warn: () => {} });
  const seen = { cells: 0 };
  const engine = new Proxy(inner, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (prop === 'execute') return async (stmt: Parameters<Engine['execute']>[0]) => counted(await target.execute(stmt), bytes, seen)!;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  const out = new Capture();
  const err = new Capture();
  const deps = {
    argv: [], env: {}, cwd: process.cwd(), stdin: new PassThrough(), stdout: out, stderr: err, onInterrupt: () => () => {},
  } as unknown as Deps;
  const opts: GlobalOptions = {
    format, color: false, errorColor: false, yes: true, force: false, transaction: false, param: [], quiet: false, verbose: false, pager: false,
    ...extra,
  };
  const session = { engine, profileName: 't', safety: 'off', profile: {} } as unknown as Session;
  const outcome = await runStatements(session, engine.split(script), opts, deps);
  return { stdout: out.bytes, stderr: err.bytes.toString('utf8').replace(/\(\d+\.\d\d sec\)/g, '(N sec)'), exitCode: outcome.exitCode, cells: seen.cells };
}

/** Both ways, in both formats: the same bytes. Returns the byte runs (tsv, csv) for further checks. */
async function same(script: string, extra: Partial<GlobalOptions> = {}, url?: string): Promise<{ tsv: Run; csv: Run }> {
  const runs: Record<string, Run> = {};
  for (const format of ['tsv', 'csv'] as const) {
    const fast = await run(script, format, true, extra, url);
    const general = await run(script, format, false, extra, url);
    assert.equal(fast.stderr, general.stderr, `${format} stderr`);
    assert.equal(fast.exitCode, general.exitCode, `${format} exit code`);
    if (!fast.stdout.equals(general.stdout)) {
      assert.equal(fast.stdout.toString('latin1'), general.stdout.toString('latin1'), `${format} stdout`);
    }
    runs[format] = fast;
  }
  return runs as { tsv: Run; csv: Run };
}

const SAFE = `ti, si, mi, i, bi, ub, b1, de, dz, fl, db, f85, d, dt, ts, tm, y, c, vc, tt, tx, mt, lt, en, st, l1, u3, js, i6, uu`;

beforeAll(async () => {
  database = await createTestDatabase('dbx_cells');
  const a = database.admin;
  await a.query(`USE \`${database.name}\``);
  await a.query(`create table t (
    id int primary key,
    ti tinyint, si smallint, mi mediumint, i int, bi bigint, ub bigint unsigned, b1 tinyint(1),
    de decimal(30,10), dz decimal(8,2) zerofill, fl float, db double, f85 float(8,5),
    d date, dt datetime(6), ts timestamp(3) null default null, tm time(6), y year,
    c char(10), vc varchar(300), tt tinytext, tx text, mt mediumtext, lt longtext,
    en enum('a','b c','ü'), st set('x','y','z'), l1 varchar(20) charset latin1, u3 varchar(20) charset utf8mb3,
    js json, i6 inet6, uu uuid,
    bn binary(4), vb varbinary(10), bl blob, bt bit(5), g point, iz int(5) zerofill
  ) charset utf8mb4`);
  await a.query(`insert into t (id) values (1)`);
  await a.query(
    `insert into t values (2, -128, -32768, -8388608, -2147483648, -9223372036854775808, 18446744073709551615, 1,
      -12345678901234567890.0123456789, 12.5, 1e15, 0.00000015, 121,
      '1000-01-01', '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07.123', '-838:59:59.000000', 1901,
      'a\tb', 'x\ty\nz\rw\\\\v\0u', 'NULL', '"quoted", comma', 'é王😀', '\\\\N', 'b c', 'x,z', 'Grüße', 'é€',
      '{"id": 12345678901234567890, "s": "a\\\\tb"}', '::1', '123e4567-e89b-12d3-a456-426614174000',
      'ab', x'00ff', x'0009', b'10101', ST_GeomFromText('POINT(1 2)'), 42)`,
  );
  await a.query(
    `insert into t values (3, 127, 32767, 8388607, 2147483647, 9223372036854775807, 9007199254740993, 0,
      0, 0, -3.4e38, 1.7976931348623157e308, -0.5,
      '2024-02-29', '2024-02-29 00:00:00', null, '00:00:00', 2155,
      '', '', '', '', '', '', 'a', '', '', '', '[]', '::ffff:1.2.3.4', '00000000-0000-0000-0000-000000000000',
      '', '', '', b'0', null, 0)`,
  );
  // cells whose length takes 2 and 3 bytes, with every special byte and non-ASCII text in them
  await a.query(
    `insert into t (id, vc, tx, mt, lt) values (4, repeat('é', 300), concat(repeat('a,b"c', 60), '\t\\\\'),
      repeat('王\n', 30000), concat(repeat(concat('x', char(0), 'y', char(9), '"', char(13), char(10), 'ü'), 20000), '\\\\'))`,
  );
  await a.query(`create procedure p_sets() begin select 1 as one, 'a\tb' as two; select id, vc from t where id = 2; end`);
  await a.query(`create procedure p_fails() begin select id, c from t order by id; signal sqlstate '45000' set message_text = 'after the rows'; end`);
  await a.query(`create function f_mid(x int) returns int deterministic begin if x > 4000 then signal sqlstate '45000' set message_text = 'in the middle'; end if; return x; end`);
});

afterAll(async () => {
  await database?.drop();
});

describe('csv and tsv from bytes: the same output as from values', () => {
  test('every column type whose text is its bytes, with NULLs, specials, non-ASCII, long cells', async () => {
    const { tsv, csv } = await same(`select id, ${SAFE} from t order by id`);
    assert.equal(tsv.cells, 1, 'the rows were read as bytes');
    assert.equal(csv.cells, 1);
    const lines = tsv.stdout.toString('utf8').split('\n');
    assert.equal(lines[0], `id\t${SAFE.split(', ').join('\t')}`);
    assert.match(lines[2]!, /\tx\\ty\\nz\\rw\\\\v\\0u\tNULL\t"quoted", comma\té王😀\t\\\\N\t/);
    assert.match(lines[1]!, /^1(\tNULL)+$/);
    assert.match(csv.stdout.toString('utf8'), /,"x\ty\nz\rw\\v\0u",NULL,"""quoted"", comma",é王😀,\\N,/);
  });

  test('binary, BIT, GEOMETRY, ZEROFILL and NULL-typed columns: read as values', async () => {
    const { tsv } = await same('select * from t order by id; select bn, id from t; select iz from t; select null as n, 1 as one');
    assert.equal(tsv.cells, 0);
    await same("select id, vb, bt from t order by id; select g from t; select hex(g) from t");
  });

  test('other character sets: a latin1 connection, character_set_results NULL (the columns\' own sets)', async () => {
    const script = `select id, vc, l1, u3, de from t order by id; set character_set_results = NULL; select id, vc, l1, u3 from t order by id`;
    const latin1 = await same(script, {}, `${database.url}?charset=latin1`);
    assert.equal(latin1.tsv.cells, 0, 'strings in latin1 are read as values');
    const utf8 = await same(script);
    // after character_set_results = NULL the latin1 column comes in latin1 (decoded by the driver): read as values
    assert.equal(utf8.tsv.cells, 1, 'the first set only');
    assert.equal(utf8.tsv.stdout.toString('utf8').match(/\tGrüße\t/g)?.length, 2);
  });

  test('several result sets: a DELIMITER chunk, a CALL, repeated names, an empty set', async () => {
    const { tsv } = await same(
      "DELIMITER //\nselect 1 as a, 'x\\ty' as b; select null as n, '' as e//\nDELIMITER ;\n" +
        'call p_sets();\nselect 1 as a, 2 as a, 3 as a_2;\nselect id, vc from t where id < 0;\n',
    );
    assert.ok(tsv.cells >= 3);
  });

  test('an error after rows: a CALL that fails after its SELECT, a function that fails in the middle of the rows', async () => {
    const { tsv } = await same('call p_fails()');
    assert.notEqual(tsv.exitCode, 0);
    const mid = await same('select seq, f_mid(seq) as v, concat(seq, char(9)) as t from seq_1_to_5000');
    assert.match(mid.tsv.stderr, /in the middle/);
    assert.ok(mid.tsv.stdout.length > 0, 'rows came before the error');
  });

  test('warnings, status lines, --force past a failing statement, and without it', async () => {
    const script = "select 1/0 as z, 'a' + 1 as w;\ndo 1;\nselect * from t_missing;\nselect 'after' as b, seq from seq_1_to_3;\n";
    const forced = await same(script, { force: true });
    assert.match(forced.tsv.stderr, /1 row in set, 2 warnings/);
    assert.match(forced.tsv.stdout.toString(), /after\t3/);
    const stopped = await same(script);
    assert.doesNotMatch(stopped.tsv.stdout.toString(), /after/);
  });

  test('many rows: groups of every size, the connection paused and resumed', async () => {
    const { tsv } = await same("select seq, concat('r', seq, if(seq % 7 = 0, '\\t', '')), seq / 3, if(seq % 5 = 0, null, seq) from seq_1_to_60000");
    assert.equal(tsv.cells, 1);
    assert.match(tsv.stderr, /60000 rows in set/);
  });
});
