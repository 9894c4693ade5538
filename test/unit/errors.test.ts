import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { ConnectError, ExitCode, ParseError, StatementError, UsageError, redactUrl } from '../../src/errors.js';
import { asDbxError, formatError, reportError } from '../../src/runner/report-error.js';

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

  test('an unexpected error becomes exit 70 without a stack, and its URL password is masked', () => {
    const e = asDbxError(new Error('boom at mysql://u:pw@h'));
    assert.equal(e.exitCode, 70);
    assert.equal(e.exitCode, ExitCode.internal);
    const text = formatError(e, { json: false, verbose: false });
    assert.doesNotMatch(text, /pw@|\n\s+at /);
  });
});

describe('reportError: a bug in dbx (exit 70)', () => {
  const bug = () => {
    try {
      (undefined as unknown as { rows: unknown[] }).rows.length;
    } catch (e) {
      return e as TypeError;
    }
    throw new Error('unreachable');
  };
  const report = (e: unknown, settings: { json: boolean; verbose: boolean }) => {
    let text = '';
    const code = reportError(e, { write: (s: string) => ((text += s), true) } as unknown as NodeJS.WritableStream, settings);
    return { code, text };
  };

  test('a TypeError: exit 70, one line naming it a bug in dbx and saying how to report it', () => {
    const { code, text } = report(bug(), { json: false, verbose: false });
    assert.equal(code, 70);
    assert.equal(text.split('\n').length, 2, 'one line and its newline');
    assert.match(text, /^ERROR INTERNAL: a bug in dbx, not in your statement or server: TypeError: Cannot read properties of undefined/);
    assert.match(text, /please report it with the command you ran, dbx --version and what the same command prints with -v/);
  });

  test('-v adds the stack, with passwords masked in it', () => {
    const e = new RangeError('Invalid array length at mysql://u:pw@h');
    const { code, text } = report(e, { json: false, verbose: true });
    assert.equal(code, 70);
    assert.match(text, /INTERNAL: a bug in dbx[^\n]*RangeError: Invalid array length[^\n]*\nRangeError: [^\n]*\n\s+at /);
    assert.doesNotMatch(text, /pw@/);
  });

  test('--json: one JSON line with code INTERNAL', () => {
    const { code, text } = report(bug(), { json: true, verbose: true });
    assert.equal(code, 70);
    assert.equal(text.split('\n').length, 2);
    const { error } = JSON.parse(text) as { error: Record<string, unknown> };
    assert.equal(error.code, 'INTERNAL');
    assert.match(String(error.message), /^a bug in dbx, not in your statement or server: TypeError: /);
  });

  test('a thrown non-Error is a bug too; a message over several lines stays on one', () => {
    assert.equal(report('oops', { json: false, verbose: false }).code, 70);
    assert.equal(report(new Error('first\nsecond'), { json: false, verbose: false }).text.split('\n').length, 2);
  });

  test('DbxErrors keep their own exit codes; an operating-system error is exit 1 under its own code, not a bug', () => {
    assert.equal(report(new StatementError('x', { code: 'E' }), { json: false, verbose: false }).code, 1);
    assert.equal(report(new UsageError('x'), { json: false, verbose: false }).code, 2);
    assert.equal(report(new ConnectError('x', { code: 'ECONNREFUSED' }), { json: false, verbose: false }).code, 3);
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', errno: -104, syscall: 'read' });
    const { code, text } = report(reset, { json: false, verbose: false });
    assert.equal(code, 1);
    assert.equal(text, 'ERROR ECONNRESET: read ECONNRESET\n');
  });
});
