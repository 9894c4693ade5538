import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { parseDocStatement, type DocCommand } from '../../src/mongo-syntax/doc-parser.js';
import { COLLECTION_METHODS, DB_METHODS, closestName } from '../../src/mongo-syntax/doc-methods.js';
import { formatParseError } from '../../src/mongo-syntax/parse-error-format.js';
import { formatShellValue } from '../../src/mongo-syntax/shell-format.js';
import { ParseError } from '../../src/errors.js';

/** One line per command: `[coll].method(args).chained(args)`, values in shell notation. */
function summary(cmd: DocCommand): string {
  switch (cmd.kind) {
    case 'show':
      return `show ${cmd.what}`;
    case 'use':
      return `use ${cmd.db}`;
    case 'db':
      return 'db';
    case 'call': {
      const call = (m: string, args: unknown[]): string => `${m}(${args.map(formatShellValue).join(', ')})`;
      const target = cmd.target.type === 'db' ? 'db' : `[${cmd.target.name}]`;
      return [`${target}.${call(cmd.method, cmd.args)}`, ...cmd.chain.map((c) => call(c.method, c.args))].join('.');
    }
  }
}

const NOTE_LINES: [string, string][] = [
  ['show dbs', 'show dbs'],
  ['show collections', 'show collections'],
  ['db.version()', 'db.version()'],
  ['db', 'db'],
  ['use dbName', 'use dbName'],
  ["db.createCollection('student')", "db.createCollection('student')"],
  ["db.student.insert({_id: 123, name: 'Sam', age: 16})", "[student].insert({ _id: 123, name: 'Sam', age: 16 })"],
  ['db.student.find()', '[student].find()'],
  ['db.student.findOne()', '[student].findOne()'],
  ['db.student.find({age: {$lt: 100}})', "[student].find({ age: { '$lt': 100 } })"],
  ['db.student.update({sex: 1}, {$set:{age: 20}})', "[student].update({ sex: 1 }, { '$set': { age: 20 } })"],
  [
    "db.student.update({name:'sam'},{$set:{age:20}},{multi:true})",
    "[student].update({ name: 'sam' }, { '$set': { age: 20 } }, { multi: true })",
  ],
  ["db.student.update({name:'jack'},{x:'y'})", "[student].update({ name: 'jack' }, { x: 'y' })"],
  ["db.student.remove({name:'sam'},{justOne:true})", "[student].remove({ name: 'sam' }, { justOne: true })"],
  // the note's pymongo part, typed as shell
  ["db.student.insert_one({'name': 'Ann', 'age': 21})", "[student].insert_one({ name: 'Ann', age: 21 })"],
  ["db.student.insert_many([{'name': 'Back'}, {'name': 'Git'}])", "[student].insert_many([ { name: 'Back' }, { name: 'Git' } ])"],
];

