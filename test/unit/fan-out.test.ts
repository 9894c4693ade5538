/** Fan-out's pure parts: which profiles -p names, the lanes that keep output grouped, the tags, the summary. */
import { EventEmitter } from 'node:events';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { parseConfigText } from '../../src/config/config-parse.js';
import { globPattern, isMultiSelector, selectProfiles } from '../../src/config/profile-selection.js';
import type { Result, RowsResult, ValueCodec } from '../../src/engines/engine.js';
import { UsageError } from '../../src/errors.js';
import { createWriter, type FormatName } from '../../src/output/writers.js';
import { fanOutExitCode, summaryLine, type ProfileOutcome } from '../../src/runner/fan-out-summary.js';
import { OutputLanes } from '../../src/runner/output-lanes.js';

const config = parseConfigText(
  `profiles:
  shard1: { sql: "mysql://root@127.0.0.1/s1" }
  shard2: { sql: "mysql://root@127.0.0.1/s2" }
  shard10: { sql: "mysql://root@127.0.0.1/s10" }
  cache: { kv: "redis://127.0.0.1:6379/0" }
groups:
  shards: [ shard2, shard1 ]
  one: [ cache ]
`,
  { path: '/x/dbx.yaml', displayPath: 'dbx.yaml', builtin: false },
);

describe('-p: which profiles', () => {
  test('a list keeps the order given, each profile once; groups and globs expand in place', () => {
    assert.deepEqual(selectProfiles(config, 'cache,shards,shard1'), { names: ['cache', 'shard2', 'shard1'], fanOut: true });
    assert.deepEqual(selectProfiles(config, 'shard?'), { names: ['shard1', 'shard2'], fanOut: true });
    assert.deepEqual(selectProfiles(config, 'shard*'), { names: ['shard1', 'shard2', 'shard10'], fanOut: true });
    assert.deepEqual(selectProfiles(config, 'shard[!2]*'), { names: ['shard1', 'shard10'], fanOut: true });
  });

  test('one profile is no fan-out (no profile column); a group is, even of one', () => {
    assert.deepEqual(selectProfiles(config, 'cac*'), { names: ['cache'], fanOut: false });
    assert.deepEqual(selectProfiles(config, 'one'), { names: ['cache'], fanOut: true });
    assert.equal(isMultiSelector('shard1'), false);
    assert.equal(isMultiSelector('a,b'), true);
    assert.equal(isMultiSelector('s*'), true);
  });

  test('an unknown name, a glob matching nothing, an empty item: exit 2 before anything runs', () => {
    const fails = (value: string, message: RegExp) =>
      assert.throws(() => selectProfiles(config, value), (e: unknown) => e instanceof UsageError && e.exitCode === 2 && message.test(e.message));
    fails('shard1,shrad2', /unknown profile "shrad2" in dbx\.yaml .*did you mean shard2\?/);
    fails('db*', /no profile matches 'db\*'/);
    fails('shard1,', /an empty name/);
    // names that are Object.prototype's own are no profiles and no groups
    fails('shard1,constructor', /unknown profile "constructor"/);
    fails('__proto__,shard1', /unknown profile "__proto__"/);
  });

  test('glob syntax: only * ? [..] are special', () => {
    assert.ok(globPattern('a.b*').test('a.bc'));
    assert.ok(!globPattern('a.b*').test('axbc'));
    assert.ok(globPattern('[a-c]x').test('bx'));
    assert.ok(globPattern('x[').test('x['));
  });

  test('groups: a member that is no profile is an error naming the line when the group is used, not before', () => {
    const config = parseConfigText('profiles:\n  a: {}\n  c: {}\ngroups:\n  g: [a, bb]\n  h: [c]\n', { path: '/x', displayPath: 'x.yaml', builtin: false });
    assert.deepEqual(selectProfiles(config, 'h'), { names: ['c'], fanOut: true });
    assert.deepEqual(selectProfiles(config, 'a'), { names: ['a'], fanOut: false });
    assert.throws(() => selectProfiles(config, 'g'), /^UsageError: x\.yaml:5: groups\.g\[1\] names no profile: "bb"/);
  });

  test('groups: a group named like a profile, or not a map, is a config error naming the line', () => {
    const bad = (text: string) => () => parseConfigText(text, { path: '/x', displayPath: 'x.yaml', builtin: false });
    assert.throws(bad('profiles:\n  a: {}\ngroups:\n  a: [a]\n'), /x\.yaml:4: groups\.a has the name of a profile/);
    assert.throws(bad('profiles:\n  a: {}\ngroups: [a]\n'), /groups must be a map/);
  });
});

/** A stand-in for stdout/stderr that can say "not now" (backpressure) and drains later. */
class SlowSink extends EventEmitter {
  text = '';
  pending = 0;
  constructor(private readonly full = false) {
    super();
  }
  write(chunk: string | Uint8Array): boolean {
    this.text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (!this.full) return true;
    this.pending++;
    setImmediate(() => {
      this.pending--;
      if (this.pending === 0) this.emit('drain');
    });
    return false;
  }
}

