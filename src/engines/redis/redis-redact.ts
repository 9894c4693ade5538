/**
 * A command as it may appear in -v, --log-file and error messages: its secrets masked by the rule every echo of a
 * kv statement follows (src/text/statement-secrets.ts), words quoted as redis-cli would need them to read the
 * line back.
 */
import { kvSecretWords, maskStatement, SECRET_MASK } from '../../text/statement-secrets.js';
import { quote } from './redis-reply-codec.js';
import { argWord, type Arg } from './resp-types.js';

export function redactArgs(args: readonly Arg[]): Arg[] {
  const out = [...args];
  for (const [i, from] of kvSecretWords(args.map((a) => argWord(a)))) out[i] = `${argWord(args[i]).slice(0, from)}${SECRET_MASK}`;
  return out;
}

/** The words back as one line, quoted where redis-cli's splitter needs it. */
export function joinArgs(args: readonly Arg[]): string {
  return args.map((a) => (typeof a === 'string' && a !== '' && !/[\s"'\\\x00-\x1f\x7f]/.test(a) ? a : quote(a))).join(' ');
}

/** Masks the secrets of a command line that could not be split into words. */
export function redactText(text: string): string {
  return maskStatement('kv', text);
}
