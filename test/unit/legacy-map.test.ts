import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { toModern } from '../../src/engines/mongo/legacy-map.js';
import { parseDocStatement, type DocCall } from '../../src/mongo-syntax/doc-parser.js';
import { formatShellValue } from '../../src/mongo-syntax/shell-format.js';
import { ParseError, UsageError } from '../../src/errors.js';

function call(text: string): DocCall {
  const cmd = parseDocStatement(text);
  assert.equal(cmd.kind, 'call');
  return cmd as DocCall;
}

const shown = (text: string): string => {
  const m = toModern(call(text));
  return `${m.op}(${m.args.map(formatShellValue).join(', ')})`;
};

/** [statement, the modern call it runs as] */
const MAPPED: [string, string][] = [
  // the note, verbatim
  ["db.student.insert({_id: 123, name: 'Sam', age: 16})", "insertOne({ _id: 123, name: 'Sam', age: 16 })"],
  ['db.student.update({sex: 1}, {$set:{age: 20}})', "updateOne({ sex: 1 }, { '$set': { age: 20 } })"],
  ["db.student.update({name:'sam'},{$set:{age:20}},{multi:true})", "updateMany({ name: 'sam' }, { '$set': { age: 20 } })"],
  ["db.student.update({name:'jack'},{x:'y'})", "replaceOne({ name: 'jack' }, { x: 'y' })"],
  ["db.student.remove({name:'sam'},{justOne:true})", "deleteOne({ name: 'sam' })"],
  ["db.student.insert_one({'name': 'Ann', 'age': 21})", "insertOne({ name: 'Ann', age: 21 })"],
  ["db.student.insert_many([{'name': 'Back'}, {'name': 'Git'}])", "insertMany([ { name: 'Back' }, { name: 'Git' } ])"],
  // legacy semantics
  ['db.s.insert([{a: 1}, {a: 2}])', 'insertMany([ { a: 1 }, { a: 2 } ])'],
  ['db.s.insert({a: 1}, {ordered: false})', 'insertOne({ a: 1 }, { ordered: false })'],
  ['db.s.update({a: 1}, {$inc: {n: 1}}, {upsert: true})', "updateOne({ a: 1 }, { '$inc': { n: 1 } }, { upsert: true })"],
  ['db.s.update({a: 1}, {$inc: {n: 1}}, {multi: true, upsert: true})', "updateMany({ a: 1 }, { '$inc': { n: 1 } }, { upsert: true })"],
  ['db.s.update({a: 1}, {$inc: {n: 1}}, {multi: false})', "updateOne({ a: 1 }, { '$inc': { n: 1 } })"],
  ['db.s.update({a: 1}, {b: 2}, {upsert: true})', 'replaceOne({ a: 1 }, { b: 2 }, { upsert: true })'],
  ['db.s.update({a: 1}, {})', 'replaceOne({ a: 1 }, {})'],
  ['db.s.update({a: 1}, {$set: {b: 1}}, true, true)', "updateMany({ a: 1 }, { '$set': { b: 1 } }, { upsert: true })"],
  ['db.s.update({a: 1}, {$set: {b: 1}}, false, false)', "updateOne({ a: 1 }, { '$set': { b: 1 } })"],
  ['db.s.update({}, [{$set: {b: 1}}], {multi: true})', "updateMany({}, [ { '$set': { b: 1 } } ])"],
  ["db.s.remove({name: 'sam'})", "deleteMany({ name: 'sam' })"],
  ['db.s.remove({}, true)', 'deleteOne({})'],
  ['db.s.remove({a: 1}, false)', 'deleteMany({ a: 1 })'],
  ['db.s.remove({a: 1}, {justOne: false, collation: {locale: "en"}})', "deleteMany({ a: 1 }, { collation: { locale: 'en' } })"],
  ['db.s.count()', 'countDocuments({})'],
  ['db.s.count({a: 1})', 'countDocuments({ a: 1 })'],
  ['db.s.find_one({a: 1})', 'findOne({ a: 1 })'],
  ["db.s.aggregate({$match: {a: 1}}, {$count: 'n'})", "aggregate([ { '$match': { a: 1 } }, { '$count': 'n' } ])"],
  // modern calls pass through
  ['db.s.find({a: 1}, {b: 1})', 'find({ a: 1 }, { b: 1 })'],
  ['db.s.findOne()', 'findOne()'],
  ['db.s.updateMany({}, {$set: {a: 1}})', "updateMany({}, { '$set': { a: 1 } })"],
  ['db.s.deleteMany({})', 'deleteMany({})'],
  ["db.s.aggregate([{$count: 'n'}])", "aggregate([ { '$count': 'n' } ])"],
  ["db.s.distinct('a')", "distinct('a')"],
  ["db.s.createIndex({a: 1}, {name: 'a_1'})", "createIndex({ a: 1 }, { name: 'a_1' })"],
  ["db.s.dropIndex('a_1')", "dropIndex('a_1')"],
  ['db.s.drop()', 'drop()'],
  ['db.s.getIndexes()', 'getIndexes()'],
  ['db.version()', 'version()'],
  ['db.dropDatabase()', 'dropDatabase()'],
  ["db.createCollection('student')", "createCollection('student')"],
  ['db.getCollectionNames()', 'getCollectionNames()'],
];

