import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { firstInvalidUtf8, scriptText } from '../../src/text/script-text.js';
import { UsageError } from '../../src/errors.js';

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('firstInvalidUtf8', () => {
  test('valid text, CJK and emoji included', () => {
    assert.equal(firstInvalidUtf8(Buffer.from("select '张三 😀 é';")), -1);
  });

  test('the offset of the first byte UTF-8 does not allow', () => {
    assert.equal(firstInvalidUtf8(bytes(0x61, 0xff)), 1);
    assert.equal(firstInvalidUtf8(bytes(0x61, 0xd5, 0xc5)), 1); // GBK 张
    assert.equal(firstInvalidUtf8(bytes(0xc0, 0x80)), 0); // overlong NUL
    assert.equal(firstInvalidUtf8(bytes(0xed, 0xa0, 0x80)), 0); // a surrogate
    assert.equal(firstInvalidUtf8(bytes(0xf4, 0x90, 0x80, 0x80)), 0); // past U+10FFFF
    assert.equal(firstInvalidUtf8(bytes(0x61, 0xe4, 0xb8)), 1); // cut short
  });
});

describe('scriptText', () => {
  test('UTF-8 passes, a BOM is dropped', () => {
    assert.equal(scriptText(Buffer.from('\uFEFFselect 1;'), 'x.sql'), 'select 1;');
  });

  test('anything else is a usage error naming the line, not text with U+FFFD in it', () => {
    assert.throws(
      () => scriptText(bytes(0x73, 0x0a, 0x0a, 0x27, 0xd5, 0xc5, 0x27), 'gbk.sql'),
      (e) => e instanceof UsageError && e.exitCode === 2 && /gbk\.sql is not UTF-8 text: line 3 .*0xd5/.test(e.message),
    );
  });
});
