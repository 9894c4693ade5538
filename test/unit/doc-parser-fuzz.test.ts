/**
 * Random and mutated statements: each must parse or fail as a user error (ParseError / UsageError), never
 * crash with another exception, never hang, and never run anything. Seeded, so a failure reproduces.
 */
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { splitDocScript } from '../../src/mongo-syntax/doc-splitter.js';
import { parseDocStatement } from '../../src/mongo-syntax/doc-parser.js';
import { formatParseError } from '../../src/mongo-syntax/parse-error-format.js';
import { formatShellValue } from '../../src/mongo-syntax/shell-format.js';
import { toModern } from '../../src/engines/mongo/legacy-map.js';
import { ParseError, UsageError } from '../../src/errors.js';

/** mulberry32: small, fast, good enough to pick characters */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEEDS = [
  'show dbs',
  'show collections',
  'db.version()',
  'db',
  'use dbName',
  'db.dropDatabase',
  "db.createCollection('student')",
  "db.student.insert({_id: 123, name: 'Sam', age: 16})",
  'db.student.find()',
  'db.student.findOne()',
  'db.student.find({_id: 123, {name: 1}})',
  'db.student.find({age: {$lt: 100}})',
  'db.student.update({sex: 1}, {$set:{age: 20}})',
  "db.student.update({name:'sam'},{$set:{age:20}},{multi:true})",
  "db.student.update({name:'jack'},{x:'y'})",
  "db.student.remove({name:'sam'},{justOne:true})",
  "db.getCollection('a.b').find({r: /^x[/]y/i, s: `t`}, {_id: 0}).sort({a: -1}).limit(5)",
  "db['s'].insertMany([{o: ObjectId('5f0000000000000000000001'), d: ISODate('2020-01-01'), n: new Date(0)}])",
  "db.s.insertOne({i: NumberInt(5), l: NumberLong('7'), m: NumberDecimal('1.5'), u: UUID(), t: Timestamp(1, 2)})",
  'db.s.aggregate([{$match: {a: {$in: [1, 2, 3]}}}, {$group: {_id: "$a", n: {$sum: 1}}}]) // c',
  'db.s.find({a: 1 /* x */, b: [1, 2, {c: null, d: true, e: -1.5e3}]})\n  .skip(1)\n  .count()',
  'db.s.update({a: 1}, {$set: {b: 1}}, true, true); db.s.remove({}, true)',
  'this.constructor.constructor("globalThis.__dbxFuzz = true")()',
  'db.x.find({get a(){ globalThis.__dbxFuzz = true }})',
  'db.x.find({a: `${globalThis.__dbxFuzz = true}`})',
  '(() => { globalThis.__dbxFuzz = true })()',
  'db.x.find().forEach(function(d){ globalThis.__dbxFuzz = true })',
  'db.x.find({a: Date.now(), b: Math.max(1, 2), c: new Date().getTime()})',
  'db.s.update({a: 1}, {b: 1}, {multi: true}); db.s.remove({}, {justOne: 1}, 3)',
  'db.x.find({a: constructor.max(1), b: toString.call(), c: NumberInt.valueOf()}); show constructor',
];

const ALPHABET = "{}[]()'\"`/\\;,.:$ \n\t*+-=<>!?&|#@%^~_0123456789abcdefxyzDdbONI学\u2028";
const TOKENS = [
  'db', '.', 'find', 'insert', 'update', 'remove', 'getCollection', '(', ')', '{', '}', '[', ']', ':', ',', ';', '\n', ' ',
  "'a'", '"b"', '`c`', '`${', '}`', '/x/i', '/', '//', '/*', '*/', '1', '-1', '1.5', '1e400', '0x', '1n', 'ObjectId',
  'ISODate', "('5f0000000000000000000001')", 'new', 'Date', 'NumberLong', 'NumberInt', 'UUID', 'Timestamp', 'function',
  '=>', 'this', 'constructor', 'require', 'process', 'show', 'use', 'dbs', '$set', '$lt', 'true', 'null', 'undefined',
  'NaN', 'get', 'set', '...', '?.', '=', '\\', '__proto__', 'Math', 'max', 'in', 'typeof', '`', 'multi', 'justOne',
  'toString', 'hasOwnProperty', 'valueOf', 'prototype',
];

function mutate(text: string, rnd: () => number): string {
  let s = text;
  const edits = 1 + Math.floor(rnd() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rnd() * (s.length + 1));
    const pick = rnd();
    if (pick < 0.3) s = s.slice(0, at) + ALPHABET[Math.floor(rnd() * ALPHABET.length)] + s.slice(at);
    else if (pick < 0.55) s = s.slice(0, at) + s.slice(at + 1);
    else if (pick < 0.75 && s.length > 1) {
      const i = Math.min(at, s.length - 2);
      s = s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
    } else if (pick < 0.9) {
      const len = Math.floor(rnd() * 12);
      s = s.slice(0, at) + s.slice(at, at + len) + s.slice(at);
    } else s = s.slice(0, at) + TOKENS[Math.floor(rnd() * TOKENS.length)] + s.slice(at);
  }
  return s;
}

