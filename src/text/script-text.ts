/**
 * A script's bytes → its text. Only UTF-8 is accepted: decoding anything else as UTF-8 would replace its bytes with
 * U+FFFD and send that, silently (a GBK or Latin-1 file's strings stored as "�"). The error names the line.
 */
import { UsageError } from '../errors.js';

const strict = new TextDecoder('utf-8', { fatal: true });

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const c = bytes[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    const extra = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (extra < 0 || i + extra >= bytes.length) return i; // not a lead byte, or cut short at the end
    const second = bytes[i + 1]!;
    // overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8
    const low = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const high = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    if (second < low || second > high) return i;
    for (let k = 2; k <= extra; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += extra + 1;
  }
  return -1;
}

export function scriptText(bytes: Uint8Array, source: string): string {
  try {
    return strict.decode(bytes);
  } catch {
    const at = Math.max(0, firstInvalidUtf8(bytes));
    let line = 1;
    for (let i = 0; i < at; i++) if (bytes[i] === 0x0a) line++;
    throw new UsageError(`${source} is not UTF-8 text: line ${line} holds a byte (0x${bytes[at]?.toString(16).padStart(2, '0') ?? '??'}) that UTF-8 does not allow`, {
      code: 'NOT_UTF8',
      hint: 'save the script as UTF-8 (e.g. iconv -f GBK -t UTF-8 script.sql > script-utf8.sql)',
    });
  }
}