const ACCEPTED: [string, string][] = [
  ['show databases', 'show dbs'],
  ['show tables', 'show collections'],
  ['show users', 'show users'],
  ['show profile;', 'show profile'],
  ['show dbs // all of them', 'show dbs'],
  ['use my_db-2;', 'use my_db-2'],
  ['use test // switch', 'use test'],
  ['show /* which */ collections;', 'show collections'],
  ['db;', 'db'],
  ['db.dropDatabase()', 'db.dropDatabase()'],
  ['db.getCollectionNames()', 'db.getCollectionNames()'],
  ['db.stats()', 'db.stats()'],
  ['db.getName()', 'db.getName()'],
  ["db.getCollection('student')", "db.getCollection('student')"],
  ["db['student'].find({})", '[student].find({})'],
  ['db["my-coll"].find()', '[my-coll].find()'],
  ["db.getCollection('student').find({a: 1})", '[student].find({ a: 1 })'],
  ["db.getCollection('a').b.find()", '[a.b].find()'],
  ['db.a.b.find()', '[a.b].find()'],
  ['db.a.b.c.insertOne({x: 1})', '[a.b.c].insertOne({ x: 1 })'],
  ['db.stats.find()', '[stats].find()'],
  ['db.学生.find()', '[学生].find()'],
  [
    'db.student.find({}, {name: 1}).sort({age: -1}).skip(5).limit(10).toArray()',
    '[student].find({}, { name: 1 }).sort({ age: -1 }).skip(5).limit(10).toArray()',
  ],
  ['db.student.find().count()', '[student].find().count()'],
  ['db.student.find().pretty().size()', '[student].find().pretty().size()'],
  ['db.student.find().hint({a: 1}).projection({a: 1})', '[student].find().hint({ a: 1 }).projection({ a: 1 })'],
  ['db.student.find()\n  .sort({a: 1})\n  .limit(2)', '[student].find().sort({ a: 1 }).limit(2)'],
  ['db.student.find();', '[student].find()'],
  ['db.student.find() // all', '[student].find()'],
  ['db.student.find_one()', '[student].find_one()'],
  [
    'db.student.aggregate([{$match: {a: 1}}, {$group: {_id: "$a", n: {$sum: 1}}}])',
    "[student].aggregate([ { '$match': { a: 1 } }, { '$group': { _id: '$a', n: { '$sum': 1 } } } ])",
  ],
  ['db.student.distinct("name", {age: {$gt: 1}})', "[student].distinct('name', { age: { '$gt': 1 } })"],
  ['db.student.createIndex({name: 1}, {unique: true})', '[student].createIndex({ name: 1 }, { unique: true })'],
  ['db.student.countDocuments({})', '[student].countDocuments({})'],
  ["db.x.insertOne({'quoted': 1, \"double\": 2, bare: 3, $dollar: 4, 'a.b': 5, 7: 6})", "[x].insertOne({ '7': 6, quoted: 1, double: 2, bare: 3, '$dollar': 4, 'a.b': 5 })"],
  ["db.x.insertOne({s: 'it\\'s', t: \"say \\\"hi\\\"\", u: `tpl`, n: -1.5, h: 0x1F, e: 1e3, sep: 1_000})", "[x].insertOne({ s: \"it's\", t: 'say \"hi\"', u: 'tpl', n: -1.5, h: 31, e: 1000, sep: 1000 })"],
  ['db.x.insertOne({t: true, f: false, z: null, l: [1, [2, {a: []}]], trailing: 1,})', '[x].insertOne({ t: true, f: false, z: null, l: [ 1, [ 2, { a: [] } ] ], trailing: 1 })'],
  ['db.x.find({name: /^sa/i, dot: /a.b/s})', '[x].find({ name: /^sa/i, dot: /a.b/s })'],
  [
    "db.x.insertOne({_id: ObjectId('5f0000000000000000000001'), at: ISODate('2020-01-02T03:04:05Z'), d: new Date(0)})",
    "[x].insertOne({ _id: ObjectId('5f0000000000000000000001'), at: ISODate('2020-01-02T03:04:05.000Z'), d: ISODate('1970-01-01T00:00:00.000Z') })",
  ],
  [
    "db.x.insertOne({i: NumberInt(5), l: NumberLong('9007199254740993'), m: NumberLong(-5), d: NumberDecimal('0.1'), u: UUID('01234567-89ab-cdef-0123-456789abcdef')})",
    "[x].insertOne({ i: NumberInt(5), l: NumberLong('9007199254740993'), m: NumberLong('-5'), d: NumberDecimal('0.1'), u: UUID('01234567-89ab-cdef-0123-456789abcdef') })",
  ],
  ['db.x.find({a: 1 /* inline */, // line\n b: 2})', '[x].find({ a: 1, b: 2 })'],
  ['db.x.find({a: Infinity, b: -Infinity, c: +6})', '[x].find({ a: Infinity, b: -Infinity, c: 6 })'],
];

describe('parseDocStatement: every MongoDB line of the note', () => {
  for (const [input, expected] of NOTE_LINES) test(input, () => assert.equal(summary(parseDocStatement(input)), expected));
});

