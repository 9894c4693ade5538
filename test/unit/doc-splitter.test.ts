import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { splitDocScript } from '../../src/mongo-syntax/doc-splitter.js';
import { ParseError } from '../../src/errors.js';

/** [name, script, expected [text, line] pairs] */
const SPLITS: [string, string, [string, number][]][] = [
  ['one per line', 'show dbs\nshow collections', [['show dbs', 1], ['show collections', 2]]],
  ['semicolons on one line', 'db.a.find();db.b.find() ; db', [['db.a.find()', 1], ['db.b.find()', 1], ['db', 1]]],
  [
    'brackets keep a statement open across lines',
    'db.a.insert({\n  a: 1,\n  b: [\n 2 ]\n})\ndb.a.find()',
    [['db.a.insert({\n  a: 1,\n  b: [\n 2 ]\n})', 1], ['db.a.find()', 6]],
  ],
  ['; and brackets inside strings', `db.a.insert({s: "a;b)", t: 'x}\\'y('})\ndb.b.find()`, [[`db.a.insert({s: "a;b)", t: 'x}\\'y('})`, 1], ['db.b.find()', 2]]],
  ['escaped line break inside a string', "db.a.insert({s: 'a\\\nb'})", [["db.a.insert({s: 'a\\\nb'})", 1]]],
  [
    'comments are left out around a statement, kept inside',
    '// intro\ndb.a.find() // trailing ; (\n/* block\n ) */ db.b.find({a: /* ; */ 1})',
    [['db.a.find()', 2], ['db.b.find({a: /* ; */ 1})', 4]],
  ],
  ['regex literal with ; / and brackets', 'db.a.find({n: /a;[)\\]/]\\//i})\ndb', [['db.a.find({n: /a;[)\\]/]\\//i})', 1], ['db', 2]]],
  ['a slash after a value divides', 'db.a.find({n: 4/2, m: (6)/3})\ndb', [['db.a.find({n: 4/2, m: (6)/3})', 1], ['db', 2]]],
  [
    'a line starting with . continues the statement',
    'db.a.find()\n  .sort({a: 1}) // by a\n  // comment line\n  .limit(2)\ndb.b.find()',
    [['db.a.find()\n  .sort({a: 1}) // by a\n  // comment line\n  .limit(2)', 1], ['db.b.find()', 5]],
  ],
  ['a number like .5 does not continue', 'db.a.find()\n.5', [['db.a.find()', 1], ['.5', 2]]],
  ['blank and empty statements are dropped', ';;\n\n  ;\n// only a comment\n/* and */ ;', []],
  ['template string with ${} holding braces and backquotes', 'db.a.find({s: `x${ {a: "}"} }y${`z`}`})\nshow dbs', [['db.a.find({s: `x${ {a: "}"} }y${`z`}`})', 1], ['show dbs', 2]]],
  ['template string across lines', 'db.a.insert({s: `line1\nline2`})\ndb', [['db.a.insert({s: `line1\nline2`})', 1], ['db', 3]]],
  ['CRLF line ends', 'show dbs\r\nuse test\r\ndb.a.find({\r\n})\r\n', [['show dbs', 1], ['use test', 2], ['db.a.find({\r\n})', 3]]],
  ['the note, verbatim, as one script', "use dbName\ndb.createCollection('student')\ndb.student.find({age: {$lt: 100}})", [['use dbName', 1], ["db.createCollection('student')", 2], ['db.student.find({age: {$lt: 100}})', 3]]],
  ['non-ASCII text', "db.学生.insert({名字: '张三'}); db.学生.find()", [["db.学生.insert({名字: '张三'})", 1], ['db.学生.find()', 1]]],
];

describe('splitDocScript: statements', () => {
  for (const [name, script, expected] of SPLITS) {
    test(name, () => {
      assert.deepEqual(
        splitDocScript(script).map((s) => [s.text, s.line]),
        expected,
      );
    });
  }
});

/** [name, script, line, column, message pattern] */
const ERRORS: [string, string, number, number, RegExp][] = [
  ['unterminated single-quoted string', "db.a.find({s: 'abc})", 1, 15, /unterminated string/],
  ['string broken by a line end', 'show dbs\ndb.a.insert({s: "abc\n})', 2, 17, /not closed on its line/],
  ['bracket never closed', 'db.a.find({a: 1}\ndb.b.find()', 1, 10, /'\(' is never closed/],
  ['mismatch inside a multi-line statement', 'db.a.find(\n  {a: [1, 2}\n)', 2, 12, /the '\[' at line 2, column 7 needs '\]' first/],
  ['innermost unclosed bracket is reported', 'db.a.find(\n  {a: [1, 2]', 2, 3, /'\{' is never closed/],
  ['closing bracket with nothing open', 'db.a.find())', 1, 12, /no bracket is open/],
  ['mismatched closing bracket', 'db.a.find({a: 1)}', 1, 16, /the '\{' at line 1, column 11 needs '\}'/],
  ['unterminated block comment', 'show dbs\n  /* never', 2, 3, /unterminated comment/],
  ['unterminated template string', 'db.a.find({s: `abc})', 1, 15, /unterminated template/],
  ['unterminated regex literal', 'db.a.find({a: /abc})\n', 1, 15, /unterminated regular expression/],
  ['error on a later line', 'show dbs\nshow collections\n\ndb.a.find(\'x)', 4, 11, /unterminated string/],
];

describe('splitDocScript: errors carry line and column', () => {
  for (const [name, script, line, column, message] of ERRORS) {
    test(name, () => {
      assert.throws(
        () => splitDocScript(script),
        (e: unknown) => {
          assert.ok(e instanceof ParseError, `expected ParseError, got ${String(e)}`);
          assert.equal(e.exitCode, 2);
          assert.deepEqual([e.line, e.column], [line, column]);
          assert.match(e.message, message);
          return true;
        },
      );
    });
  }

  test('deep nesting is an error, not a crash', () => {
    assert.throws(() => splitDocScript('db.a.find(' + '['.repeat(100_000)), ParseError);
    assert.equal(splitDocScript('db.a.find(' + '['.repeat(50_000) + ']'.repeat(50_000) + ')').length, 1);
  });
});
