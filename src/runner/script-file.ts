/** A script file's text, for `-f FILE` and the shell's `source FILE`: UTF-8 only, with errors that name the file. */
import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { scriptText } from '../text/script-text.js';

export async function readScriptFile(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new UsageError(`cannot read script ${path}: ${why}`, { code: 'SCRIPT_FILE' });
  }
  return scriptText(bytes, path);
}
