import { EventEmitter } from 'node:events';
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import type { Result, RowsResult, ValueCodec } from '../../src/engines/engine.js';
import { rowsInSet, queryOk } from '../../src/engines/mysql/mysql-status.js';
import { createWriter, type FormatName, type OutputSettings } from '../../src/output/writers.js';
import { DbxError } from '../../src/errors.js';
import { loadColor } from '../../src/text/color.js';

/** A stream stand-in that keeps what it was given. */
class BufferSink extends EventEmitter {
  chunks: string[] = [];
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return true;
  }
  get text(): string {
    return this.chunks.join('');
  }
}

const sqlCodec: ValueCodec = {
  text: (v) => (v === null ? 'NULL' : String(v)),
  json: (v) => (typeof v === 'bigint' ? v.toString() : v),
};
const docCodec: ValueCodec = {
  text: (v) => (typeof v === 'object' && v !== null ? JSON.stringify(v).replace(/"(\w+)":/g, '$1: ') : String(v)),
  json: (v) => v,
};
const kvCodec: ValueCodec = {
  text: (v) => (v === null ? '' : String(v)),
  json: (v) => v,
  display: (v) => (v === null ? '(nil)' : typeof v === 'number' ? `(integer) ${v}` : `"${String(v)}"`),
  raw: (v) => (v === null ? '' : `raw:${String(v)}`),
};

async function* rowsOf<T>(rows: Iterable<T>): AsyncGenerator<T> {
  for (const row of rows) yield row;
}

async function run(
  format: FormatName,
  results: Result[],
  options: Partial<OutputSettings> & { vertical?: boolean } = {},
): Promise<{ out: string; err: string; counts: number[]; chunks: number }> {
  const out = new BufferSink();
  const err = new BufferSink();
  const writer = createWriter(
    { format, color: options.color ?? false, quiet: options.quiet ?? false },
    out as unknown as NodeJS.WritableStream,
    err as unknown as NodeJS.WritableStream,
  );
  const counts: number[] = [];
  for (const result of results) counts.push(await writer.write(result, { seconds: () => 0.001, vertical: options.vertical }));
  return { out: out.text, err: err.text, counts, chunks: out.chunks.length };
}

// a sql result set: CJK column name and text, numbers, NULL, a newline inside a cell
const sqlRows = (): RowsResult => ({
  kind: 'rows',
  columns: ['学号', 'name', 'score', 'note'],
  rows: rowsOf([
    { 学号: 1, name: '张三', score: 90.5, note: null },
    { 学号: 12, name: 'Sam Lee', score: null, note: 'line1\nline2' },
  ]),
  codec: sqlCodec,
  summary: rowsInSet,
});
const emptySql = (): RowsResult => ({ kind: 'rows', columns: ['id', 'name'], rows: rowsOf([]), codec: sqlCodec, summary: rowsInSet });
const docRows = (): RowsResult => ({
  kind: 'rows',
  rows: rowsOf<Record<string, unknown>>([
    { name: 'Ann', _id: 1 },
    { _id: 2, name: 'Bob', tags: ['x', 'y'] },
    { _id: 3, age: 7 },
  ]),
  codec: docCodec,
});
const listRows = (): RowsResult => ({
  kind: 'rows',
  columns: ['value'],
  rows: rowsOf([{ value: 'c' }, { value: 'b b' }, { value: 'a' }]),
  shape: 'values',
  headless: true,
  codec: kvCodec,
});
const hashRows = (): RowsResult => ({
  kind: 'rows',
  columns: ['field', 'value'],
  rows: rowsOf([{ field: 'name', value: 'Sam' }, { field: 'age', value: '30' }]),
  shape: 'map',
  codec: kvCodec,
});
const okStatus = (): Result => ({
  kind: 'status',
  info: { affectedRows: 1, insertId: 5, warnings: 1 },
  message: (s) => queryOk(1, s),
  warnings: ["Warning (Code 1366): Incorrect integer value: 'x' for column 'id' at row 1"],
});

