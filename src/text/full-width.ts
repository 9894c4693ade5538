/**
 * Full-width punctuation a Chinese input method types where SQL and the mongo shell need ASCII (`‘Sam’`, `；`,
 * `，`, `（`): one table for the hints of every engine.
 */
const FULL_WIDTH: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, {
  '（': '(', '）': ')', '［': '[', '］': ']', '｛': '{', '｝': '}', '：': ':', '；': ';', '，': ',', '．': '.',
  '＂': '"', '“': '"', '”': '"', '＇': "'", '‘': "'", '’': "'", '＄': '$', '＝': '=', '＊': '*', '＜': '<', '＞': '>',
});

// built from the table rather than written as a literal: the bundler escapes non-ASCII text in strings but not in
// regular expression literals, and one wide character in a bundle doubles the memory V8 holds its source in
// (scripts/snapshot.mjs)
const ANY = new RegExp(`[${Object.keys(FULL_WIDTH).join('')}]`, 'g');

export function isFullWidthPunctuation(c: string | undefined): boolean {
  return c !== undefined && FULL_WIDTH[c] !== undefined;
}

/** The text with its full-width punctuation made ASCII. */
export function asciiPunctuation(text: string): string {
  return text.replace(ANY, (c) => FULL_WIDTH[c]!);
}
