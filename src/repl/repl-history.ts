/**
 * Shell history, one file per engine in the XDG state directory ($XDG_STATE_HOME/dbx/, default
 * ~/.local/state/dbx/). An entry is one whole input, its newlines kept (written as `\n` on its line of the file); an
 * input that holds a secret is left out of the file, as the mysql client leaves out lines with PASSWORD or
 * IDENTIFIED: stored masked, it would set the literal `'***'` when recalled and run again.
 */
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { Engine } from '../engines/engine.js';
import { statementLabel } from '../runner/statement-runner.js';

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

/** The input as it may be stored: masked as every echo of a statement is (src/text/statement-secrets.ts). */
export function redactEntry(engine: Engine, text: string): string {
  return statementLabel(engine, { text, line: 1 });
}

/** One entry per input: a multi-line input keeps its lines (without trailing blanks), so Up recalls it as typed. */
export function historyEntry(lines: string[]): string {
  return lines.map((l) => l.trimEnd()).join('\n').trim();
}

/** Whether the input holds a secret (a password the engine's redaction would mask): it stays out of the file. */
export function holdsSecret(engine: Engine, entry: string): boolean {
  return redactEntry(engine, entry) !== entry;
}

/** An entry on one line of the file: `\` and newlines escaped; decode reverses it. */
export function encodeEntry(entry: string): string {
  return entry.replace(/\\/g, '\\\\').replace(/\r?\n/g, '\\n');
}

export function decodeEntry(line: string): string {
  return line.replace(/\\(\\|n)/g, (_all, c: string) => (c === 'n' ? '\n' : '\\'));
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
    return kept.reverse().map(decodeEntry);
  }

  append(entry: string): void {
    if (entry.trim() === '') return;
    this.guard(() => {
      mkdirSync(join(this.path, '..'), { recursive: true, mode: 0o700 });
      appendFileSync(this.path, encodeEntry(entry) + '\n', { mode: 0o600 });
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
