import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { encodeCommand, encodeCommands } from '../../src/engines/redis/resp-encoder.js';
import { RespParser, RespProtocolError } from '../../src/engines/redis/resp-parser.js';
import {
  BigNumber, Double, OK, Push, ReplyError, ReplyMap, ReplySet, SimpleString, Verbatim, type Reply,
} from '../../src/engines/redis/resp-types.js';

function parseAll(...chunks: (string | Buffer)[]): Reply[] {
  const out: Reply[] = [];
  const p = new RespParser((r) => out.push(r));
  for (const c of chunks) p.feed(typeof c === 'string' ? Buffer.from(c, 'latin1') : c);
  return out;
}

/** every way of cutting the input in two must parse the same */
function parseSplitEverywhere(input: string): Reply[][] {
  const results: Reply[][] = [];
  for (let i = 1; i < input.length; i++) results.push(parseAll(input.slice(0, i), input.slice(i)));
  return results;
}

describe('RESP encoder', () => {
  test('text commands encode to one RESP string, byte lengths counted in UTF-8', () => {
    assert.equal(encodeCommand(['SET', 'k', '中']), '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\n中\r\n');
  });

  test('a pipeline is one payload', () => {
    assert.equal(encodeCommands([['PING'], ['GET', 'a']]), '*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1\r\na\r\n');
  });

  test('binary arguments produce a Buffer with exact bytes', () => {
    const out = encodeCommand(['SET', 'k', Buffer.from([0xff, 0x00])]);
    assert.ok(Buffer.isBuffer(out));
    assert.deepEqual(out, Buffer.concat([Buffer.from('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\n'), Buffer.from([0xff, 0, 13, 10])]));
  });

  test('long and empty words', () => {
    const long = 'x'.repeat(100) + 'é';
    assert.equal(encodeCommand([long, '']), `*2\r\n$102\r\n${long}\r\n$0\r\n\r\n`);
  });
});

