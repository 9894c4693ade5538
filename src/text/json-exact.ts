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
