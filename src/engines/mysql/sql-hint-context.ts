/**
 * What a learner-hint rule is given (sql-hints.ts, sql-note-hints.ts): the failed statement, read as tokens, and
 * where the server says it stopped.
 */
import type { SqlToken } from './sql-tokenizer.js';

export interface HintContext {
  statement: string;
  errno: number;
  message: string;
  tokens: SqlToken[];
  /** offset in the statement where the server's "near '…'" points (the end for near '') */
  nearAt?: number;
  /** script line of the statement's first line */
  line: number;
  /** the script was joined from several command-line words */
  joined: boolean;
  /** values were bound with --param / --params */
  bound: boolean;
}

export type HintRule = (ctx: HintContext) => string | undefined;

export const upper = (t: SqlToken | undefined): string => (t?.kind === 'word' ? t.text.toUpperCase() : '');

/** The replacement in the case the user typed: `auto_crement` → `auto_increment`. */
export function inCaseOf(typed: string, keyword: string): string {
  return typed === typed.toUpperCase() ? keyword.toUpperCase() : keyword.toLowerCase();
}

export function replaceToken(text: string, t: SqlToken, by: string): string {
  return text.slice(0, t.start) + by + text.slice(t.end);
}
