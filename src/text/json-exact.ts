/**
 * Reading JSON without losing digits: what the user gives (--params) and what MySQL stores in a JSON column.
 */

/** A JSON string, or a number literal (integer part, fraction, exponent). */
const JSON_TOKENS = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/**
 * JSON.parse, except that integers beyond 2^53 become strings holding their exact digits instead of being rounded
 * (12345678901234567890 would read as 12345678901234567000). Throws as JSON.parse does.
 */
export function parseJsonExact(text: string): unknown {
  return JSON.parse(text.replace(JSON_TOKENS, (t) => (t[0] === '"' || /[.eE]/.test(t) || Number.isSafeInteger(Number(t)) ? t : `"${t}"`)));
}

/**
 * A number of --params as it was written, where a double would change it (12345678901234567.89 read as
 * 12345678901234568, or an integer beyond 2^53): the engine sends its text.
 */
export class ExactNumber {
  constructor(readonly text: string) {}
}

/**
 * JSON.parse for values to bind: every number a double cannot hold as written (more digits than 2^53 or than a
 * double's 17, trailing zeros of a fraction) becomes an ExactNumber with its written text. Throws as JSON.parse.
 */
export function parseJsonNumbersExact(text: string): unknown {
  const exact = new Map<string, ExactNumber>();
  const nonce = `\u0000n${Math.random().toString(36).slice(2)}:`;
  const marked = text.replace(JSON_TOKENS, (t) => {
    if (t[0] === '"') return t;
    const n = Number(t);
    if (!Number.isFinite(n) || String(n) === t) return t; // 1e999 stays Infinity: the caller refuses it
    const key = `${nonce}${exact.size}`;
    exact.set(key, new ExactNumber(t));
    return JSON.stringify(key);
  });
  return JSON.parse(marked, (_k, v: unknown) => (typeof v === 'string' && exact.has(v) ? exact.get(v) : v));
}

/**
 * How deeply a JSON text's arrays and objects nest, counted on the text (strings skipped), without parsing it: a
 * value nested 50,000 deep would exhaust the stack of the parser and of everything that walks the value after it.
 */
export function jsonNestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // a string: to its closing quote, past escapes
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > deepest) deepest = depth;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}
