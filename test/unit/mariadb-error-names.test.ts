/**
 * MariaDB's error names (src/engines/mysql/mariadb-error-names.ts, generated from perror): they agree with the
 * perror of this machine's MariaDB, and a MariaDB server's errors are named from them, not from MySQL's list.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from '@jest/globals';
import { mariadbErrorName } from '../../src/engines/mysql/mariadb-error-names.js';
import { errorName } from '../../src/engines/mysql/mysql-errors.js';

describe('MariaDB error names', () => {
  test('the errnos the issue names', () => {
    assert.equal(mariadbErrorName(4025), 'ER_CONSTRAINT_FAILED');
    assert.equal(mariadbErrorName(1072), 'ER_KEY_COLUMN_DOES_NOT_EXIST');
    assert.equal(mariadbErrorName(1146), 'ER_NO_SUCH_TABLE');
    assert.equal(mariadbErrorName(999), undefined);
  });

  test('a MariaDB server names by MariaDB, a MySQL server by the driver (MySQL) name', () => {
    assert.equal(errorName(4025, 'ER_INNODB_AUTOEXTEND_SIZE_OUT_OF_RANGE', true), 'ER_CONSTRAINT_FAILED');
    assert.equal(errorName(4025, 'ER_INNODB_AUTOEXTEND_SIZE_OUT_OF_RANGE', false), 'ER_INNODB_AUTOEXTEND_SIZE_OUT_OF_RANGE');
    assert.equal(errorName(99999, 'ER_SOMETHING', true), 'ER_SOMETHING');
    assert.equal(errorName(undefined, undefined, true), 'ER_UNKNOWN');
  });

  test('the table agrees with perror (MariaDB names errors this way)', () => {
    const numbers = [1000, 1064, 1072, 1146, 1644, 1982, 3000, 3060, 4009, 4010, 4015, 4025, 4078, 4079, 4192];
    let out: string;
    try {
      out = execFileSync('perror', numbers.map(String), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch (e) {
      out = (e as { stdout?: string }).stdout ?? '';
    }
    const found = [...out.matchAll(/^MariaDB error code (\d+) \((\w+)\)/gm)];
    assert.ok(found.length >= numbers.length - 2, `perror printed:\n${out}`);
    for (const [, errno, name] of found) assert.equal(mariadbErrorName(Number(errno)), name, `errno ${errno}`);
  });
});
