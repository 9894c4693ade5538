import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import { codePointWidth, padEndWidth, padStartWidth, stringWidth } from '../../src/text/text-width.js';

const cases: Array<[string, string, number]> = [
  ['empty', '', 0],
  ['ascii', 'Sam Lee', 7],
  ['CJK ideographs', '张三', 4],
  ['CJK column name', '学号', 4],
  ['mixed', 'id张三x', 7],
  ['Hangul syllables', '한국어', 6],
  ['Hangul jamo sequence (one syllable)', '\u1112\u1161\u11ab', 2],
  ['Katakana', 'カタカナ', 8],
  ['fullwidth letters', 'ＡＢ', 4],
  ['ideographic space and punctuation', '\u3000。', 4],
  ['halfwidth katakana', 'ｶﾀ', 2],
  ['combining acute accent', 'e\u0301', 1],
  ['precomposed', 'é', 1],
  ['zero width joiner alone', 'a\u200db', 2],
  ['emoji', '😀', 2],
  ['emoji ZWJ family', '👨\u200d👩\u200d👧', 2],
  ['flag', '🇨🇳', 2],
  ['text symbol with VS16', '\u2764\ufe0f', 2],
  ['text symbol without VS16', '\u2764', 1],
  ['keycap', '1\ufe0f\u20e3', 2],
  ['Greek and Cyrillic', 'αβЖ', 3],
  ['CJK extension B', '\u{20000}', 2],
];

for (const [name, text, width] of cases) {
  test(`stringWidth: ${name}`, () => assert.equal(stringWidth(text), width));
}

test('codePointWidth: controls 0, narrow 1, wide 2', () => {
  assert.equal(codePointWidth(0x0a), 0);
  assert.equal(codePointWidth(0x41), 1);
  assert.equal(codePointWidth(0x0301), 0);
  assert.equal(codePointWidth(0x4e09), 2);
  assert.equal(codePointWidth(0xff21), 2);
  assert.equal(codePointWidth(0xff76), 1);
});

test('padding counts display columns, not UTF-16 units', () => {
  assert.equal(padEndWidth('张三', 7), '张三   ');
  assert.equal(padStartWidth('张三', 5), ' 张三');
  assert.equal(padEndWidth('toolong', 3), 'toolong');
});
