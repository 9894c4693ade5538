import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { columnKeys } from '../../src/engines/mysql/mysql-result.js';

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
