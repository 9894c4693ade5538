import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { bindValues, placeholders, textParamHint } from '../../src/engines/mysql/sql-placeholders.js';
import { UsageError } from '../../src/errors.js';

describe('placeholders', () => {
  test('? outside quotes and comments', () => {
    assert.deepEqual(placeholders('select ?, ?'), { text: 'select ?, ?', count: 2 });
    assert.equal(placeholders(`select 'why?', "a\\"?", \`c?\`, ? -- what?\n/* ? */ #?\n`).count, 1);
    assert.equal(placeholders('select ?? from t where id = ?').count, 2);
    assert.equal(placeholders('select 1 /*! + ? */').count, 1);
  });

  test("pymysql's %s becomes ?, never inside a string", () => {
    assert.deepEqual(placeholders("insert into t values (%s, '%s', \"100%s\") -- %s"), {
      text: "insert into t values (?, '%s', \"100%s\") -- %s",
      count: 1,
    });
    assert.deepEqual(placeholders("select 'what?', %s"), { text: "select 'what?', ?", count: 1 });
    // ? placeholders win: %s is then left alone
    assert.deepEqual(placeholders("select ? like '%s'"), { text: "select ? like '%s'", count: 1 });
  });
});

describe('bindValues', () => {
  const stmts = (...texts: string[]) => texts.map((text, i) => ({ text, line: i + 1 }));

  test('values go to the statements that have placeholders', () => {
    const out = bindValues(stmts('use test', 'insert into t values (?, ?)'), { paramRows: [[1, 'a'], [2, 'b']] });
    assert.equal(out[0]!.paramRows, undefined);
    assert.deepEqual(out[1]!.paramRows, [[1, 'a'], [2, 'b']]);
  });

  test('a count that does not match is a usage error naming the line', () => {
    assert.throws(() => bindValues(stmts('select ?, ?'), { params: ['1'] }), (e) => e instanceof UsageError && /line 1 has 2 placeholders but 1 value given/.test(e.message));
    assert.throws(() => bindValues(stmts('select 1', 'select ?'), { paramRows: [[1], [2, 3]] }), /line 2 has 1 placeholder but row 2 of --params has 2 values/);
    assert.throws(() => bindValues(stmts('select ?'), { params: [] }), /1 placeholder but 0 values given/);
  });

  test('a JSON object binds as its JSON text; arrays stay lists for the driver', () => {
    const [stmt] = bindValues(stmts('insert into t values (?, ?)'), { params: [{ a: [1] }, [1, 2]] });
    assert.deepEqual(stmt!.params, ['{"a":[1]}', [1, 2]]);
  });

  test('values for a statement without placeholders are an error, no values are not', () => {
    assert.throws(() => bindValues(stmts('select 1'), { params: ['5'] }), /no \? placeholder/);
    assert.deepEqual(bindValues(stmts('select 1'), { params: [] }), stmts('select 1'));
  });
});

describe('textParamHint', () => {
  const message = "You have an error in your SQL syntax; … near ''2'' at line 1 (SQLSTATE 42000)";
  test('a number bound as text where SQL needs a number', () => {
    assert.match(textParamHint(message, ['2']) ?? '', /--params '\[2\]'/);
  });
  test('nothing to say otherwise', () => {
    assert.equal(textParamHint(message, [2]), undefined);
    assert.equal(textParamHint(message, ['x']), undefined);
    assert.equal(textParamHint("near 'frm t' at line 1", ['2']), undefined);
  });
});
