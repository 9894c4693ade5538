import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import type { Result, RowsResult } from '../../src/engines/engine.js';
import { redisCodec } from '../../src/engines/redis/redis-reply-codec.js';
import { replyToResult } from '../../src/engines/redis/redis-reply-mapper.js';
import {
  BigNumber, Double, OK, ReplyError, ReplyMap, ReplySet, SimpleString, Verbatim, type Reply,
} from '../../src/engines/redis/resp-types.js';

const b = (s: string): Buffer => Buffer.from(s);
const display = (r: Reply): string => redisCodec.display!(r);

async function rowsOf(r: Result): Promise<Record<string, unknown>[]> {
  assert.equal(r.kind, 'rows');
  const out: Record<string, unknown>[] = [];
  for await (const row of (r as RowsResult).rows) out.push(row);
  return out;
}

describe('display: redis-cli on a terminal (each reply type as redis-cli 7.0 prints it)', () => {
  const cases: [string, Reply, string][] = [
    ['bulk string', b('Sam'), '"Sam"'],
    ['bulk string decoded as text', 'Sam', '"Sam"'],
    ['text with escapes', 'a"b\n', '"a\\"b\\n"'],
    ['integer', 5, '(integer) 5'],
    ['negative integer', -2, '(integer) -2'],
    ['nil', null, '(nil)'],
    ['status', OK, 'OK'],
    ['other status', new SimpleString('string'), 'string'],
    ['empty array', [], '(empty array)'],
    ['empty set', new ReplySet([]), '(empty set)'],
    ['empty map', new ReplyMap([]), '(empty hash)'],
    ['double (RESP3)', new Double('1.5'), '(double) 1.5'],
    ['escapes', b('a"b\\c\nd\te\x01'), '"a\\"b\\\\c\\nd\\te\\x01"'],
    ['UTF-8 stays readable', b('中文'), '"中文"'],
    ['bytes that are not UTF-8', Buffer.from([0xff, 0x41, 0x00]), '"\\xffA\\x00"'],
    ['flat array', [b('a'), null, 3], '1) "a"\n2) (nil)\n3) (integer) 3'],
    ['nested arrays indent', [[b('a'), b('b')], [b('c')]], '1) 1) "a"\n   2) "b"\n2) 1) "c"'],
    ['map (RESP3)', new ReplyMap([[b('k'), b('v')], [b('n'), 1]]), '1# "k" => "v"\n2# "n" => (integer) 1'],
    ['set (RESP3)', new ReplySet([b('a'), b('b')]), '1~ "a"\n2~ "b"'],
    ['boolean (RESP3)', true, '(true)'],
    ['false (RESP3)', false, '(false)'],
    // redis-cli 7.0 cannot print a RESP3 big number; RESP2 sends these digits as a bulk string, which it quotes
    ['big number quoted, as RESP2 shows it', new BigNumber('123456789012345678901'), '"123456789012345678901"'],
    ['verbatim string as it is', new Verbatim('two\nlines'), 'two\nlines'],
    ['a C1 control (8-bit CSI) as its UTF-8 bytes', '\u009b31m', '"\\xc2\\x9b31m"'],
    ['a bidi override as its UTF-8 bytes', 'a\u202eb', '"a\\xe2\\x80\\xaeb"'],
    ['controls in a status reply', new SimpleString('x\u001b[2Jy'), 'x\\x1b[2Jy'],
    ['controls in a nested error', [new ReplyError('ERR \u009b1m')], '1) (error) ERR \\xc2\\x9b1m'],
  ];
  for (const [name, reply, expected] of cases) test(name, () => assert.equal(display(reply), expected));

  test('indexes are right-aligned past 9, nested prefixes grow with them', () => {
    const items: Reply[] = Array.from({ length: 10 }, (_, i) => b(String(i)));
    items[9] = [b('x'), b('y')];
    const lines = display(items).split('\n');
    assert.equal(lines[0], ' 1) "0"');
    assert.equal(lines[9], '10) 1) "x"');
    assert.equal(lines[10], '    2) "y"');
  });

  test('a map value of several lines starts under its key, as redis-cli aligns it', () => {
    const map = new ReplyMap([[b('k'), [b('a'), b('b')]], [b('one'), [b('x')]]]);
    assert.equal(display(map), '1# "k" => \n   1) "a"\n   2) "b"\n2# "one" => 1) "x"');
  });
});

const raw = (r: Reply): string => Buffer.from(redisCodec.raw!(r)).toString('latin1');

describe('raw: redis-cli --raw', () => {
  test('values without decoration, one per line', () => {
    assert.equal(raw(b('Sam')), 'Sam');
    assert.equal(raw(5), '5');
    assert.equal(raw(null), '');
    assert.equal(raw(OK), 'OK');
    assert.equal(raw([b('a'), b('b'), 3]), 'a\nb\n3');
  });
  test('the server\'s bytes unchanged, NUL and all', () => {
    assert.deepEqual(redisCodec.raw!(Buffer.from([0x61, 0xff, 0x00, 0x62])), Buffer.from([0x61, 0xff, 0x00, 0x62]));
    assert.deepEqual(redisCodec.raw!([Buffer.from([0xff]), 'é']), Buffer.from([0xff, 0x0a, 0xc3, 0xa9]));
  });
  test('empty nested arrays are empty lines; a nested error is its text and an empty line', () => {
    assert.equal(raw([b('a'), [], b('b'), [[]]]), 'a\n\nb\n');
    assert.equal(raw([OK, new ReplyError('B c')]), 'OK\nB c\n');
  });
  test('RESP3: booleans as (true), maps as "key value" lines', () => {
    assert.equal(raw(true), '(true)');
    assert.equal(raw(new ReplyMap([[b('a'), 1], [b('b'), false]])), 'a 1\nb (false)');
    assert.equal(raw(new Double('3.5')), '3.5');
  });
});

