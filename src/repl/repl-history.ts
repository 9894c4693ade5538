/**
 * Shell history, one file per engine in the XDG state directory ($XDG_STATE_HOME/dbx/, default
 * ~/.local/state/dbx/). An entry is one whole input on one line; secrets are masked before anything is written.
 */
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { Engine } from '../engines/engine.js';
import { redactUrl } from '../errors.js';

export const HISTORY_SIZE = 1000;

/** $XDG_STATE_HOME/dbx/ (a relative value is ignored, as the XDG spec says), else ~/.local/state/dbx/. */
export function historyDir(env: NodeJS.ProcessEnv): string {
  const state = env.XDG_STATE_HOME;
  if (state && isAbsolute(state)) return join(state, 'dbx');
  return join(env.HOME || homedir(), '.local', 'state', 'dbx');
}

export function historyPath(env: NodeJS.ProcessEnv, engine: Engine['name']): string {
  return join(historyDir(env), `${engine}_history`);
}

// Used when an engine has no redact hook of its own: the usual places a secret is typed.
const FALLBACK_SECRETS: Array<[RegExp, string]> = [
  [/(identified\s+(?:with\s+\S+\s+)?by\s+(?:password\s+)?)('(?:[^'\\]|\\.)*'?|"(?:[^"\\]|\\.)*"?)/gi, "$1'***'"],
  [/^(\s*auth\s+).*$/i, '$1***'],
  [/^(\s*hello\s+\S+.*?\bauth\s+\S+\s+)\S+/i, '$1***'],
  [/(\b(?:pwd|password)\s*:\s*)('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")/gi, "$1'***'"],
];

/** The input as it may be stored: the engine's redact hook (or the fallback rules), then URL passwords. */
export function redactEntry(engine: Engine, text: string): string {
  let out = text;
  if (engine.redact) out = engine.redact({ text, line: 1 });
  else for (const [pattern, replacement] of FALLBACK_SECRETS) out = out.replace(pattern, replacement);
  return redactUrl(out);
}

/** One line per entry: the lines of a multi-line input are joined with spaces, as the mysql client does. */
export function historyEntry(lines: string[]): string {
  return lines.map((l) => l.trim()).filter((l) => l !== '').join(' ');
}

export class HistoryFile {
  private warned = false;

  constructor(
    private readonly path: string,
    private readonly warn: (line: string) => void,
  ) {}

  /** The stored entries, newest first (readline's order), at most HISTORY_SIZE. */
  load(): string[] {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      return [];
    }
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    const kept = lines.slice(-HISTORY_SIZE);
    // keep the file from growing without end: rewrite it when it holds twice what is read back
    if (lines.length > 2 * HISTORY_SIZE) this.guard(() => writeFileSync(this.path, kept.join('\n') + '\n', { mode: 0o600 }));
    return kept.reverse();
  }

  append(entry: string): void {
    if (entry.trim() === '') return;
    this.guard(() => {
      mkdirSync(join(this.path, '..'), { recursive: true, mode: 0o700 });
      appendFileSync(this.path, entry.replace(/[\r\n]+/g, ' ') + '\n', { mode: 0o600 });
    });
  }

  /** History is a convenience: a read-only home directory must not stop the shell. */
  private guard(work: () => void): void {
    try {
      work();
    } catch (e) {
      if (!this.warned) this.warn(`cannot write history file ${this.path}: ${(e as Error).message}`);
      this.warned = true;
    }
  }
}