describe('toModern: legacy calls map to modern ones', () => {
  for (const [text, expected] of MAPPED) test(text, () => assert.equal(shown(text), expected));
});

describe('toModern: the -v note', () => {
  test('a rewritten call says what ran', () => {
    assert.equal(
      toModern(call("db.student.update({name:'sam'},{$set:{age:20}},{multi:true})")).note,
      "ran as updateMany({ name: 'sam' }, { '$set': { age: 20 } })",
    );
    assert.equal(toModern(call('db.s.insert_one({a: 1})')).note, 'ran as insertOne({ a: 1 })');
  });

  test('a modern call has no note and keeps its arguments', () => {
    const cmd = call('db.s.find({a: 1})');
    const modern = toModern(cmd);
    assert.equal(modern.note, undefined);
    assert.equal(modern.args, cmd.args);
  });
});

/** [statement, message pattern, hint (exact) or undefined] */
const REFUSED: [string, RegExp, string | undefined][] = [
  [
    "db.student.update({name:'jack'},{x:'y'},{multi:true})",
    /multi update only works with \$ operators/,
    "change fields with $set: db.student.update({ name: 'jack' }, { '$set': { x: 'y' } }, { multi: true })",
  ],
  [
    "db['my-coll'].update({}, {x: 1}, false, true)",
    /multi update only works/,
    "change fields with $set: db.getCollection('my-coll').update({}, { '$set': { x: 1 } }, { multi: true })",
  ],
  ['db.s.update({a: 1})', /db\.s\.update\(\) takes 2 to 4 arguments, got 1/, 'usage: db.s.update(filter, update, { multi: true, upsert: true })'],
  ['db.s.update({a: 1}, {$set: {b: 1}}, {}, {})', /at most 3 arguments/, 'usage: db.s.update(filter, update, { multi: true, upsert: true })'],
  ['db.s.update({a: 1}, {$set: {b: 1}}, 5)', /options of update\(\) are a document/, 'usage: db.s.update(filter, update, { multi: true, upsert: true })'],
  ['db.s.update({a: 1}, {$set: {b: 1}}, true, 1)', /true or false/, 'usage: db.s.update(filter, update, { multi: true, upsert: true })'],
  ['db.s.update({a: 1}, 5)', /argument 2 of db\.s\.update\(\) must be an update document/, 'usage: db.s.update(filter, update, { multi: true, upsert: true })'],
  ['db.s.remove()', /takes 1 or 2 arguments, got 0/, 'usage: db.s.remove(filter, { justOne: true })'],
  ["db.s.remove({}, 'one')", /true or \{ justOne: true \}/, 'usage: db.s.remove(filter, { justOne: true })'],
  ["db.s.insert('text')", /argument 1 of db\.s\.insert\(\) must be a document/, 'usage: db.s.insert(document or [document, …])'],
  ['db.s.insert([])', /non-empty array of documents/, 'usage: db.s.insert(document or [document, …])'],
  ['db.s.insert([{a: 1}, 2])', /non-empty array of documents/, 'usage: db.s.insert(document or [document, …])'],
  ['db.s.insertOne()', /takes 1 or 2 arguments, got 0/, 'usage: db.s.insertOne(document)'],
  ['db.s.insertMany({a: 1})', /must be a non-empty array/, 'usage: db.s.insertMany([document, …])'],
  ["db.s.find('a')", /argument 1 of db\.s\.find\(\) must be a filter document/, 'usage: db.s.find(filter?, projection?)'],
  ['db.s.find({}, {}, {}, {})', /takes 0 to 3 arguments, got 4/, 'usage: db.s.find(filter?, projection?)'],
  ['db.s.find([{a: 1}])', /filter document/, 'usage: db.s.find(filter?, projection?)'],
  ["db.s.find(ObjectId('5f0000000000000000000001'))", /filter document/, 'usage: db.s.find(filter?, projection?)'],
  ['db.s.distinct()', /takes 1 to 3 arguments/, "usage: db.s.distinct('field', filter?)"],
  ['db.s.getIndexes(1)', /must be an options document/, 'usage: db.s.getIndexes()'],
  ['db.version(1)', /db\.version\(\) takes 0 arguments, got 1/, 'usage: db.version()'],
  ['db.createCollection()', /takes 1 or 2 arguments/, "usage: db.createCollection('name')"],
  ["db.createCollection('')", /non-empty string/, "usage: db.createCollection('name')"],
];