describe('json', () => {
  test('scalars', () => {
    assert.equal(redisCodec.json(b('Sam')), 'Sam');
    assert.equal(redisCodec.json(5), 5);
    assert.equal(redisCodec.json(null), null);
    assert.equal(redisCodec.json(OK), 'OK');
    assert.equal(redisCodec.json(new Double('2.5')), 2.5);
    assert.equal(redisCodec.json(new Double('inf')), 'inf');
    assert.equal(redisCodec.json(12345678901234567890n), '12345678901234567890');
  });
  test('text stays text', () => {
    assert.equal(redisCodec.json('中文'), '中文');
    assert.equal(redisCodec.text('中文'), '中文');
    assert.equal(redisCodec.raw!('中文'), '中文');
  });
  test('bytes that are not UTF-8 → $base64', () => {
    assert.deepEqual(redisCodec.json(Buffer.from([0xff, 0x00])), { $base64: '/wA=' });
  });
  test('aggregates', () => {
    assert.deepEqual(redisCodec.json([b('a'), 1, null]), ['a', 1, null]);
    assert.deepEqual(redisCodec.json(new ReplyMap([[b('k'), [b('v')]]])), { k: ['v'] });
    assert.deepEqual(redisCodec.json(new ReplySet([b('x')])), ['x']);
  });
  test('text cells', () => {
    assert.equal(redisCodec.text(b('Sam')), 'Sam');
    assert.equal(redisCodec.text(null), '(nil)');
    assert.equal(redisCodec.text(new Double('3')), '3');
    assert.equal(redisCodec.text(Buffer.from([0xff])), '\\xff');
  });
});

describe('replyToResult: the shape decides', () => {
  test('scalars are values', () => {
    for (const r of [b('x'), 1, null, OK]) assert.equal(replyToResult(r, []).kind, 'value');
  });

  test('a flat list of strings is a one-column table, JSON as values', async () => {
    const r = replyToResult([b('5'), b('4')], ['lrange', 'l1', '0', '-1']);
    assert.equal(r.kind, 'rows');
    assert.deepEqual((r as RowsResult).columns, ['value']);
    assert.equal((r as RowsResult).shape, 'values');
    assert.deepEqual(await rowsOf(r), [{ value: b('5') }, { value: b('4') }]);
  });

  test('a set reply too', async () => {
    const r = replyToResult(new ReplySet([b('1'), b('2')]), ['smembers', 's1']);
    assert.deepEqual(await rowsOf(r), [{ value: b('1') }, { value: b('2') }]);
  });

  test('an empty list is the value (empty array)', () => {
    const r = replyToResult([], ['lrange', 'nope', '0', '-1']);
    assert.equal(r.kind, 'value');
    assert.equal(redisCodec.display!((r as { value: unknown }).value), '(empty array)');
  });

  test('a map of scalars is a field/value table, JSON as map', async () => {
    const r = replyToResult(new ReplyMap([[b('name'), b('Sam')], [b('age'), b('3')]]), ['hgetall', 'user']);
    assert.deepEqual((r as RowsResult).columns, ['field', 'value']);
    assert.equal((r as RowsResult).shape, 'map');
    assert.deepEqual(await rowsOf(r), [{ field: b('name'), value: b('Sam') }, { field: b('age'), value: b('3') }]);
  });

  test('[member, score] pairs are a member/score table', async () => {
    const r = replyToResult([[b('b'), new Double('4')], [b('a'), new Double('3')]], ['zrevrange', 'z1', '0', '-1', 'withscores']);
    assert.deepEqual((r as RowsResult).columns, ['member', 'score']);
    const rows = await rowsOf(r);
    assert.deepEqual(rows.map((x) => [redisCodec.json(x.member), redisCodec.json(x.score)]), [['b', 4], ['a', 3]]);
  });

  test('mixed or nested replies stay one value', () => {
    assert.equal(replyToResult([OK, 1], ['exec']).kind, 'value');
    assert.equal(replyToResult(new ReplyMap([[b('k'), [b('v')]]]), ['command', 'docs']).kind, 'value');
  });

  test('RESP2: HGETALL pairs and WITHSCORES become the RESP3 shapes', async () => {
    const h = replyToResult([b('name'), b('Sam')], ['HGETALL', 'user'], 2);
    assert.deepEqual(await rowsOf(h), [{ field: b('name'), value: b('Sam') }]);
    const z = replyToResult([b('a'), b('3')], ['zrange', 'z', '0', '-1', 'WITHSCORES'], 2);
    const rows = await rowsOf(z);
    assert.equal(redisCodec.json(rows[0]!.score), 3);
  });
});
