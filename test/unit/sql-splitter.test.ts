import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { splitSql } from '../../src/engines/mysql/sql-splitter.js';
import { tokenizeSql } from '../../src/engines/mysql/sql-tokenizer.js';
import { ParseError } from '../../src/errors.js';
import type { Statement } from '../../src/engines/engine.js';
import { NOTE_SCHEMA } from '../support/note-schema.js';

/** reference/notes.md, the schema block, verbatim (with its # comments and missing ';') */

const s = (text: string, line = 1, vertical = false): Statement => (vertical ? { text, line, vertical } : { text, line });

/** the statements without the splitter's resume points (tested on their own below) */
const withoutResume = (list: Statement[]): Statement[] => list.map(({ resume: _resume, ...rest }) => rest);

const cases: [name: string, script: string, expected: Statement[]][] = [
  ['two statements', 'select 1; select 2;', [s('select 1'), s('select 2')]],
  ['final statement without delimiter', 'select 1; select 2', [s('select 1'), s('select 2')]],
  ['single quotes', "select ';' ; select 2", [s("select ';'"), s('select 2')]],
  ['double quotes', 'select ";"; select 2', [s('select ";"'), s('select 2')]],
  ['backticks', 'select 1 as `a;b`; select 2', [s('select 1 as `a;b`'), s('select 2')]],
  ['backslash-escaped quote', "select 'it\\'s; ok'; select 2", [s("select 'it\\'s; ok'"), s('select 2')]],
  ['doubled quote', "select 'it''s; ok'; select 2", [s("select 'it''s; ok'"), s('select 2')]],
  ['escaped double quote', 'select "a\\"; b"; select 2', [s('select "a\\"; b"'), s('select 2')]],
  ['backslash in backticks is no escape', 'select 1 as `a\\`; select 2', [s('select 1 as `a\\`'), s('select 2')]],
  ['-- comment', 'select 1 -- ; no split\n, 2; select 3', [s('select 1 -- ; no split\n, 2'), s('select 3', 2)]],
  ['--<tab> comment', 'select 1 --\t; no split\n, 2;', [s('select 1 --\t; no split\n, 2')]],
  ['-- at end of line', 'select 1 --\n+ 1;', [s('select 1 --\n+ 1')]],
  ['-- without space is arithmetic', 'select 1--1; select 2', [s('select 1--1'), s('select 2')]],
  ['# comment', 'select 1, # ; no split\n2; select 3', [s('select 1, # ; no split\n2'), s('select 3', 2)]],
  ['/* */ comment', 'select /* ; */ 1; select 2', [s('select /* ; */ 1'), s('select 2')]],
  ['multi-line /* */ comment', 'select /* ;\n; */ 1;\nselect 2', [s('select /* ;\n; */ 1'), s('select 2', 3)]],
  ['/*! */ is sent, its ; does not split', 'select 1 /*!50000 ; */; select 2', [s('select 1 /*!50000 ; */'), s('select 2')]],
  ['leading /*! */ kept', '/*!40101 SET @a=1 */;\nselect 2', [s('/*!40101 SET @a=1 */'), s('select 2', 2)]],
  ['MariaDB /*M! */ kept', '/*M!100100 select 1 */;', [s('/*M!100100 select 1 */')]],
  ['leading comments dropped', '# note\n-- more\n/* and */ select 1;', [s('select 1', 3)]],
  ['trailing comment dropped', 'select 1 -- done', [s('select 1')]],
  ['trailing # comment before delimiter', 'select 1 # why\n;', [s('select 1')]],
  ['comment-only statements dropped', '-- nothing\n;\n/* c */;select 1', [s('select 1', 3)]],
  ['empty statements dropped', ';; select 1;;\n;', [s('select 1')]],
  ['blank script', ' \n\t ', []],
  ['\\G ends a vertical statement', 'select 1\\G select 2', [s('select 1', 1, true), s('select 2')]],
  ['\\g ends a statement', 'select 1\\gselect 2;', [s('select 1'), s('select 2')]],
  ['`\\;` ends no statement (sent as written, as the mysql client does)', 'select 1 \\; select 2; select 3', [s('select 1 \\; select 2'), s('select 3')]],
  ['use db ended by another delimiter', 'DELIMITER //\nuse mydb//\nselect 1//', [s('use mydb', 2), s('select 1', 3)]],
  ['use db then a space and the delimiter', 'DELIMITER //\nuse mydb //\nselect 1//', [s('use mydb', 2), s('select 1', 3)]],
  ['NO_BACKSLASH_ESCAPES set by the script: a backslash ends no string', "set sql_mode='NO_BACKSLASH_ESCAPES'; select 'a\\' as x; select 2", [s("set sql_mode='NO_BACKSLASH_ESCAPES'"), s("select 'a\\' as x"), s('select 2')]],
  ['sql_mode set back: backslashes escape again', "set @@session.sql_mode = \"NO_BACKSLASH_ESCAPES\"; select 'a\\'; set sql_mode=''; select 'b\\';'", [s('set @@session.sql_mode = "NO_BACKSLASH_ESCAPES"'), s("select 'a\\'"), s("set sql_mode=''"), s("select 'b\\';'")]],
  ['\\G in quotes is text', "select 'a\\G'; select \"\\G\"", [s("select 'a\\G'"), s('select "\\G"')]],
  ['\\G in a comment is text', 'select 1 -- \\G\n;', [s('select 1')]],
  ['line numbers', '\n\n  select 1;\n\nselect\n2;', [s('select 1', 3), s('select\n2', 5)]],
  ['statement starting on the line of the previous', 'select 1; select 2;\nselect 3', [s('select 1'), s('select 2'), s('select 3', 2)]],
  ['CRLF', 'select 1;\r\nselect 2 -- c\r\n;\r\nselect\r\n3', [s('select 1'), s('select 2', 2), s('select\r\n3', 4)]],
  ['-- before CRLF is a comment', 'select 1 --\r\n+ 1;', [s('select 1 --\r\n+ 1')]],
  ['BOM', '\uFEFFselect 1;', [s('select 1')]],
  ['CJK text', "select '学生;' as 名字; select 2", [s("select '学生;' as 名字"), s('select 2')]],
  [
    'DELIMITER // with a procedure body',
    'DELIMITER //\nCREATE PROCEDURE p()\nBEGIN\n  SELECT 1; -- first\n  SELECT \';\';\nEND //\nDELIMITER ;\nCALL p();',
    [s("CREATE PROCEDURE p()\nBEGIN\n  SELECT 1; -- first\n  SELECT ';';\nEND", 2), s('CALL p()', 8)],
  ],
  [
    'delimiter is case-insensitive and may be several characters',
    'delimiter $$\ncreate trigger t before insert on x for each row set new.a = 1; $$\nselect 1$$',
    [s('create trigger t before insert on x for each row set new.a = 1;', 2), s('select 1', 3)],
  ],
  ['quoted delimiter argument', "delimiter ';;'\nselect 1;;\n", [s('select 1', 2)]],
  ['delimiter line then text on the same line', 'delimiter // select 1; select 2 //', [s('select 1; select 2')]],
  ['\\G still works under another delimiter', 'delimiter //\nselect 1\\G', [s('select 1', 2, true)]],
  ['DELIMITER only at the start of a statement', 'select 1 as delimiter; select 2', [s('select 1 as delimiter'), s('select 2')]],
  ['a word starting with delimiter is no command', 'delimiters; select 2', [s('delimiters'), s('select 2')]],
  ['use db alone on its line needs no ;, as in the mysql client', 'use test\nselect 1;\nUSE `a b`  \r\nselect 2', [s('use test'), s('select 1', 2), s('USE `a b`', 3), s('select 2', 4)]],
  ['use db; still works', 'use test;\nselect 1', [s('use test'), s('select 1', 2)]],
  ['use with more on its line is left to the server', 'use test select 1\nselect 2', [s('use test select 1\nselect 2')]],
  ['use inside a statement is not a command', 'select 1 from t\nuse index (i)\n;', [s('select 1 from t\nuse index (i)')]],
];

