/**
 * Text that reaches a terminal must not drive it. These are the characters that control the terminal rather than
 * print: C0, DEL, C1 (U+0080–U+009F: U+009B is an 8-bit CSI) and the bidi embeddings, overrides and isolates,
 * which reorder the text shown around them. Escaped, they show as redis-cli shows bytes: `\xHH` of their UTF-8.
 */
const CONTROL = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
const CONTROLS = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;
/** the same, but newlines and tabs pass: a message of several lines stays several lines */
const CONTROLS_BUT_LINES = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

export function isTerminalControl(ch: string): boolean {
  return CONTROL.test(ch);
}

/** `\xHH` for each UTF-8 byte of the character */
export function hexEscape(ch: string): string {
  let out = '';
  for (const b of Buffer.from(ch, 'utf8')) out += `\\x${b.toString(16).padStart(2, '0')}`;
  return out;
}

/** every terminal control escaped, through `escape` (default: \xHH) */
export function escapeTerminalControls(text: string, escape: (ch: string) => string = hexEscape): string {
  return CONTROL.test(text) ? text.replace(CONTROLS, escape) : text;
}

/** a message for stderr: its controls escaped, its line breaks and tabs kept */
export function safeMessageText(text: string): string {
  return CONTROL.test(text) ? text.replace(CONTROLS_BUT_LINES, hexEscape) : text;
}
