import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as esmBson from 'bson';
import { formatShellKey, formatShellString, formatShellValue } from '../../src/mongo-syntax/shell-format.js';

// the driver and shell-bson-parser load bson's CommonJS build: the classes differ from the ESM import's
const cjsBson = createRequire(import.meta.url)('bson') as typeof esmBson;

const CASES: [string, unknown, string][] = [
  ['document from the note', { _id: 123, name: 'Sam', age: 16 }, "{ _id: 123, name: 'Sam', age: 16 }"],
  ['empty document and array', { a: {}, b: [] }, '{ a: {}, b: [] }'],
  ['nested arrays', [1, [2, { c: [3] }]], '[ 1, [ 2, { c: [ 3 ] } ] ]'],
  ['operator and dotted keys are quoted', { $set: { 'a.b': 1, 'x y': 2, _ok: 3, é: 4 } }, "{ '$set': { 'a.b': 1, 'x y': 2, _ok: 3, 'é': 4 } }"],
  ['scalars', [null, undefined, true, false, 0, -0, 1.5, NaN, -Infinity], '[ null, undefined, true, false, 0, -0, 1.5, NaN, -Infinity ]'],
  ['strings with quotes and escapes', ["it's", 'say "hi"', `both ' "`, 'a\nb\t\\', '\u0001'], `[ "it's", 'say "hi"', 'both \\' "', 'a\\nb\\t\\\\', '\\x01' ]`],
  ['non-ASCII strings stay readable', { 名字: '张三' }, "{ '名字': '张三' }"],
  ['Date', new Date(Date.UTC(2020, 0, 2, 3, 4, 5)), "ISODate('2020-01-02T03:04:05.000Z')"],
  ['invalid Date', new Date(NaN), 'Invalid Date'],
  ['RegExp', /^sa\/m/gi, '/^sa\\/m/gi'],
  ['bigint is an int64', 5n, "NumberLong('5')"],
  ['Buffer', Buffer.from([0, 1, 2]), "BinData(0, 'AAEC')"],
  ['Map', new Map([['a', 1]]), '{ a: 1 }'],
];

describe('formatShellValue: plain values', () => {
  for (const [name, value, expected] of CASES) test(name, () => assert.equal(formatShellValue(value), expected));

  test('a cycle prints as [Circular] instead of recursing forever', () => {
    const a: Record<string, unknown> = { x: 1 };
    a.self = a;
    assert.equal(formatShellValue(a), '{ x: 1, self: [Circular] }');
    const shared = { n: 1 };
    assert.equal(formatShellValue([shared, shared]), '[ { n: 1 }, { n: 1 } ]');
  });
});

for (const [flavour, bson] of [['CommonJS bson (driver)', cjsBson], ['ESM bson', esmBson]] as const) {
  describe(`formatShellValue: ${flavour}`, () => {
    const BSON_CASES: [string, unknown, string][] = [
      ['ObjectId', new bson.ObjectId('5f0000000000000000000001'), "ObjectId('5f0000000000000000000001')"],
      ['Long', bson.Long.fromString('9007199254740993'), "NumberLong('9007199254740993')"],
      ['Int32', new bson.Int32(7), 'NumberInt(7)'],
      ['Double', new bson.Double(2.5), '2.5'],
      ['Decimal128', bson.Decimal128.fromString('0.1'), "NumberDecimal('0.1')"],
      ['UUID', new bson.UUID('01234567-89ab-cdef-0123-456789abcdef'), "UUID('01234567-89ab-cdef-0123-456789abcdef')"],
      ['Binary', new bson.Binary(Buffer.from('hi'), 0), "BinData(0, 'aGk=')"],
      ['Timestamp', new bson.Timestamp({ t: 5, i: 2 }), 'Timestamp({ t: 5, i: 2 })'],
      ['MinKey / MaxKey', [new bson.MinKey(), new bson.MaxKey()], '[ MinKey(), MaxKey() ]'],
      // the engine reads regexes as BSONRegExp: they print as the literal the shell shows for a stored regex
      ['BSONRegExp', new bson.BSONRegExp('a+', 'i'), '/a+/i'],
      ['BSONRegExp with options JavaScript lacks', new bson.BSONRegExp('a.b', 'sx'), '/a.b/sx'],
      ['BSONRegExp with a / and an escaped \\/', new bson.BSONRegExp('a/b\\/c', ''), '/a\\/b\\/c/'],
      ['BSONRegExp, empty pattern', new bson.BSONRegExp('', ''), '/(?:)/'],
      ['Code', new bson.Code('function () {}'), "Code('function () {}')"],
      [
        'DBRef',
        new bson.DBRef('c', new bson.ObjectId('5f0000000000000000000001')),
        "DBRef('c', ObjectId('5f0000000000000000000001'))",
      ],
      [
        'a document as the engine will print it',
        { _id: new bson.ObjectId('5f0000000000000000000001'), name: 'sam', at: new Date(0), n: bson.Long.fromNumber(5) },
        "{ _id: ObjectId('5f0000000000000000000001'), name: 'sam', at: ISODate('1970-01-01T00:00:00.000Z'), n: NumberLong('5') }",
      ],
    ];
    for (const [name, value, expected] of BSON_CASES) test(name, () => assert.equal(formatShellValue(value), expected));
  });
}

describe('formatShellString / formatShellKey', () => {
  test('quotes like the shell', () => {
    assert.equal(formatShellString('sam'), "'sam'");
    assert.equal(formatShellString("O'Neil"), '"O\'Neil"');
    assert.equal(formatShellString('\u2028'), "'\\u2028'");
    assert.equal(formatShellKey('name'), 'name');
    assert.equal(formatShellKey('$lt'), "'$lt'");
    assert.equal(formatShellKey('1a'), "'1a'");
  });
});
