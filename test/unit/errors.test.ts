import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { ConnectError, ExitCode, ParseError, StatementError, UsageError, redactUrl } from '../../src/errors.js';
import { asDbxError, formatError } from '../../src/runner/report-error.js';

describe('redactUrl', () => {
  const cases: Array<[string, string]> = [
    ['mysql://root:qwe123@127.0.0.1:3306/test', 'mysql://root:***@127.0.0.1:3306/test'],
    ['mysql://u:p@ss@h/db', 'mysql://u:***@h/db'],
    ['redis://:secret@h:6379/0', 'redis://:***@h:6379/0'],
    ['connect mongodb://a:b@h1,h2/x?replicaSet=rs0 failed', 'connect mongodb://a:***@h1,h2/x?replicaSet=rs0 failed'],
    ['mysql://root@h/db', 'mysql://root@h/db'],
    ['plain text: a@b', 'plain text: a@b'],
  ];
  for (const [input, want] of cases) test(input, () => assert.equal(redactUrl(input), want));
});

describe('exit codes and messages', () => {
  test('each error class carries the contract exit code', () => {
    assert.equal(new StatementError('x', { code: 'E' }).exitCode, ExitCode.statement);
    assert.equal(new UsageError('x').exitCode, 2);
    assert.equal(new ParseError('x', 1, 1).exitCode, 2);
    assert.equal(new ConnectError('x', { code: 'E' }).exitCode, 3);
  });

  test('JSON error shape', () => {
    const e = new StatementError("Table 'test.x' doesn't exist", {
      code: 'ER_NO_SUCH_TABLE', errno: 1146, engine: 'sql', statement: 'select * from x', hint: 'h',
    });
    assert.deepEqual(JSON.parse(formatError(e, { json: true, verbose: false })), {
      error: { engine: 'sql', code: 'ER_NO_SUCH_TABLE', errno: 1146, message: "Table 'test.x' doesn't exist", statement: 'select * from x', hint: 'h' },
    });
  });

  test('a parse error shows a caret under the column', () => {
    const e = new ParseError('unexpected token', 2, 5, { statement: 'line one\nabc def' });
    assert.equal(formatError(e, { json: false, verbose: false }), 'ERROR PARSE_ERROR: unexpected token\n  abc def\n      ^\n');
  });

  test('an unexpected error becomes exit 1 without a stack, and its URL password is masked', () => {
    const e = asDbxError(new Error('boom at mysql://u:pw@h'));
    assert.equal(e.exitCode, 1);
    const text = formatError(e, { json: false, verbose: false });
    assert.doesNotMatch(text, /pw@|\n\s+at /);
  });
});