describe('table', () => {
  test('sql rows: box, NULL, numbers right-aligned, CJK aligned, newline escaped, summary on stderr', async () => {
    const { out, err, counts } = await run('table', [sqlRows()]);
    assert.equal(
      out,
      `+------+---------+-------+--------------+
| 学号 | name    | score | note         |
+------+---------+-------+--------------+
|    1 | 张三    |  90.5 | NULL         |
|   12 | Sam Lee |  NULL | line1\\nline2 |
+------+---------+-------+--------------+
`,
    );
    assert.equal(err, '2 rows in set (0.00 sec)\n');
    assert.deepEqual(counts, [2]);
  });

  test('an empty result set prints nothing on stdout and "Empty set" on stderr', async () => {
    const { out, err } = await run('table', [emptySql()]);
    assert.equal(out, '');
    assert.equal(err, 'Empty set (0.00 sec)\n');
  });

  test('documents: union of keys with _id first, missing keys blank', async () => {
    const { out, err } = await run('table', [docRows()]);
    assert.equal(
      out,
      `+-----+------+-----------+-----+
| _id | name | tags      | age |
+-----+------+-----------+-----+
|   1 | Ann  |           |     |
|   2 | Bob  | ["x","y"] |     |
|   3 |      |           |   7 |
+-----+------+-----------+-----+
`,
    );
    assert.equal(err, '');
  });

  test('documents: no rows and no columns print nothing', async () => {
    const { out, err } = await run('table', [{ kind: 'rows', rows: rowsOf([]), codec: docCodec }]);
    assert.equal(out + err, '');
  });

  test('headless one-column list and a two-column hash', async () => {
    const { out } = await run('table', [listRows(), hashRows()]);
    assert.equal(
      out,
      `+-----+
| c   |
| b b |
| a   |
+-----+
+-------+-------+
| field | value |
+-------+-------+
| name  | Sam   |
| age   | 30    |
+-------+-------+
`,
    );
  });

  test('a value prints as the engine displays it; a status goes to stderr with its warnings', async () => {
    const { out, err, counts } = await run('table', [
      { kind: 'value', value: 'Sam', codec: kvCodec },
      { kind: 'value', value: 5, codec: kvCodec },
      { kind: 'value', value: null, codec: sqlCodec },
      okStatus(),
    ]);
    assert.equal(out, '"Sam"\n(integer) 5\nNULL\n');
    assert.equal(
      err,
      "Query OK, 1 row affected (0.00 sec)\nWarning (Code 1366): Incorrect integer value: 'x' for column 'id' at row 1\n",
    );
    assert.deepEqual(counts, [1, 1, 1, 0]);
  });

  test('--quiet drops status lines, summaries and warnings but keeps the data', async () => {
    const { out, err } = await run('table', [sqlRows(), okStatus()], { quiet: true });
    assert.match(out, /Sam Lee/);
    assert.equal(err, '');
  });

  test('colour makes the header bold, and only when asked', async () => {
    await loadColor();
    const colored = await run('table', [sqlRows()], { color: true });
    assert.match(colored.out, /\| \x1b\[1m学号\x1b\[22m \| \x1b\[1mname   \x1b\[22m \|/);
    const plain = await run('table', [sqlRows()]);
    assert.doesNotMatch(plain.out, /\x1b/);
  });

  test('rows after the first 1000 keep the widths; a wider cell widens only its own line', async () => {
    const rows = Array.from({ length: 1001 }, (_, i) => ({ id: i, name: i === 1000 ? 'a much longer name' : 'n' }));
    const { out } = await run('table', [{ kind: 'rows', columns: ['id', 'name'], rows: rowsOf(rows), codec: sqlCodec }]);
    const lines = out.trimEnd().split('\n');
    assert.equal(lines[0], '+-----+------+');
    assert.equal(lines[4], '|   1 | n    |');
    assert.equal(lines.at(-2), '| 1000 | a much longer name |');
    assert.equal(lines.at(-1), '+-----+------+');
    assert.equal(lines.length, 1001 + 4);
  });

  test('a document field first seen after the window starts a new box with the wider header', async () => {
    const rows: Record<string, unknown>[] = Array.from({ length: 1000 }, (_, i) => ({ _id: i }));
    rows.push({ _id: 1000, extra: 'x' }, { _id: 1001 });
    const { out } = await run('table', [{ kind: 'rows', rows: rowsOf(rows), codec: docCodec }]);
    assert.ok(
      out.endsWith(`| 999 |
+-----+
+------+-------+
| _id  | extra |
+------+-------+
| 1000 | x     |
| 1001 |       |
+------+-------+
`),
    );
  });
});

describe('vertical', () => {
  const expected = `*************************** 1. row ***************************
 学号: 1
 name: 张三
score: 90.5
 note: NULL
*************************** 2. row ***************************
 学号: 12
 name: Sam Lee
score: NULL
 note: line1
line2
`;

  test('one block per row, names right-aligned, values as they are', async () => {
    const { out, err } = await run('vertical', [sqlRows()]);
    assert.equal(out, expected);
    assert.equal(err, '2 rows in set (0.00 sec)\n');
  });

  test('the table format prints vertically when the statement ended with \\G', async () => {
    assert.equal((await run('table', [sqlRows()], { vertical: true })).out, expected);
  });

  test('documents show their own fields, _id first', async () => {
    const { out } = await run('vertical', [docRows()]);
    assert.equal(
      out,
      `*************************** 1. row ***************************
 _id: 1
name: Ann
*************************** 2. row ***************************
 _id: 2
name: Bob
tags: ["x","y"]
*************************** 3. row ***************************
_id: 3
age: 7
`,
    );
  });
});

describe('json', () => {
  test('each result is one JSON value on one line; keys keep the column order', async () => {
    const { out, err, counts } = await run('json', [
      sqlRows(),
      emptySql(),
      docRows(),
      listRows(),
      hashRows(),
      { kind: 'rows', columns: ['field', 'value'], rows: rowsOf([]), shape: 'map', codec: kvCodec },
      { kind: 'value', value: 'Sam', codec: kvCodec },
      { kind: 'value', value: undefined, codec: { text: String, json: () => undefined } },
      okStatus(),
    ]);
    assert.equal(
      out,
      [
        '[{"学号":1,"name":"张三","score":90.5,"note":null},{"学号":12,"name":"Sam Lee","score":null,"note":"line1\\nline2"}]',
        '[]',
        '[{"name":"Ann","_id":1},{"_id":2,"name":"Bob","tags":["x","y"]},{"_id":3,"age":7}]',
        '["c","b b","a"]',
        '{"name":"Sam","age":"30"}',
        '{}',
        '"Sam"',
        'null',
        '{"affectedRows":1,"insertId":5,"warnings":1}',
      ].join('\n') + '\n',
    );
    // no status lines or summaries in JSON mode, but server warnings still reach stderr
    assert.equal(err, "Warning (Code 1366): Incorrect integer value: 'x' for column 'id' at row 1\n");
    assert.deepEqual(counts, [2, 0, 3, 3, 2, 0, 1, 1, 0]);
  });

  test('a bigint a codec lets through becomes a string; a column named __proto__ stays a key', async () => {
    const row: Record<string, unknown> = JSON.parse('{"__proto__":1,"n":0}');
    row.n = 2n ** 64n;
    const codec: ValueCodec = { text: String, json: (v) => v };
    const { out } = await run('json', [{ kind: 'rows', columns: ['__proto__', 'n'], rows: rowsOf([row]), codec }]);
    assert.equal(out, '[{"__proto__":1,"n":"18446744073709551616"}]\n');
  });
});

describe('ndjson', () => {
  test('one row, element or status per line', async () => {
    const { out, err, counts } = await run('ndjson', [
      sqlRows(),
      docRows(),
      listRows(),
      hashRows(),
      { kind: 'value', value: ['a', 1], codec: kvCodec },
      { kind: 'value', value: { ok: 1 }, codec: docCodec },
      okStatus(),
    ]);
    assert.equal(
      out,
      `{"学号":1,"name":"张三","score":90.5,"note":null}
{"学号":12,"name":"Sam Lee","score":null,"note":"line1\\nline2"}
{"name":"Ann","_id":1}
{"_id":2,"name":"Bob","tags":["x","y"]}
{"_id":3,"age":7}
"c"
"b b"
"a"
{"field":"name","value":"Sam"}
{"field":"age","value":"30"}
"a"
1
{"ok":1}
{"affectedRows":1,"insertId":5,"warnings":1}
`,
    );
    assert.equal(err, "Warning (Code 1366): Incorrect integer value: 'x' for column 'id' at row 1\n");
    assert.deepEqual(counts, [2, 3, 3, 2, 2, 1, 0]);
  });
});

describe('csv and tsv', () => {
  const awkward = (): RowsResult => ({
    kind: 'rows',
    columns: ['id', 'text, with comma'],
    rows: rowsOf([
      { id: 1, 'text, with comma': 'plain' },
      { id: 2, 'text, with comma': 'say "hi", then\nleave' },
      { id: 3, 'text, with comma': 'tab\there \\ back\rslash' },
      { id: 4, 'text, with comma': null },
    ]),
    codec: sqlCodec,
    summary: rowsInSet,
  });

  test('csv: header, RFC 4180 quoting, LF line ends, summary on stderr', async () => {
    const { out, err } = await run('csv', [awkward()]);
    assert.equal(
      out,
      `id,"text, with comma"
1,plain
2,"say ""hi"", then
leave"
3,"tab\there \\ back\rslash"
4,
`,
    );
    assert.equal(err, '4 rows in set (0.00 sec)\n');
  });

  test("csv: NULL is an empty field, the empty string is \"\", the string 'NULL' stays text; tsv keeps the mysql client's NULL", async () => {
    const nulls = (): RowsResult => ({
      kind: 'rows',
      columns: ['a', 'b', 'c'],
      rows: rowsOf([{ a: null, b: '', c: 'NULL' }]),
      codec: sqlCodec,
    });
    assert.equal((await run('csv', [nulls()])).out, 'a,b,c\n,"",NULL\n');
    assert.equal((await run('tsv', [nulls()])).out, 'a\tb\tc\nNULL\t\tNULL\n');
    assert.equal((await run('csv', [{ kind: 'value', value: null, codec: kvCodec }])).out, 'value\n\n');
  });

  test('tsv: mysql --batch escaping of tab, newline, CR and backslash', async () => {
    const { out } = await run('tsv', [awkward()]);
    assert.equal(
      out,
      `id\ttext, with comma
1\tplain
2\tsay "hi", then\\nleave
3\ttab\\there \\\\ back\\rslash
4\tNULL
`,
    );
  });

  test('documents: union header with _id first, missing fields empty; an empty result has no header', async () => {
    const { out } = await run('csv', [docRows(), { kind: 'rows', rows: rowsOf([]), codec: docCodec }]);
    assert.equal(out, `_id,name,tags,age\n1,Ann,,\n2,Bob,"[""x"",""y""]",\n3,,,7\n`);
  });

  test('declared columns with no rows still give the header line', async () => {
    assert.equal((await run('csv', [emptySql()])).out, 'id,name\n');
  });

  test('lists and hashes; a value is one "value" column, an array one row per element', async () => {
    const { out, counts } = await run('csv', [
      listRows(),
      hashRows(),
      { kind: 'value', value: 'Sam Lee', codec: kvCodec },
      { kind: 'value', value: ['a', 'b,c'], codec: kvCodec },
    ]);
    assert.equal(out, 'value\nc\nb b\na\nfield,value\nname,Sam\nage,30\nvalue\nSam Lee\nvalue\na\n"b,c"\n');
    assert.deepEqual(counts, [3, 2, 1, 2]);
  });

  test('a status prints nothing on stdout and its message on stderr', async () => {
    const { out, err } = await run('tsv', [okStatus()]);
    assert.equal(out, '');
    assert.match(err, /^Query OK, 1 row affected \(0\.00 sec\)\nWarning \(Code 1366\)/);
  });

  test('a document field first seen after the header window is reported, not silently lost', async () => {
    const rows: Record<string, unknown>[] = Array.from({ length: 1000 }, (_, i) => ({ _id: i }));
    rows.push({ _id: 1000, late: 'x' });
    const { out, err } = await run('csv', [{ kind: 'rows', rows: rowsOf(rows), codec: docCodec }]);
    assert.ok(out.startsWith('_id\n0\n1\n'));
    assert.ok(out.endsWith('999\n1000\n'));
    assert.match(err, /not in the header.*: late\n$/);
  });
});

describe('raw', () => {
  test('values bare, rows tab-separated without header, lists one per line, hashes field and value on separate lines', async () => {
    const { out, err } = await run('raw', [
      { kind: 'value', value: 'Sam', codec: kvCodec },
      { kind: 'value', value: 'x', codec: sqlCodec },
      listRows(),
      hashRows(),
      sqlRows(),
    ]);
    assert.equal(
      out,
      `raw:Sam
x
raw:c
raw:b b
raw:a
raw:name
raw:Sam
raw:age
raw:30
1\t张三\t90.5\tNULL
12\tSam Lee\tNULL\tline1
line2
`,
    );
    assert.equal(err, '2 rows in set (0.00 sec)\n');
  });
});

test('an unknown format is a usage error', () => {
  assert.throws(
    () => createWriter({ format: 'xml' as FormatName, color: false, quiet: false }, process.stdout, process.stderr),
    (e: unknown) => e instanceof DbxError && e.exitCode === 2,
  );
});