describe('splitSql', () => {
  for (const [name, script, expected] of cases) {
    test(name, () => assert.deepEqual(withoutResume(splitSql(script)), expected));
  }

  test("the note's schema block: the missing ';' glue the last four create tables into one statement", () => {
    const statements = splitSql(NOTE_SCHEMA);
    assert.equal(statements.length, 2);
    assert.equal(statements[0].line, 2);
    assert.equal(statements[0].text, 'create table school(\n    id int primary key,\n    name varchar(10) not null\n)');
    assert.equal(statements[1].line, 8);
    assert.ok(statements[1].text.startsWith('create table student(\n'));
    assert.ok(statements[1].text.includes('\n# 学生详细信息\ncreate table student_detail('));
    assert.ok(statements[1].text.endsWith('foreign key(cours_id) references  cours(c_id)\n)'));
    assert.equal(statements[1].text.match(/create table/g)?.length, 4);
  });
});

const parseErrors: [name: string, script: string, message: string, line: number, column: number, hint: string][] = [
  [
    "the note's create user",
    "create user 'test28'@'%' identified by 'qwe123",
    "unterminated quote ' opened at line 1, column 40",
    1,
    40,
    "close the quote: create user 'test28'@'%' identified by 'qwe123'",
  ],
  [
    'double quote on a later line, before the delimiter',
    'select 1;\nselect "abc;\n',
    'unterminated quote " opened at line 2, column 8',
    2,
    8,
    'close the quote: select "abc";',
  ],
  ['backtick', 'select `a from t', 'unterminated quote ` opened at line 1, column 8', 1, 8, 'close the quote: select `a from t`'],
  ['column counts characters', "select '学生', '学", "unterminated quote ' opened at line 1, column 14", 1, 14, "close the quote: select '学生', '学'"],
  ['escaped quote does not close', "select 'it\\'s", "unterminated quote ' opened at line 1, column 8", 1, 8, "close the quote: select 'it\\'s'"],
  ['comment', 'select 1 /* never closed;\nselect 2', 'unterminated comment /* opened at line 1, column 10', 1, 10, 'close the comment with */'],
  ['versioned comment', '/*!40101 select 1;', 'unterminated comment /*! opened at line 1, column 1', 1, 1, 'close the comment with */'],
  ['DELIMITER without argument', 'select 1;\ndelimiter\nselect 2', "DELIMITER must be followed by a 'delimiter' character or string", 2, 1, 'DELIMITER //'],
  ['DELIMITER with a backslash', 'delimiter \\\\', 'DELIMITER cannot contain a backslash character', 1, 1, 'DELIMITER //'],
];