describe('output lanes', () => {
  const real = (full = false) => {
    const both = new SlowSink(full);
    return { both, streams: { out: both as unknown as NodeJS.WritableStream, err: both as unknown as NodeJS.WritableStream } };
  };

  test('later lanes wait their turn, stdout and stderr in the order written; the head writes at once', async () => {
    const { both, streams } = real();
    const lanes = new OutputLanes(3, streams);
    const [a, b, c] = lanes.lanes;
    c!.out.write('c1\n');
    b!.out.write('b1\n');
    b!.err.write('b-status\n');
    a!.out.write('a1\n');
    await new Promise((r) => setImmediate(r));
    assert.equal(both.text, 'a1\n');
    c!.finish();
    b!.out.write('b2\n');
    b!.finish();
    assert.equal(both.text, 'a1\n');
    a!.out.write('a2\n');
    a!.finish();
    await lanes.drained();
    assert.equal(both.text, 'a1\na2\nb1\nb-status\nb2\nc1\n');
  });

  test('past the memory budget a lane spills to a file of its own, unlinked at once, and comes back whole', async () => {
    const { both, streams } = real(true);
    const before = readdirSync(tmpdir()).filter((n) => n.startsWith('dbx-fanout-')).length;
    const lanes = new OutputLanes(2, streams, { budget: 1000 });
    const [a, b] = lanes.lanes;
    let expected = '';
    for (let i = 0; i < 500; i++) {
      const line = `row ${i} ${'x'.repeat(i % 50)}\n`;
      expected += line;
      b!.out.write(line);
      if (i % 100 === 0) b!.err.write(`status ${i}\n`), (expected += `status ${i}\n`);
    }
    // the spill file is already gone from the directory: nothing is left behind, however the run ends
    assert.equal(readdirSync(tmpdir()).filter((n) => n.startsWith('dbx-fanout-')).length, before);
    b!.finish();
    a!.out.write('first\n');
    a!.finish();
    await lanes.drained();
    assert.equal(both.text, `first\n${expected}`);
  });

  test('the real streams get one listener per event however many lanes listen (no MaxListeners warning)', async () => {
    const { both, streams } = real();
    const lanes = new OutputLanes(30, streams);
    for (const lane of lanes.lanes) lane.out.on('error', () => {});
    assert.equal(both.listenerCount('error'), 2); // stdout's and stderr's forwarders (one stand-in for both here)
    lanes.lanes.forEach((l) => l.finish());
    await lanes.drained();
    assert.equal(both.listenerCount('error'), 0);
  });

  test('interleaved (ndjson): every lane writes as it goes', async () => {
    const { both, streams } = real();
    const lanes = new OutputLanes(2, streams, { interleave: true });
    await new Promise((r) => setImmediate(r));
    lanes.lanes[1]!.out.write('b\n');
    lanes.lanes[0]!.out.write('a\n');
    lanes.lanes.forEach((l) => l.finish());
    await lanes.drained();
    assert.equal(both.text, 'b\na\n');
  });
});

const sqlCodec: ValueCodec = { text: (v) => (v === null ? 'NULL' : String(v)), json: (v) => v };
const kvCodec: ValueCodec = {
  text: (v) => String(v),
  json: (v) => v,
  display: (v) => (typeof v === 'number' ? `(integer) ${v}` : `"${String(v)}"`),
};

async function* rowsOf<T>(rows: Iterable<T>): AsyncGenerator<T> {
  for (const row of rows) yield row;
}

const sqlRows = (rows: Record<string, unknown>[]): RowsResult => ({ kind: 'rows', columns: Object.keys(rows[0]!), rows: rowsOf(rows), codec: sqlCodec });
const docRows = (rows: Record<string, unknown>[]): RowsResult => ({ kind: 'rows', rows: rowsOf(rows), codec: sqlCodec });

/** Writes the results of each profile through its own lane, as fan-out does. */
async function fanOut(format: FormatName, perProfile: Array<[string, () => Result[]]>): Promise<{ out: string; err: string }> {
  const out = new SlowSink();
  const err = new SlowSink();
  const lanes = new OutputLanes(perProfile.length, { out: out as unknown as NodeJS.WritableStream, err: err as unknown as NodeJS.WritableStream });
  await Promise.all(
    perProfile.map(async ([profile, results], i) => {
      const lane = lanes.lanes[i]!;
      const writer = createWriter({ format, color: false, quiet: false, tag: profile }, lane.out as unknown as NodeJS.WritableStream, lane.err as unknown as NodeJS.WritableStream);
      for (const r of results()) await writer.write(r, { seconds: () => 0 });
      await writer.flush();
      lane.finish();
    }),
  );
  await lanes.drained();
  return { out: out.text, err: err.text };
}