function soup(rnd: () => number): string {
  const n = 1 + Math.floor(rnd() * 25);
  let s = rnd() < 0.5 ? 'db.' : '';
  for (let i = 0; i < n; i++) s += TOKENS[Math.floor(rnd() * TOKENS.length)] + (rnd() < 0.3 ? ' ' : '');
  return s;
}

const show = (text: string): string => JSON.stringify(text.length > 300 ? `${text.slice(0, 300)}…` : text);

describe('doc parser fuzz', () => {
  test('≥10,000 random and mutated statements parse or fail as user errors, running nothing (a hang trips the test timeout)', () => {
    const g = globalThis as { __dbxFuzz?: boolean };
    g.__dbxFuzz = false;
    const rnd = prng(20240531);
    // callErrors: refused after parsing (wrong arity or argument kind), as ParseErrors with a caret since they
    // know where the call stands
    const counts = { scripts: 0, statements: 0, parsed: 0, parseErrors: 0, callErrors: 0, splitErrors: 0 };
    let slowest = 0;

    const one = (text: string, line: number, origin: string): void => {
      counts.statements++;
      let calling = false;
      try {
        const cmd = parseDocStatement(text, line);
        counts.parsed++;
        if (cmd.kind === 'call') {
          for (const v of [...cmd.args, ...cmd.chain.flatMap((c) => c.args)]) assert.equal(typeof formatShellValue(v), 'string');
          calling = true;
          const modern = toModern(cmd);
          if (modern.note !== undefined) assert.equal(typeof modern.note, 'string');
        }
      } catch (e) {
        check(e, text, line, origin, false, calling);
      }
    };
    const check = (e: unknown, text: string, line: number, origin: string, splitting = false, calling = false): void => {
      if (!(e instanceof UsageError)) {
        assert.fail(`${origin}: ${show(text)} threw ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e)}`);
      }
      if (calling) counts.callErrors++;
      if (e instanceof ParseError) {
        if (splitting) counts.splitErrors++;
        else if (!calling) counts.parseErrors++;
        assert.ok(Number.isInteger(e.line) && e.line >= line && Number.isInteger(e.column) && e.column >= 1, `${origin}: bad position ${e.line}:${e.column} for ${show(text)}`);
        assert.equal(typeof formatParseError(text, e, line), 'string');
      } else assert.ok(calling, `${origin}: a UsageError without a position from the parser for ${show(text)}`);
    };
    const attempt = (text: string, origin: string): number => {
      const started = performance.now();
      counts.scripts++;
      one(text, 1, origin);
      try {
        for (const s of splitDocScript(text)) one(s.text, s.line, `${origin} (split)`);
      } catch (e) {
        check(e, text, 1, `${origin} (splitter)`, true);
      }
      return performance.now() - started;
    };
    // speed is bench/parse-speed.ts's business; the slowest statement is only reported
    const run = (text: string, origin: string): void => {
      slowest = Math.max(slowest, attempt(text, origin));
    };

    for (let i = 0; i < 9000; i++) run(mutate(SEEDS[i % SEEDS.length]!, rnd), `mutation #${i}`);
    for (let i = 0; i < 2500; i++) run(soup(rnd), `soup #${i}`);
    for (let i = 0; i < 500; i++) {
      let s = '';
      const n = Math.floor(rnd() * 60);
      for (let j = 0; j < n; j++) s += String.fromCharCode(Math.floor(rnd() * 0x250));
      run(s, `noise #${i}`);
    }
    // pathological sizes: deep nesting and long inputs must end as errors or values, not stack overflows
    run(`db.x.find(${'['.repeat(5000)}${']'.repeat(5000)})`, 'deep array');
    run(`db.x.find(${'{a:'.repeat(3000)}1${'}'.repeat(3000)})`, 'deep object');
    run(`db.x.find(${'('.repeat(20000)}1${')'.repeat(20000)})`, 'deep parens');
    run(`db.x.find({a: '${'x'.repeat(200_000)}'})`, 'long string');
    run(`db.x.find({a: [${'1,'.repeat(20_000)}]})`, 'long array');
    run(`db.x.find({a: /${'(a+)+'.repeat(50)}b/})`, 'catastrophic-looking regex');
    run(`db.x.find({a: '${"\\'".repeat(20_000)}'})`, 'many escapes');

    assert.ok(counts.statements >= 10_000, `only ${counts.statements} statements`);
    // the corpus must exercise both outcomes, or it tests nothing
    assert.ok(counts.parsed > 500 && counts.parseErrors > 500 && counts.callErrors > 10, JSON.stringify(counts));
    assert.equal(g.__dbxFuzz, false, 'a statement ran code');
    if (process.env.DBX_TEST_DIAGNOSTICS) process.stderr.write(`fuzz: ${JSON.stringify(counts)}, slowest ${slowest.toFixed(1)} ms\n`);
  });
});