describe('parseDocStatement: accepted forms', () => {
  for (const [input, expected] of ACCEPTED) test(input, () => assert.equal(summary(parseDocStatement(input)), expected));

  test('a call keeps its text, the target and a generic chain', () => {
    assert.deepEqual(parseDocStatement('db.student.find({a: 1}).sort({b: -1}).limit(2);'), {
      kind: 'call',
      target: { type: 'collection', name: 'student' },
      method: 'find',
      args: [{ a: 1 }],
      chain: [
        { method: 'sort', args: [{ b: -1 }], at: { method: { line: 1, column: 25 }, args: [{ line: 1, column: 30 }], close: { line: 1, column: 37 } } },
        { method: 'limit', args: [2], at: { method: { line: 1, column: 39 }, args: [{ line: 1, column: 45 }], close: { line: 1, column: 46 } } },
      ],
      text: 'db.student.find({a: 1}).sort({b: -1}).limit(2);',
      // where the parts stand, for errors found after parsing (arity, argument kinds)
      at: { method: { line: 1, column: 12 }, args: [{ line: 1, column: 17 }], close: { line: 1, column: 23 } },
    });
  });

  test('values are real bson / JS values', () => {
    const cmd = parseDocStatement(
      "db.x.insertOne({o: ObjectId('5f0000000000000000000001'), d: ISODate('2020-01-01'), n: new Date(5), r: /x/g, l: NumberLong(7), i: NumberInt(7), m: NumberDecimal('1.5'), u: UUID()})",
    );
    assert.equal(cmd.kind, 'call');
    const doc = (cmd as Extract<DocCommand, { kind: 'call' }>).args[0] as Record<string, { _bsontype?: string }>;
    assert.equal(doc.o?._bsontype, 'ObjectId');
    assert.ok(doc.d instanceof Date && doc.d.getTime() === Date.UTC(2020, 0, 1));
    assert.ok(doc.n instanceof Date && doc.n.getTime() === 5);
    assert.ok(doc.r instanceof RegExp && doc.r.flags === 'g');
    assert.equal(doc.l?._bsontype, 'Long');
    assert.equal(doc.i?._bsontype, 'Int32');
    assert.equal(doc.m?._bsontype, 'Decimal128');
    assert.equal(doc.u?._bsontype, 'Binary');
    assert.equal(Object.getPrototypeOf(doc), Object.prototype);
  });

  test('exports the known method lists', () => {
    for (const m of ['version', 'dropDatabase', 'createCollection', 'getCollectionNames', 'stats', 'getCollection', 'getName']) {
      assert.ok(DB_METHODS.includes(m), m);
    }
    for (const m of ['insert', 'insert_one', 'find_one', 'update', 'remove', 'count', 'distinct', 'aggregate', 'drop', 'dropIndex']) {
      assert.ok(COLLECTION_METHODS.includes(m), m);
    }
    assert.equal(closestName('fnd', COLLECTION_METHODS), 'find');
    assert.equal(closestName('dropdatabase', DB_METHODS), 'dropDatabase');
    assert.equal(closestName('xyzzy', DB_METHODS), undefined);
  });
});

