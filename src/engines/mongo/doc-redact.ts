/**
 * Secrets in doc statements, masked before a statement reaches -v, --log-file or an error message:
 * `pwd:`/`password:` values (createUser, updateUser), the password argument of db.auth() and
 * db.changeUserPassword(), and passwords inside connection URLs.
 */
import { redactUrl } from '../../errors.js';

const STRING = String.raw`(?:'(?:[^'\\]|\\.)*'?|"(?:[^"\\]|\\.)*"?|\x60(?:[^\x60\\]|\\.)*\x60?)`;

/** `pwd: '…'`, `'password': "…"` — keys quoted or bare */
const PASSWORD_KEY = new RegExp(String.raw`((?:['"]?)\b(?:pwd|password|passwd)\b(?:['"]?)\s*:\s*)${STRING}`, 'gi');

/** db.auth('user', 'secret'), db.changeUserPassword('user', 'secret'): the second string argument */
const PASSWORD_ARG = new RegExp(String.raw`(\b(?:auth|changeUserPassword)\s*\(\s*${STRING}\s*,\s*)${STRING}`, 'g');

export function redactDoc(text: string): string {
  return redactUrl(text.replace(PASSWORD_KEY, "$1'***'").replace(PASSWORD_ARG, "$1'***'"));
}