describe('toModern: bad calls are usage errors (exit 2) with a hint, and a caret where the parser placed the call', () => {
  for (const [text, message, hint] of REFUSED) {
    test(text, () => {
      assert.throws(
        () => toModern(call(text)),
        (e: unknown) => {
          assert.ok(e instanceof ParseError, `expected ParseError, got ${String(e)}`);
          assert.equal(e.exitCode, 2);
          assert.equal(e.line, 1);
          assert.ok(e.column >= 1 && e.column <= text.length, `column ${e.column}`);
          assert.match(e.message, message);
          assert.equal(e.hint, hint);
          assert.equal(e.statement, text);
          return true;
        },
      );
    });
  }

  test('the caret stands at the extra argument, at the ) of a missing one, at the argument of the wrong kind', () => {
    for (const [text, column] of [
      ['db.s.find({}, {}, {}, {})', 23],
      ['db.s.insertOne()', 16],
      ['db.s.update({a: 1}, 5)', 21],
      ["db.s.remove({}, 'one')", 17],
    ] as const) {
      assert.throws(() => toModern(call(text)), (e: unknown) => e instanceof ParseError && e.line === 1 && e.column === column, text);
    }
    // a statement that starts on script line 4 reports script lines
    const cmd = parseDocStatement('db.s.find(\n  {},\n  {}, {}, 5)', 4) as DocCall;
    assert.throws(() => toModern(cmd), (e: unknown) => e instanceof ParseError && e.line === 6 && e.column === 11);
  });

  test('a method outside the table is refused, not passed to the driver', () => {
    const cmd: DocCall = { kind: 'call', target: { type: 'collection', name: 's' }, method: 'mapReduce', args: [], chain: [], text: 'x' };
    assert.throws(() => toModern(cmd), /db\.s\.mapReduce\(\) is not supported/);
    const proto: DocCall = { ...cmd, method: 'constructor' };
    assert.throws(() => toModern(proto), UsageError);
  });
});
