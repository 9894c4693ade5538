/**
 * Display width of text in a terminal, so tables stay aligned with CJK text and emoji:
 * East Asian Wide/Fullwidth = 2 columns, combining marks and format characters = 0, emoji = 2.
 * The wide ranges come from Unicode's EastAsianWidth.txt (W and F), merged where the gaps are unassigned;
 * emoji use the regex property Emoji_Presentation instead of a table.
 */

const WIDE: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f], // Hangul Jamo initial consonants
  [0x2329, 0x232a], // angle brackets
  [0x2e80, 0x303e], // CJK radicals, Kangxi, ideographic description, CJK symbols and punctuation
  [0x3041, 0x33ff], // Hiragana, Katakana, Bopomofo, Hangul compatibility Jamo, Kanbun, enclosed CJK, CJK compatibility
  [0x3400, 0x4dbf], // CJK Extension A
  [0x4e00, 0x9fff], // CJK Unified Ideographs
  [0xa000, 0xa4cf], // Yi
  [0xa960, 0xa97f], // Hangul Jamo Extended-A
  [0xac00, 0xd7a3], // Hangul syllables
  [0xf900, 0xfaff], // CJK Compatibility Ideographs
  [0xfe10, 0xfe19], // vertical forms
  [0xfe30, 0xfe6f], // CJK compatibility forms, small form variants
  [0xff00, 0xff60], // fullwidth ASCII
  [0xffe0, 0xffe6], // fullwidth signs
  [0x16fe0, 0x16fe4],
  [0x16ff0, 0x16ff1],
  [0x17000, 0x18cd5], // Tangut, Khitan
  [0x18d00, 0x18d08],
  [0x1aff0, 0x1b2ff], // Kana supplements, Nushu
  [0x1f200, 0x1f2ff], // enclosed ideographic supplement
  [0x20000, 0x2fffd], // CJK Extensions B–F
  [0x30000, 0x3fffd], // CJK Extensions G–H
];

const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}\u1160-\u11ff\ud7b0-\ud7ff]$/u;
const EMOJI = /^\p{Emoji_Presentation}$/u;
/** a grapheme that terminals draw as one 2-column emoji: ZWJ sequences, flags, keycaps, text symbols + VS16 */
const EMOJI_CLUSTER = /\p{Emoji_Presentation}|\p{Extended_Pictographic}\ufe0f|\p{Regional_Indicator}|\u20e3/u;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

function inWide(cp: number): boolean {
  let lo = 0;
  let hi = WIDE.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [start, end] = WIDE[mid]!;
    if (cp < start) hi = mid - 1;
    else if (cp > end) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Widths already worked out, + 1 (0 = not yet): regex tests per character would dominate big tables. */
const known = new Uint8Array(0x40000);

/** Width of one code point: 0, 1 or 2. Control characters count 0 (writers escape them before measuring). */
export function codePointWidth(cp: number): 0 | 1 | 2 {
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if (cp < 0x300) return 1;
  const cached = cp < known.length ? known[cp]! : 0;
  if (cached !== 0) return (cached - 1) as 0 | 1 | 2;
  const ch = String.fromCodePoint(cp);
  const width = ZERO_WIDTH.test(ch) ? 0 : inWide(cp) || EMOJI.test(ch) ? 2 : 1;
  if (cp < known.length) known[cp] = width + 1;
  return width;
}

/** Code points that join their neighbours into one emoji glyph, so summing code points would over-count. */
function joinsEmoji(cp: number): boolean {
  return (
    cp === 0x200d || cp === 0xfe0f || cp === 0x20e3 || (cp >= 0x1f1e6 && cp <= 0x1f1ff) || (cp >= 0x1f3fb && cp <= 0x1f3ff)
  );
}

function sumCodePoints(text: string): number {
  let width = 0;
  for (const ch of text) width += codePointWidth(ch.codePointAt(0)!);
  return width;
}

let segmenter: Intl.Segmenter | null | undefined;

function graphemes(): Intl.Segmenter | null {
  if (segmenter === undefined) {
    segmenter = typeof Intl.Segmenter === 'function' ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null;
  }
  return segmenter;
}

/** Columns a string takes in a terminal. */
export function stringWidth(text: string): number {
  if (PRINTABLE_ASCII.test(text)) return text.length;
  let width = 0;
  let emojiSequence = false;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (joinsEmoji(cp)) emojiSequence = true;
    width += codePointWidth(cp);
  }
  const seg = emojiSequence ? graphemes() : null;
  if (!seg) return width;
  width = 0;
  for (const { segment } of seg.segment(text)) {
    // a multi-code-point emoji (👨‍👩‍👧, 🇨🇳, ❤️) is drawn as one 2-column glyph, not the sum of its parts
    width += segment.length > 1 && EMOJI_CLUSTER.test(segment) ? 2 : sumCodePoints(segment);
  }
  return width;
}

/** Pads on the right to `width` columns; `textWidth` saves measuring again when the caller already has it. */
export function padEndWidth(text: string, width: number, textWidth = stringWidth(text)): string {
  return textWidth >= width ? text : text + ' '.repeat(width - textWidth);
}

/** Pads on the left to `width` columns. */
export function padStartWidth(text: string, width: number, textWidth = stringWidth(text)): string {
  return textWidth >= width ? text : ' '.repeat(width - textWidth) + text;
}
