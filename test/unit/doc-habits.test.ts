/**
 * mongosh habits, parsed never evaluated: runCommand / adminCommand (classified by the command's name),
 * getSiblingDB, findAndModify, db.coll.stats(), and documents printed as mongosh (Node's util.inspect) prints them.
 */
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { classifyDoc } from '../../src/engines/mongo/doc-classify.js';
import { toModern } from '../../src/engines/mongo/legacy-map.js';
import { parseDocStatement, type DocCall } from '../../src/mongo-syntax/doc-parser.js';
import { formatShellPretty } from '../../src/mongo-syntax/shell-format.js';
import { ParseError, UsageError } from '../../src/errors.js';

const call = (text: string): DocCall => parseDocStatement(text) as DocCall;
const classify = (text: string) => classifyDoc(parseDocStatement(text));

describe('runCommand and adminCommand', () => {
  test('parse as db calls with the command document as written', () => {
    const c = call('db.runCommand({ collStats: "s", scale: 1024 })');
    assert.deepEqual(c.target, { type: 'db' });
    assert.equal(c.method, 'runCommand');
    assert.deepEqual(Object.keys(c.args[0] as object), ['collStats', 'scale']);
    assert.equal(call('db.adminCommand({ listDatabases: 1 })').method, 'adminCommand');
  });

  test('are classified by the command name: reads, writes, destructive; unknown is a write', () => {
    for (const read of ['{ping: 1}', '{serverStatus: 1}', '{ listDatabases: 1 }', '{find: "s", filter: {}}', '{aggregate: "s", pipeline: [], cursor: {}}', '{buildinfo: 1}']) {
      assert.deepEqual(classify(`db.runCommand(${read})`), { write: false, destructive: false }, read);
    }
    for (const write of ['{insert: "s", documents: [{}]}', '{update: "s", updates: []}', '{createIndexes: "s", indexes: []}', '{someFutureCommand: 1}', '{aggregate: "s", pipeline: [{$out: "x"}]}']) {
      assert.deepEqual(classify(`db.runCommand(${write})`), { write: true, destructive: false }, write);
    }
    for (const destructive of ['{dropDatabase: 1}', '{drop: "s"}', '{dropIndexes: "s", index: "*"}', '{delete: "s", deletes: [{q: {}, limit: 0}]}']) {
      assert.deepEqual(classify(`db.runCommand(${destructive})`), { write: true, destructive: true }, destructive);
    }
    assert.deepEqual(classify('db.runCommand({delete: "s", deletes: [{q: {a: 1}, limit: 0}]})'), { write: true, destructive: false });
    assert.deepEqual(classify('db.adminCommand({shutdown: 1})'), { write: true, destructive: true });
    assert.deepEqual(classify('db.adminCommand({ping: 1})'), { write: false, destructive: false });
  });

  test('need one command document', () => {
    assert.throws(() => toModern(call('db.runCommand()')), UsageError);
    assert.throws(() => toModern(call("db.runCommand('ping')")), UsageError);
  });
});

describe('getSiblingDB', () => {
  test('names the database of what follows, collection or db method', () => {
    assert.deepEqual(call("db.getSiblingDB('other').coll.find({a: 1})").target, { type: 'collection', name: 'coll', db: 'other' });
    assert.deepEqual(call("db.getSiblingDB('admin').runCommand({ping: 1})").target, { type: 'db', db: 'admin' });
    assert.deepEqual(call("db.getSiblingDB('x').getCollection('a.b').find()").target, { type: 'collection', name: 'a.b', db: 'x' });
    assert.equal(call("db.getSiblingDB('x')").method, 'getSiblingDB');
  });

  test('the safety class is the inner call\'s', () => {
    assert.deepEqual(classify("db.getSiblingDB('x').coll.drop()"), { write: true, destructive: true });
    assert.deepEqual(classify("db.getSiblingDB('x').coll.find()"), { write: false, destructive: false });
  });

  test('a bad name or a missing name is a parse error with a caret', () => {
    assert.throws(() => call("db.getSiblingDB('a b').x.find()"), ParseError);
    assert.throws(() => call('db.getSiblingDB(name).x.find()'), ParseError);
    assert.throws(() => call("db.getSiblingDB('x')().find()"), ParseError);
  });
});

describe('findAndModify', () => {
  test('becomes findOneAndUpdate / Replace / Delete with the options it names', () => {
    assert.deepEqual(toModern(call("db.s.findAndModify({query: {_id: 1}, update: {$inc: {n: 1}}, new: true, upsert: true, sort: {n: -1}})")), {
      op: 'findOneAndUpdate',
      args: [{ _id: 1 }, { $inc: { n: 1 } }, { sort: { n: -1 }, upsert: true, returnDocument: 'after' }],
      note: "ran as findOneAndUpdate({ _id: 1 }, { '$inc': { n: 1 } }, { sort: { n: -1 }, upsert: true, returnDocument: 'after' })",
    });
    assert.equal(toModern(call("db.s.findAndModify({query: {_id: 1}, update: {name: 'x'}})")).op, 'findOneAndReplace');
    assert.deepEqual(toModern(call('db.s.findAndModify({query: {_id: 1}, remove: true, fields: {a: 1}})')).args, [{ _id: 1 }, { projection: { a: 1 } }]);
  });

  test('writes, and a wrong shape is exit 2 before anything is sent', () => {
    assert.deepEqual(classify('db.s.findAndModify({query: {}, remove: true})'), { write: true, destructive: false });
    for (const bad of ['db.s.findAndModify({query: {}})', 'db.s.findAndModify({remove: true, update: {$set: {a: 1}}})', 'db.s.findAndModify({qeury: {}, remove: true})']) {
      assert.throws(() => toModern(call(bad)), UsageError, bad);
    }
  });
});

describe('db.coll.stats()', () => {
  test('reads', () => {
    assert.equal(call('db.s.stats()').method, 'stats');
    assert.deepEqual(classify('db.s.stats(1024)'), { write: false, destructive: false });
  });
});

describe('formatShellPretty: documents as mongosh prints them', () => {
  const samples: unknown[] = [
    { _id: 1, name: 'Sam' },
    { acknowledged: true, insertedId: null, matchedCount: 1, modifiedCount: 1, upsertedCount: 0 },
    { _id: 1, profile: { address: { street: 'Long Street Name 12345', city: 'Somewhere Far Away', zip: '12345' }, tags: ['a', 'b'] } },
    { list: Array.from({ length: 30 }, (_, i) => i * 7), words: ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta'] },
    { a: { b: { c: { d: 1 } } } },
    [{ _id: 1, name: 'a' }, { _id: 2 }],
    { empty: {}, none: [], nested: [[1, 2], [3, 4]], text: "it's" },
    { queryPlanner: { namespace: 't.s', parsedQuery: { _id: 1 }, winningPlan: { stage: 'COLLSCAN', filter: { _id: 1 }, direction: 'forward' }, rejectedPlans: [] }, ok: 1 },
  ];
  test('the same text as Node\'s util.inspect for plain values', () => {
    for (const value of samples) assert.equal(formatShellPretty(value), inspect(value, { depth: Infinity }));
  });
});
