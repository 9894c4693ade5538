import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { batchable, batchLength } from '../../src/engines/mysql/mysql-batch.js';
import { splitSql } from '../../src/engines/mysql/sql-splitter.js';

describe('which statements share a multi-statement query', () => {
  const cases: [text: string, expected: boolean][] = [
    ["insert into t values (1, 'a')", true],
    ['INSERT INTO t SELECT * FROM u', true],
    ['update t set a = 1 where id = 2', true],
    ['delete from t where id = 3', true],
    ['replace into t values (1)', true],
    // more than one result, or a result set
    ['call p()', false],
    ['select 1', false],
    ['insert into t values (1) returning id', false],
    ['delete from t returning *', false],
    // a DELIMITER chunk of several statements
    ['insert into t values (1); insert into t values (2)', false],
    // changes how the rest is read or where it goes
    ["set sql_mode = 'NO_BACKSLASH_ESCAPES'", false],
    ['update t set m = @@sql_mode', false],
    ['use other', false],
    ['create table t(a int)', false],
    ['start transaction', false],
    ['commit', false],
    ['show warnings', false],
    ['inserted', false],
  ];
  test.each(cases)('%s → %s', (text, expected) => {
    assert.equal(batchable({ text, line: 1 }), expected);
  });

  test('placeholders are bound per statement: never batched', () => {
    assert.equal(batchable({ text: 'insert into t values (?)', line: 1, params: [1] }), false);
    assert.equal(batchable({ text: 'insert into t values (?)', line: 1, paramRows: [[1], [2]] }), false);
  });
});

describe('how many statements one query takes', () => {
  const script = splitSql('insert into t values (1); insert into t values (2); select 1; insert into t values (3); delete from t; update t set a = 1;');
  test('a run of batchable statements, up to the next other one', () => {
    assert.equal(batchLength(script, 0), 2);
    assert.equal(batchLength(script, 3), 3);
  });
  test('a statement alone, or one that cannot share, goes by itself (0)', () => {
    assert.equal(batchLength(script, 2), 0);
    assert.equal(batchLength(script, 5), 0);
  });
  test('bounded by statements and bytes', () => {
    const many = splitSql('insert into t values (1);\n'.repeat(5000));
    assert.equal(batchLength(many, 0), 2000);
    const wide = splitSql(`insert into t values ('${'x'.repeat(40_000)}');\n`.repeat(3));
    assert.equal(batchLength(wide, 0), 0);
    const big = splitSql(`insert into t values ('${'x'.repeat(20_000)}');\n`.repeat(5));
    assert.equal(batchLength(big, 0), 3);
  });
});
