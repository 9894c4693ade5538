import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import { formatSeconds, queryOk, rowsInSet } from '../../src/engines/mysql/mysql-status.js';

test('formatSeconds: mysql wording, two decimals, minutes and hours when reached', () => {
  assert.equal(formatSeconds(0), '0.00 sec');
  assert.equal(formatSeconds(0.004), '0.00 sec');
  assert.equal(formatSeconds(0.0151), '0.02 sec');
  assert.equal(formatSeconds(12.3), '12.30 sec');
  assert.equal(formatSeconds(65.5), '1 min 5.50 sec');
  assert.equal(formatSeconds(3725), '1 hour 2 min 5.00 sec');
  assert.equal(formatSeconds(2 * 86400 + 7200 + 1), '2 days 2 hours 1.00 sec');
  assert.equal(formatSeconds(-1), '0.00 sec');
  assert.equal(formatSeconds(Number.NaN), '0.00 sec');
});

test('rowsInSet: singular, plural and empty', () => {
  assert.equal(rowsInSet(0, 0), 'Empty set (0.00 sec)');
  assert.equal(rowsInSet(1, 0.001), '1 row in set (0.00 sec)');
  assert.equal(rowsInSet(3, 0.01), '3 rows in set (0.01 sec)');
});

test('queryOk: "0 rows", "1 row", "2 rows", with mysql\'s second line', () => {
  assert.equal(queryOk(0, 0), 'Query OK, 0 rows affected (0.00 sec)');
  assert.equal(queryOk(1, 0.01), 'Query OK, 1 row affected (0.01 sec)');
  assert.equal(queryOk(2n, 0), 'Query OK, 2 rows affected (0.00 sec)');
  assert.equal(
    queryOk(3, 0, 'Records: 3  Duplicates: 0  Warnings: 0'),
    'Query OK, 3 rows affected (0.00 sec)\nRecords: 3  Duplicates: 0  Warnings: 0',
  );
});