/** [input, startLine, line, column, message pattern, hint (exact) or undefined] */
const ERRORS: [string, number, number, number, RegExp, string | undefined][] = [
  [
    'db.student.find({_id: 123, {name: 1}})',
    1, 1, 28, /bare \{…\} cannot be an entry/,
    'the projection is the second argument: db.student.find({_id: 123}, {name: 1})',
  ],
  ['db.dropDatabase', 1, 1, 4, /db\.dropDatabase is a method: add \(\)/, 'db.dropDatabase()'],
  [
    'db.student.find({{name: 1}, _id: 123, age: {$gt: 1}})',
    1, 1, 18, /bare/,
    'the projection is the second argument: db.student.find({_id: 123, age: {$gt: 1}}, {name: 1})',
  ],
  ['db.student.update({a: 1, {$set: {b: 2}}})', 1, 1, 26, /bare/, 'the update is the second argument: db.student.update({a: 1}, {$set: {b: 2}})'],
  ['db.student.drop', 1, 1, 12, /db\.student\.drop is a method/, 'db.student.drop()'],
  ["db.getCollection('s').find", 1, 1, 23, /db\.s\.find is a method/, "db.getCollection('s').find()"],
  ['db.student.find().pretty', 1, 1, 19, /'pretty' is a method/, 'db.student.find().pretty()'],
  ['db.student', 1, 1, 11, /is a collection: call a method/, 'db.student.find()'],
  ['db.student.fnd({a: 1})', 1, 1, 12, /^unknown method 'db\.student\.fnd' — did you mean db\.student\.find\(\)\?$/, 'db.student.find({a: 1})'],
  ['db.verion()', 1, 1, 4, /^unknown method 'db\.verion' — did you mean db\.version\(\)\?$/, 'db.version()'],
  ['db.student.frobnicate()', 1, 1, 12, /^unknown method 'db\.student\.frobnicate'$/, `collection methods: ${COLLECTION_METHODS.join(', ')}`],
  ['show dbz', 1, 1, 6, /unknown show target 'dbz'/, 'show dbs'],
  ["use 'test'", 1, 1, 5, /without quotes/, 'use test'],
  ['use a.b', 1, 1, 6, /cannot contain '\.'/, undefined],
  ['db.x.find({a: sam})', 1, 1, 15, /'sam' is not a value/, "put text in quotes: 'sam'"],
  ['db.x.find({\n  a: 1,\n  b: ,\n})', 5, 7, 6, /unexpected token/, undefined],
  ['db.x.find({a: 1},\n  {b: ObjectId("zz")})', 3, 4, 7, /invalid value: .*24 character hex/, undefined],
  ["db.x.find({at: ISODate('yesterday')})", 1, 1, 16, /not a valid ISODate/, undefined],
  ["db.x.find({n: NumberLong('12345678901234567890')})", 1, 1, 26, /64-bit integer/, undefined],
  ['db.x.find({a: 1n})', 1, 1, 15, /BigInt/, "use NumberLong('1')"],
  ['db.x.find({a: [1,,2]})', 1, 1, 15, /empty slot/, undefined],
  ['db.x.find({a})', 1, 1, 12, /'a' has no value/, 'write a: VALUE'],
  ['db.x.find({[k]: 1})', 1, 1, 12, /computed keys/, undefined],
  ['db.x.find({a: 1 in {}})', 1, 1, 16, /arithmetic \('in'\)/, undefined],
  ['db.x.find({a: 2 * 3})', 1, 1, 16, /arithmetic \('\*'\) is not accepted: values are written out/, undefined],
  ['db.x.find({a: !true})', 1, 1, 15, /the operator '!' is not accepted/, undefined],
  ['db.x.find({a: Math.max(1, 2)})', 1, 1, 20, /the method 'max' is not accepted/, undefined],
  ['db.x.find({a: new Date().getTime()})', 1, 1, 26, /the method 'getTime' is not accepted/, undefined],
  ['db.x.find({a: Math.random.call()})', 1, 1, 27, /method 'call'/, undefined],
  ['db[0].find()', 1, 1, 4, /quoted name/, undefined],
  ['db()', 1, 1, 1, /'db' is not a function/, 'db.COLLECTION.find()'],
  ['db.x.find()()', 1, 1, 12, /method name is missing/, undefined],
  ['db.x.find(); db.y.find()', 1, 1, 14, /one statement at a time/, undefined],
  ["db.x.find({s: 'abc})", 1, 1, 15, /unterminated string/, undefined],
  ['', 1, 1, 1, /empty statement/, 'try: show dbs'],
  // names of Object.prototype members find nothing in the parser's tables
  ['show constructor', 1, 1, 6, /unknown show target 'constructor'/, 'show dbs | databases | collections | tables | users | roles | profile | logs'],
  ['show __proto__', 1, 1, 6, /unknown show target/, 'show dbs | databases | collections | tables | users | roles | profile | logs'],
  ['db.x.find({a: constructor.max(1)})', 1, 1, 27, /method 'max' is not accepted/, undefined],
  ['db.x.find({a: toString.call()})', 1, 1, 24, /method 'call' is not accepted/, undefined],
  ['db.x.constructor({a: 1})', 1, 1, 6, /unknown method 'db\.x\.constructor'/, `collection methods: ${COLLECTION_METHODS.join(', ')}`],
  ['db.x.constructor({a: 1, {b: 1}})', 1, 1, 25, /bare/, 'the {…} part is a separate argument: db.x.constructor({a: 1}, {b: 1})'],
  [
    "db.student.find（{name：'张三，李四'}）",
    1, 1, 16, /'（' is full-width punctuation/,
    "use ASCII punctuation: db.student.find({name:'张三，李四'})",
  ],
  ['db.student.find({name: “sam”})', 1, 1, 24, /full-width/, 'use ASCII punctuation: db.student.find({name: "sam"})'],
  [`db.x.find(${'['.repeat(300)}${']'.repeat(300)})`, 1, 1, 112, /nest more than 100 levels/, undefined],
];

describe('parseDocStatement: errors with line, column and hints', () => {
  for (const [input, startLine, line, column, message, hint] of ERRORS) {
    test(JSON.stringify(input), () => {
      assert.throws(
        () => parseDocStatement(input, startLine),
        (e: unknown) => {
          assert.ok(e instanceof ParseError, `expected ParseError, got ${String(e)}`);
          assert.equal(e.exitCode, 2);
          assert.deepEqual([e.line, e.column], [line, column], e.message);
          assert.match(e.message, message);
          assert.equal(e.hint, hint);
          assert.equal(e.engine, 'doc');
          assert.equal(e.statement, input);
          return true;
        },
      );
    });
  }
});

