/**
 * A command as it may appear in -v, --log-file and error messages: passwords masked (AUTH, HELLO … AUTH,
 * CONFIG SET requirepass/masterauth, MIGRATE AUTH/AUTH2, ACL SETUSER >pass), words quoted as redis-cli would
 * need them to read the line back.
 */
import { quote } from './redis-reply-codec.js';
import { argWord, type Arg } from './resp-types.js';

const MASK = '***';
const SECRET_CONFIG = new Set(['requirepass', 'masterauth', 'tls-key-file-pass', 'tls-client-key-file-pass']);

export function redactArgs(args: readonly Arg[]): Arg[] {
  const out = [...args];
  const lower = (i: number): string => argWord(out[i]);
  const mask = (i: number): void => {
    if (i < out.length) out[i] = MASK;
  };
  const name = lower(0);
  if (name === 'auth') {
    // AUTH password | AUTH username password
    mask(out.length - 1);
    if (out.length > 3) for (let i = 1; i < out.length; i++) mask(i);
  } else if (name === 'hello') {
    for (let i = 1; i < out.length; i++) if (lower(i) === 'auth') mask(i + 2);
  } else if (name === 'config' && lower(1) === 'set') {
    for (let i = 2; i + 1 < out.length; i += 2) if (SECRET_CONFIG.has(lower(i))) mask(i + 1);
  } else if (name === 'migrate') {
    for (let i = 1; i < out.length; i++) {
      if (lower(i) === 'auth') mask(i + 1);
      if (lower(i) === 'auth2') mask(i + 2);
    }
  } else if (name === 'acl' && lower(1) === 'setuser') {
    for (let i = 3; i < out.length; i++) {
      const w = lower(i);
      if (w.startsWith('>') || w.startsWith('<')) out[i] = `${w[0]}${MASK}`;
      else if (w.startsWith('#') || w.startsWith('!')) out[i] = `${w[0]}${MASK}`;
    }
  }
  return out;
}

/** The words back as one line, quoted where redis-cli's splitter needs it. */
export function joinArgs(args: readonly Arg[]): string {
  return args.map((a) => (typeof a === 'string' && a !== '' && !/[\s"'\\\x00-\x1f\x7f]/.test(a) ? a : quote(a))).join(' ');
}

/** Masks what follows AUTH in text that could not be split into words. */
export function redactText(text: string): string {
  return text.replace(/\b(auth2?\s+)(\S+)(\s+\S+)?/gi, (_m, kw: string, a: string, b?: string) =>
    b ? `${kw}${a} ${MASK}` : `${kw}${MASK}`).replace(/(requirepass|masterauth)(\s+)\S+/gi, `$1$2${MASK}`);
}