describe('RESP parser', () => {
  test('RESP2 scalar types', () => {
    const [ok, status, err, int, neg, bulk, nil, nilArr] = parseAll('+OK\r\n+PONG\r\n-WRONGTYPE Operation against\r\n:42\r\n:-7\r\n$3\r\nSam\r\n$-1\r\n*-1\r\n');
    assert.equal(ok, OK);
    assert.deepEqual(status, new SimpleString('PONG'));
    assert.ok(err instanceof ReplyError);
    assert.equal(err.prefix, 'WRONGTYPE');
    assert.equal(err.text, 'Operation against');
    assert.equal(int, 42);
    assert.equal(neg, -7);
    assert.equal(bulk, 'Sam');
    assert.equal(nil, null);
    assert.equal(nilArr, null);
  });

  test('RESP3 types', () => {
    const [n, t, f, d, inf, big, verb, blobErr] = parseAll('_\r\n#t\r\n#f\r\n,3.5\r\n,inf\r\n(12345678901234567890\r\n=8\r\ntxt:abcd\r\n!5\r\nERR x\r\n');
    assert.equal(n, null);
    assert.equal(t, true);
    assert.equal(f, false);
    assert.ok(d instanceof Double && d.value === 3.5 && d.text === '3.5');
    assert.ok(inf instanceof Double && inf.value === Infinity);
    assert.ok(big instanceof BigNumber && big.text === '12345678901234567890');
    assert.ok(verb instanceof Verbatim && verb.value === 'abcd');
    assert.ok(blobErr instanceof ReplyError && blobErr.prefix === 'ERR' && blobErr.text === 'x');
  });

  test('integers beyond 2^53 become bigint', () => {
    assert.deepEqual(parseAll(':9223372036854775807\r\n'), [9223372036854775807n]);
    assert.deepEqual(parseAll(':-9007199254740991\r\n'), [-9007199254740991]);
  });

  test('nested aggregates: array, set, map, push; attributes are skipped', () => {
    const [arr, set, map, push, afterAttr] = parseAll(
      '*2\r\n*1\r\n:1\r\n*0\r\n',
      '~2\r\n$1\r\na\r\n$1\r\nb\r\n',
      '%1\r\n$4\r\nname\r\n$3\r\nSam\r\n',
      '>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n',
      '|1\r\n+key\r\n+val\r\n:5\r\n',
    );
    assert.deepEqual(arr, [[1], []]);
    assert.ok(set instanceof ReplySet);
    assert.deepEqual(set.items, ['a', 'b']);
    assert.ok(map instanceof ReplyMap);
    assert.deepEqual(map.entries, [['name', 'Sam']]);
    assert.ok(push instanceof Push && push.items.length === 3);
    assert.equal(afterAttr, 5);
  });

  test('bulk strings are binary-safe: text when UTF-8, exact bytes otherwise', () => {
    assert.deepEqual(parseAll('$4\r\na\r\nb\r\n'), ['a\r\nb']);
    assert.deepEqual(parseAll(Buffer.from('$6\r\n\xe4\xb8\xad\xef\xbf\xbd\r\n', 'latin1')), ['中\uFFFD']);
    const [bin] = parseAll(Buffer.from('$3\r\n\xff\x00\xe4\r\n', 'latin1'));
    assert.ok(Buffer.isBuffer(bin));
    assert.deepEqual([...bin], [0xff, 0x00, 0xe4]);
  });

  test('a reply cut at any byte parses the same', () => {
    const input = '*3\r\n$3\r\nfoo\r\n%1\r\n+k\r\n,1.5\r\n:-12\r\n+OK\r\n';
    const whole = parseAll(input);
    assert.equal(whole.length, 2);
    for (const r of parseSplitEverywhere(input)) assert.deepEqual(r, whole);
  });

  test('byte-by-byte feeding', () => {
    const input = '*2\r\n$5\r\nhello\r\n$-1\r\n';
    const out: Reply[] = [];
    const p = new RespParser((r) => out.push(r));
    for (const b of Buffer.from(input)) p.feed(Buffer.from([b]));
    assert.deepEqual(out, [['hello', null]]);
  });

  test('a large text bulk string arrives as text', () => {
    const body = 'é'.repeat(100_000);
    const wire = Buffer.from(`$${Buffer.byteLength(body)}\r\n${body}\r\n`);
    const chunks: Buffer[] = [];
    for (let i = 0; i < wire.length; i += 65_536) chunks.push(wire.subarray(i, i + 65_536));
    assert.deepEqual(parseAll(...chunks), [body]);
  });

  test('a large bulk string arriving in chunks is assembled exactly', () => {
    const body = Buffer.alloc(200_000);
    for (let i = 0; i < body.length; i++) body[i] = i % 251;
    const wire = Buffer.concat([Buffer.from(`$${body.length}\r\n`), body, Buffer.from('\r\n:1\r\n')]);
    const chunks: Buffer[] = [];
    for (let i = 0; i < wire.length; i += 65_536) chunks.push(wire.subarray(i, i + 65_536));
    const [big, one] = parseAll(...chunks);
    assert.ok(Buffer.isBuffer(big));
    assert.ok(big.equals(body));
    assert.equal(one, 1);
  });

  test('a big array in many chunks', () => {
    const n = 50_000;
    let wire = `*${n}\r\n`;
    for (let i = 0; i < n; i++) wire += `$${String(i).length}\r\n${i}\r\n`;
    const buf = Buffer.from(wire);
    const chunks: Buffer[] = [];
    for (let i = 0; i < buf.length; i += 1000) chunks.push(buf.subarray(i, i + 1000));
    const [arr] = parseAll(...chunks);
    assert.ok(Array.isArray(arr));
    assert.equal(arr.length, n);
    assert.equal(arr[n - 1], String(n - 1));
  });

  test('garbage is a protocol error', () => {
    assert.throws(() => parseAll('?what\r\n'), RespProtocolError);
  });

  test('an error without an upper-case prefix is ERR', () => {
    const [e] = parseAll('-something broke\r\n');
    assert.ok(e instanceof ReplyError);
    assert.equal(e.prefix, 'ERR');
    assert.equal(e.text, 'something broke');
  });
});
