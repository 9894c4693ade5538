/**
 * The bytes path of array replies (resp-bulk-array.ts): a reply asked for as a BulkArray must hold exactly the values
 * the ordinary parse makes, however the bytes are cut into chunks, and its ndjson must be what JSON.stringify of
 * those values gives, tricky values included (binary, non-UTF-8, empty, control characters, quotes, huge).
 */
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { redisCodec } from '../../src/engines/redis/redis-reply-codec.js';
import { BulkArray, jsonLinesOf } from '../../src/engines/redis/resp-bulk-array.js';
import { RespParser } from '../../src/engines/redis/resp-parser.js';
import type { Reply } from '../../src/engines/redis/resp-types.js';

const TRICKY: Buffer[] = [
  '', 'plain', 'item-1', 'with "quotes"', 'back\\slash', 'tab\there', 'line\nbreak', 'cr\r', '\u0000nul', '\u001fus', 'del\u007f',
  'é', '中文', 'emoji 😀', '\u2028\u2029', '\ufeffbom', 'U+FFFD \ufffd itself', ' leading and trailing ', '{"$base64":"x"}',
].map((s) => Buffer.from(s, 'utf8')).concat([
  Buffer.from([0xff, 0xfe]), // not UTF-8
  Buffer.from([0xed, 0xa0, 0x80]), // a UTF-16 surrogate encoded: not UTF-8
  Buffer.from([0xc3]), // cut short
  Buffer.from([0x61, 0xc3, 0xa9, 0x80]), // a stray continuation byte
  Buffer.from('x'.repeat(70_000)), // larger than the parser's large-bulk size
  Buffer.concat([Buffer.from('"'.repeat(70_000)), Buffer.from([0xff])]),
  Buffer.from('ü'.repeat(40_000)),
]);

function resp(items: (Buffer | null | string)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${items.length}\r\n`)];
  for (const it of items) {
    if (it === null) parts.push(Buffer.from('$-1\r\n'));
    else if (typeof it === 'string') parts.push(Buffer.from(it)); // already RESP (an integer, a nested array)
    else parts.push(Buffer.from(`$${it.length}\r\n`), it, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** the replies of `bytes` fed in pieces of `size`, asked for as BulkArrays or not */
function parse(bytes: Buffer, size: number, bulk: boolean): (Reply | BulkArray)[] {
  const out: (Reply | BulkArray)[] = [];
  const p = new RespParser((r) => out.push(r), () => bulk);
  for (let i = 0; i < bytes.length; i += size) p.feed(bytes.subarray(i, i + size));
  return out;
}

const json = (v: Reply): unknown => redisCodec.json(v);

describe('BulkArray', () => {
  test('the same values as the ordinary parse, in chunks of every size', () => {
    const bytes = resp(TRICKY);
    const expected = parse(bytes, bytes.length, false)[0] as Reply[];
    for (const size of [1, 2, 3, 7, 64, 1000, 65_536, bytes.length]) {
      const [got] = parse(bytes, size, true);
      assert.ok(got instanceof BulkArray, `chunks of ${size}`);
      assert.deepEqual(got.items(), expected, `chunks of ${size}`);
    }
  });

  test('ndjson: JSON.stringify of each value on a line, byte for byte', () => {
    const bytes = resp(TRICKY);
    const values = parse(bytes, bytes.length, false)[0] as Reply[];
    const expected = values.map((v) => `${JSON.stringify(json(v))}\n`).join('');
    const [got] = parse(bytes, 5, true);
    assert.ok(got instanceof BulkArray);
    assert.equal(jsonLinesOf(got, json).toString('utf8'), expected);
    // the non-UTF-8 values are {"$base64": …}, the rest strings
    assert.ok(expected.includes(`{"$base64":"//4="}`));
  });

  test('an array that turns out to hold something else is made of values from there on', () => {
    const bytes = resp([Buffer.from('a'), Buffer.from([0xff]), null, ':5\r\n', '*2\r\n$1\r\nx\r\n$-1\r\n', Buffer.from('z'), '*0\r\n']);
    for (const size of [1, 3, bytes.length]) {
      assert.deepEqual(parse(bytes, size, true), parse(bytes, bytes.length, false), `chunks of ${size}`);
    }
  });

  test('only top-level arrays: errors, empty and nil arrays, maps and the replies after it parse as usual', () => {
    const input = Buffer.concat([
      Buffer.from('-ERR no\r\n*0\r\n*-1\r\n%1\r\n$1\r\nk\r\n$1\r\nv\r\n'), resp([Buffer.from('q')]), Buffer.from('+OK\r\n'),
    ]);
    const plain = parse(input, input.length, false);
    const bulk = parse(input, 4, true);
    assert.deepEqual(bulk.slice(0, 4), plain.slice(0, 4));
    assert.ok(bulk[4] instanceof BulkArray);
    assert.deepEqual(bulk[4].items(), ['q']);
    assert.deepEqual(bulk[5], plain[5]);
  });

  test('many short values grow the buffer as they come', () => {
    const items = Array.from({ length: 5000 }, (_, i) => Buffer.from(i % 7 === 0 ? 'x'.repeat(200) : `v${i}`));
    const bytes = resp(items);
    const [got] = parse(bytes, 4096, true);
    assert.ok(got instanceof BulkArray);
    assert.equal(got.length, 5000);
    assert.deepEqual(got.items(), items.map((b) => b.toString()));
    assert.equal(jsonLinesOf(got, json).toString(), items.map((b) => `"${b.toString()}"\n`).join(''));
  });
});

describe('a reader that reuses its buffer (net.connect onread)', () => {
  test('the parser keeps no view of a chunk past the feed: the same replies when the buffer is overwritten after each', () => {
    const bytes = Buffer.concat([resp(TRICKY), Buffer.from('+OK\r\n:42\r\n$5\r\nhello\r\n-ERR x\r\n'), resp([Buffer.from('z')])]);
    const expected = parse(bytes, bytes.length, false);
    for (const size of [1, 5, 13, 4096, 70_000]) {
      const reused = Buffer.alloc(size);
      const got: (Reply | BulkArray)[] = [];
      const p = new RespParser((r) => got.push(r), () => false);
      for (let i = 0; i < bytes.length; i += size) {
        const n = bytes.copy(reused, 0, i, Math.min(i + size, bytes.length));
        p.feed(reused.subarray(0, n));
        reused.fill(0x21); // the next read's bytes would be here
      }
      assert.deepEqual(got, expected, `reads of ${size}`);
    }
  });
});
