import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { columnKeys } from '../../src/engines/mysql/mysql-result.js';
import { JsonText, parseJsonText, sqlCodec } from '../../src/engines/mysql/mysql-codec.js';

const keys = (...names: string[]) => columnKeys(names.map((name) => ({ name })));

describe('columnKeys', () => {
  test('distinct names stay as the server sent them', () => {
    assert.deepEqual(keys('id', 'name', 'Name'), ['id', 'name', 'Name']);
  });

  test('a repeated name gets a numbered suffix', () => {
    assert.deepEqual(keys('1', '1', '1'), ['1', '1_2', '1_3']);
  });

  test('a suffix never takes the name of another column', () => {
    assert.deepEqual(keys('a', 'a', 'a_2'), ['a', 'a_3', 'a_2']);
    assert.deepEqual(keys('a_2', 'a', 'a'), ['a_2', 'a', 'a_3']);
    assert.deepEqual(keys('a', 'a', 'a_2', 'a_3', 'a'), ['a', 'a_4', 'a_2', 'a_3', 'a_5']);
  });
});

describe('JSON columns', () => {
  test('--json parses the text; integers beyond 2^53 become strings instead of being rounded', () => {
    assert.deepEqual(parseJsonText('{"id": 12345678901234567890, "n": -9007199254740993, "x": 1.10, "s": "12345678901234567890"}'), {
      id: '12345678901234567890',
      n: '-9007199254740993',
      x: 1.1,
      s: '12345678901234567890',
    });
    assert.deepEqual(parseJsonText('[1, 2e400, "a\\"1\\"b", 9007199254740991]'), [1, Infinity, 'a"1"b', 9007199254740991]);
    assert.equal(parseJsonText('"str"'), 'str');
  });

  test('text keeps the server\'s text, json the parsed value', () => {
    const v = new JsonText('{"a": [1, 2]}');
    assert.equal(sqlCodec.text(v), '{"a": [1, 2]}');
    assert.deepEqual(sqlCodec.json(v), { a: [1, 2] });
    assert.equal(sqlCodec.json(new JsonText('not json')), 'not json');
  });
});
