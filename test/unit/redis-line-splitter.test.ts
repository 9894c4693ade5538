import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { ParseError } from '../../src/errors.js';
import { splitRedisArgs, splitRedisLine, splitRedisScript } from '../../src/engines/redis/redis-line-splitter.js';

describe('splitRedisLine (redis-cli sdssplitargs rules)', () => {
  const cases: [string, string[]][] = [
    ['set name Sam', ['set', 'name', 'Sam']],
    ['  lrem   l1 -1\t4  ', ['lrem', 'l1', '-1', '4']],
    [`set name 'Sam Lee'`, ['set', 'name', 'Sam Lee']],
    ['set name "Sam Lee"', ['set', 'name', 'Sam Lee']],
    ['set k "a\\nb\\tc\\rd"', ['set', 'k', 'a\nb\tc\rd']],
    ['set k "say \\"hi\\""', ['set', 'k', 'say "hi"']],
    ['set k "back\\\\slash"', ['set', 'k', 'back\\slash']],
    [`set k 'it\\'s'`, ['set', 'k', "it's"]],
    [`set k 'no \\n escape'`, ['set', 'k', 'no \\n escape']],
    ['set k "\\x41\\x42"', ['set', 'k', 'AB']],
    ['set k "\\xe4\\xb8\\xad"', ['set', 'k', '中']],
    ['set k 中文', ['set', 'k', '中文']],
    ['set k ""', ['set', 'k', '']],
    ['set foo"bar baz" x', ['set', 'foobar baz', 'x']],
    ['', []],
    ['   ', []],
  ];
  for (const [line, words] of cases) {
    test(JSON.stringify(line), () => assert.deepEqual(splitRedisLine(line), words));
  }

  test('bytes that are not UTF-8 stay bytes', () => {
    const words = splitRedisArgs('set k "\\xff\\x00"');
    assert.equal(words[1], 'k');
    assert.ok(Buffer.isBuffer(words[2]));
    assert.deepEqual([...(words[2] as Buffer)], [0xff, 0x00]);
  });

  test('an unterminated double quote is a ParseError with its column', () => {
    assert.throws(() => splitRedisArgs('set k "abc', 7), (e: unknown) => {
      assert.ok(e instanceof ParseError);
      assert.equal(e.line, 7);
      assert.equal(e.column, 7);
      assert.equal(e.exitCode, 2);
      return true;
    });
  });

  test('an unterminated single quote is a ParseError', () => {
    assert.throws(() => splitRedisLine("set k 'abc"), ParseError);
  });

  test('a closing quote glued to the next word is a ParseError', () => {
    assert.throws(() => splitRedisLine('set k "abc"def'), (e: unknown) => e instanceof ParseError && e.column === 12);
  });
});

describe('splitRedisScript', () => {
  test('one command per line, comments and blank lines skipped, line numbers kept', () => {
    const stmts = splitRedisScript('# setup\nset a 1\n\n  get a  \r\n#done\nincr a');
    assert.deepEqual(stmts.map(({ text, line }) => ({ text, line })), [
      { text: 'set a 1', line: 2 },
      { text: 'get a', line: 4 },
      { text: 'incr a', line: 6 },
    ]);
  });

  test('a # inside a command is not a comment', () => {
    assert.deepEqual(splitRedisScript('set tag #1').map((s) => s.text), ['set tag #1']);
  });

  test('bad quoting fails the whole script before anything runs, naming line and column', () => {
    assert.throws(() => splitRedisScript('set a 1\n  set b "x'), (e: unknown) => {
      assert.ok(e instanceof ParseError);
      assert.equal(e.line, 2);
      assert.equal(e.column, 9);
      return true;
    });
  });
});