describe('tagged output', () => {
  const counts: Array<[string, () => Result[]]> = [
    ['a', () => [sqlRows([{ n: 1 }, { n: 2 }])]],
    ['b', () => [sqlRows([{ n: 3 }])]],
  ];

  test('csv/tsv: a profile column first, and one header for one statement over every profile', async () => {
    assert.equal((await fanOut('csv', counts)).out, 'profile,n\na,1\na,2\nb,3\n');
    assert.equal((await fanOut('tsv', counts)).out, 'profile\tn\na\t1\na\t2\nb\t3\n');
  });

  test('json: "profile" first in each row, status object and value; ndjson likewise, a line each', async () => {
    const results: Array<[string, () => Result[]]> = [
      ['a', () => [sqlRows([{ n: 1, profile: 'mine' }]), { kind: 'status', info: { affectedRows: 1 }, message: () => 'Query OK' }, { kind: 'value', value: 'v', codec: kvCodec }]],
    ];
    assert.equal(
      (await fanOut('json', results)).out,
      '[{"profile":"a","n":1,"profile_2":"mine"}]\n{"profile":"a","affectedRows":1}\n{"profile":"a","value":"v"}\n',
    );
    assert.equal(
      (await fanOut('ndjson', results)).out,
      '{"profile":"a","n":1,"profile_2":"mine"}\n{"profile":"a","affectedRows":1}\n{"profile":"a","value":"v"}\n',
    );
  });

  test('json: a kv list or hash is one value, tagged whole', async () => {
    const list: RowsResult = { kind: 'rows', columns: ['value'], shape: 'values', headless: true, rows: rowsOf([{ value: 'x' }, { value: 'y' }]), codec: kvCodec };
    const hash: RowsResult = { kind: 'rows', columns: ['field', 'value'], shape: 'map', rows: rowsOf([{ field: 'f', value: 'v' }]), codec: kvCodec };
    assert.equal((await fanOut('json', [['a', () => [list, hash]]])).out, '{"profile":"a","value":["x","y"]}\n{"profile":"a","value":{"f":"v"}}\n');
  });

  test('table: a profile column first; a single value shows as the engine shows it; status lines name the profile', async () => {
    const { out, err } = await fanOut('table', [['a', () => [{ kind: 'value', value: 5, codec: kvCodec }, { kind: 'status', info: {}, message: () => 'Query OK, 1 row affected' }]]]);
    assert.equal(out, '+---------+-------------+\n| profile | value       |\n+---------+-------------+\n| a       | (integer) 5 |\n+---------+-------------+\n');
    assert.equal(err, 'a: Query OK, 1 row affected\n');
  });

  test("documents: profile first, then _id, then the union of keys; a document's own profile field kept apart", async () => {
    const { out } = await fanOut('vertical', [['a', () => [docRows([{ name: 'x', _id: 1, profile: 'p' }])]]]);
    assert.equal(out, '*************************** 1. row ***************************\n  profile: a\n      _id: 1\n     name: x\nprofile_2: p\n');
    const csv = await fanOut('csv', [['a', () => [docRows([{ name: 'x', _id: 1 }])]], ['b', () => [docRows([{ _id: 2, name: 'y' }])]]]);
    assert.equal(csv.out, 'profile,_id,name\na,1,x\nb,2,y\n');
  });
});

describe('summary and exit code', () => {
  const o = (profile: string, state: ProfileOutcome['state'], exitCode = 0, code?: string): ProfileOutcome => ({ profile, state, exitCode, code });

  test('the most severe outcome: 3 over 1 over 4; cancelled and not-run profiles do not count', () => {
    assert.equal(fanOutExitCode([o('a', 'ok'), o('b', 'ok')]), 0);
    assert.equal(fanOutExitCode([o('a', 'failed', 4), o('b', 'failed', 1)]), 1);
    assert.equal(fanOutExitCode([o('a', 'failed', 1), o('b', 'failed', 3), o('c', 'failed', 4)]), 3);
    assert.equal(fanOutExitCode([o('a', 'failed', 4), o('b', 'cancelled', 130), o('c', 'not run')]), 4);
  });

  test('one line: how many ok, which failed and why', () => {
    assert.equal(summaryLine([o('a', 'ok'), o('b', 'failed', 3, 'ECONNREFUSED'), o('c', 'ok')], false), '3 profiles: 2 ok, 1 failed (b: cannot connect)\n');
    assert.equal(
      summaryLine([o('a', 'failed', 1), o('b', 'cancelled', 130), o('c', 'not run')], false),
      '3 profiles: 0 ok, 1 failed (a: statement failed), 1 cancelled, 1 not run\n',
    );
    const json = JSON.parse(summaryLine([o('a', 'ok'), o('b', 'failed', 4, 'READ_ONLY')], true));
    assert.deepEqual(json.summary.results[1], { profile: 'b', outcome: 'failed', exitCode: 4, code: 'READ_ONLY' });
    assert.equal(json.summary.exitCode, 4);
  });
});