describe('splitSql on a long one-line script', () => {
  // quadratic, this took minutes and trips jest's test timeout; its speed is measured in bench/parse-speed.ts
  test('50,000 statements on one line (the words of `dbx sql "…; …"`) split, each with its line and column', () => {
    const script = 'update t set a = 1 where id = 2; insert into t values (1);'.repeat(25_000);
    const statements = splitSql(script);
    assert.equal(statements.length, 50_000);
    assert.equal(statements[49_999]!.line, 1);
  });
});

describe('splitSql errors', () => {
  for (const [name, script, message, line, column, hint] of parseErrors) {
    test(name, () => {
      assert.throws(
        () => splitSql(script),
        (e: unknown) => {
          assert.ok(e instanceof ParseError);
          assert.equal(e.message, message);
          assert.equal(e.line, line);
          assert.equal(e.column, column);
          assert.equal(e.hint, hint);
          assert.equal(e.exitCode, 2);
          return true;
        },
      );
    });
  }
});

describe('tokenizeSql', () => {
  test('skips comments and strings, tracks depth and lines', () => {
    const tokens = tokenizeSql("delete from t -- where\n where id in (select id from u where 'where')");
    const wheres = tokens.filter((t) => t.text.toLowerCase() === 'where').map((t) => [t.depth, t.line, t.firstOnLine]);
    assert.deepEqual(wheres, [[0, 2, true], [1, 2, false]]);
    assert.equal(tokens.find((t) => t.kind === 'string')?.text, "'where'");
  });

  test('reads the body of versioned comments', () => {
    assert.deepEqual(tokenizeSql('/*!40000 DROP TABLE t */').map((t) => t.text), ['DROP', 'TABLE', 't']);
  });

  test('variables and account names', () => {
    assert.deepEqual(
      tokenizeSql("set @@global.x = 1, @a = 'u'@'%'").map((t) => [t.kind, t.text]),
      [['word', 'set'], ['variable', '@@global.x'], ['punct', '='], ['number', '1'], ['punct', ','],
        ['variable', '@a'], ['punct', '='], ['string', "'u'"], ['variable', '@'], ['string', "'%'"]],
    );
  });
});

describe('splitSql: splitting the rest again', () => {
  test('the server said NO_BACKSLASH_ESCAPES after a statement: the rest is read that way from its resume point', () => {
    const script = "set sql_mode=concat(@@sql_mode, ',NO_BACKSLASH_ESCAPES');\nselect 'a\\';\nselect 2";
    const first = splitSql(script.replace("'a\\'", "'a\\\\'"))[0]!;
    const rest = splitSql(script, { resume: first.resume as { offset: number; delimiter: string }, noBackslashEscapes: true });
    assert.deepEqual(withoutResume(rest), [s("select 'a\\'", 2), s('select 2', 3)]);
  });

  test('the resume point keeps the delimiter in force', () => {
    const [first] = splitSql('DELIMITER //\nselect 1//\nselect 2; select 3//');
    assert.deepEqual(withoutResume(splitSql('DELIMITER //\nselect 1//\nselect 2; select 3//', { resume: first!.resume as { offset: number; delimiter: string } })), [s('select 2; select 3', 3)]);
  });
});
