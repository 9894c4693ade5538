/**
 * The shell's "is the input whole yet, and which continuation prompt" rules, table-driven, with the engines' real
 * splitters behind them (no server).
 */
import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import type { Engine, EngineName } from '../../src/engines/engine.js';
import { splitSql } from '../../src/engines/mysql/sql-splitter.js';
import { splitRedisScript } from '../../src/engines/redis/redis-line-splitter.js';
import { splitDocScript } from '../../src/mongo-syntax/doc-splitter.js';
import { inputRules } from '../../src/repl/repl-input.js';
import { ParseError } from '../../src/errors.js';

const splitters: Record<EngineName, (s: string) => ReturnType<typeof splitSql>> = {
  sql: splitSql,
  kv: splitRedisScript,
  doc: splitDocScript,
};

function rules(name: EngineName) {
  return inputRules({ name, split: splitters[name] } as unknown as Engine);
}

type Want = { complete: number } | { waiting: string };

const cases: Array<[EngineName, string, Want]> = [
  ['sql', 'select 1;', { complete: 1 }],
  ['sql', 'select 1', { waiting: '->' }],
  ['sql', 'select name\nfrom student;', { complete: 1 }],
  ['sql', "select 'Sam", { waiting: "'>" }],
  ['sql', "select 'Sam\n';", { complete: 1 }],
  ['sql', 'select "a', { waiting: '">' }],
  ['sql', 'select `a', { waiting: '`>' }],
  ['sql', 'select /* a', { waiting: '/*>' }],
  ['sql', 'select 1\\G', { complete: 1 }],
  ['sql', 'select 1; select 2;', { complete: 2 }],
  ['doc', 'db.student.find()', { complete: 1 }],
  ['doc', 'db.student.find({', { waiting: '...' }],
  ['doc', 'db.student.find({\n  age: {$lt: 100}\n})', { complete: 1 }],
  ['kv', 'set name Sam', { complete: 1 }],
  ['kv', 'get name', { complete: 1 }],
];

describe('continuation rules', () => {
  for (const [engine, input, want] of cases) {
    test(`${engine}: ${JSON.stringify(input)}`, () => {
      const state = rules(engine).check(input);
      if ('complete' in want) {
        assert.equal(state.kind, 'complete');
        if (state.kind === 'complete') assert.equal(state.statements.length, want.complete);
      } else {
        assert.deepEqual(state, { kind: 'incomplete', waiting: want.waiting });
      }
    });
  }

  test('input no further line can fix is a ParseError right away', () => {
    assert.throws(() => rules('doc').check('db.student.find())'), ParseError);
    assert.throws(() => rules('kv').check('set a "b"c'), ParseError);
    // a JavaScript string does not run on to the next line (mongosh says the same)
    assert.throws(() => rules('doc').check("db.student.find({name: 'S"), ParseError);
  });
});

describe('shell commands', () => {
  const cmds: Array<[string, unknown]> = [
    ['exit', { kind: 'exit' }],
    ['quit', { kind: 'exit' }],
    ['\\q', { kind: 'exit' }],
    ['help', { kind: 'help' }],
    ['select 1', undefined],
  ];
  for (const [line, want] of cmds) {
    test(line, () => assert.deepEqual(rules('sql').command(line), want));
  }
  test('sql: use db needs no ;', () => assert.equal(rules('sql').completeLine?.('use mysql'), true));
});