describe('formatParseError', () => {
  const caret = (text: string, startLine = 1): string => {
    try {
      parseDocStatement(text, startLine);
    } catch (e) {
      if (e instanceof ParseError) return formatParseError(text, e, startLine);
    }
    assert.fail('expected a ParseError');
  };

  test('puts a ^ under the column of the note typo', () => {
    assert.equal(
      caret('db.student.find({_id: 123, {name: 1}})'),
      'db.student.find({_id: 123, {name: 1}})\n                           ^',
    );
  });

  test('shows the failing line of a multi-line statement starting at line 10', () => {
    assert.equal(caret('db.x.find({\n\tb: ,\n})', 10), '\tb: ,\n\t   ^');
  });

  test('wide characters count two columns', () => {
    assert.equal(caret("db.学生.find({名: x})"), "db.学生.find({名: x})\n" + ' '.repeat(18) + '^');
  });

  test('a position outside the text gives an empty string', () => {
    assert.equal(formatParseError('db', { line: 9, column: 1 }), '');
  });
});

describe('parseDocStatement: nothing the user types runs', () => {
  const g = globalThis as { __dbxPwned?: boolean };
  const ATTEMPTS = [
    "require('child_process').execSync('touch /tmp/dbx-pwned')",
    'this.constructor.constructor("globalThis.__dbxPwned = true")()',
    '(function(){ globalThis.__dbxPwned = true })()',
    '(() => { globalThis.__dbxPwned = true })()',
    'db.x.find({get a(){ globalThis.__dbxPwned = true; return 1 }})',
    'db.x.find({set a(v){ globalThis.__dbxPwned = true }})',
    'db.x.find({a: function(){ globalThis.__dbxPwned = true }})',
    'db.x.find({a: () => { globalThis.__dbxPwned = true }})',
    'db.x.find({toString() { globalThis.__dbxPwned = true }})',
    'db.x.find({a: `${globalThis.__dbxPwned = true}`})',
    'process.exit(1)',
    'db.x.find().forEach(function(d){ globalThis.__dbxPwned = true })',
    'db.x.find().forEach(f)',
    'globalThis.__dbxPwned = true',
    'db.x = (globalThis.__dbxPwned = true)',
    'new Function("globalThis.__dbxPwned = true")()',
    'db.x.find({a: Function("globalThis.__dbxPwned = true")()})',
    'db.x.find({a: ObjectId.constructor("globalThis.__dbxPwned = true")()})',
    'db.x.find({a: Date.constructor("globalThis.__dbxPwned = true")()})',
    "db.x.find({a: ISODate().constructor.constructor('globalThis.__dbxPwned = true')()})",
    "db.x.find({a: 'x'.constructor.constructor('globalThis.__dbxPwned = true')()})",
    'db.x.find({a: Math.constructor})',
    'db.x.find({a: [].map.call([1], () => { globalThis.__dbxPwned = true })})',
    "db.x.find({a: eval('globalThis.__dbxPwned = true')})",
    "db.x.find({a: import('fs')})",
    'db.x.find({a: RegExp.prototype.constructor})',
    'db.x.find({a: tag`x`})',
    "db.getCollection((globalThis.__dbxPwned = true, 'x')).find()",
    "db[(globalThis.__dbxPwned = true, 'x')].find()",
    'db.x.find({a: Date.now.call(globalThis)})',
    'db.x.find({a: new (class { constructor(){ globalThis.__dbxPwned = true } })()})',
    'db.x.find({a: (globalThis.__dbxPwned = true)})',
    "db.x.find({a: ObjectId((globalThis.__dbxPwned = true, '5f0000000000000000000001'))})",
    'db.x.find({...globalThis})',
    'db.x.find({a: void 0})',
    'db.x.find({a: delete globalThis.__dbxPwned})',
    'db.x.find({a: 1} && globalThis.__dbxPwned)',
    'db.x.find(globalThis.__dbxPwned ??= true)',
  ];
  for (const statement of ATTEMPTS) {
    test(statement, () => {
      g.__dbxPwned = false;
      assert.throws(() => parseDocStatement(statement), ParseError);
      assert.equal(g.__dbxPwned, false);
    });
  }

  test('__proto__ and constructor keys are data, not prototype pollution', () => {
    const cmd = parseDocStatement('db.x.insertOne({__proto__: {polluted: 1}, constructor: {prototype: {polluted: 2}}})');
    assert.equal(({} as { polluted?: number }).polluted, undefined);
    assert.equal(summary(cmd), '[x].insertOne({ __proto__: { polluted: 1 }, constructor: { prototype: { polluted: 2 } } })');
  });
});
