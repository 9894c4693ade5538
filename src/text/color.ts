/**
 * Colour: the one place that decides whether a stream gets ANSI colour, and the styles dbx uses (through chalk,
 * loaded only when colour is on). The decision is taken per stream — stdout's TTY-ness for results, stderr's for
 * errors and warnings — so that `dbx … | less` still shows a red ERROR on the terminal and `dbx … 2>log` keeps
 * escapes out of the log.
 */
import type { Styles } from './color-styles.js';

export type { Styles };

/**
 * In order: `--no-color` wins; then FORCE_COLOR (`0`/`false` off, anything else on, also into a pipe — as chalk
 * and Node read it); then NO_COLOR set to a non-empty value turns it off (no-color.org: an empty one does not);
 * then TERM=dumb; else colour exactly when the stream is a terminal.
 */
export function colorEnabled(noColorFlag: boolean, env: NodeJS.ProcessEnv, stream: { isTTY?: boolean }): boolean {
  if (noColorFlag) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR) return false;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}


const plain = (text: string): string => text;
const PLAIN: Styles = { bold: plain, error: plain, warning: plain, note: plain };
let colored: Styles | undefined;

/**
 * Loads chalk. Called once colour is known to be on for some stream (readGlobalOptions, the error paths of
 * program.ts and cli.ts): a run into a pipe never loads it.
 */
export async function loadColor(): Promise<void> {
  colored ??= (await import('./color-styles.js')).COLORED;
}

/** The styles for a stream whose colour colorEnabled() decided; colour needs loadColor() to have run first. */
export function styles(on: boolean): Styles {
  if (!on) return PLAIN;
  // a path that turns colour on without loading chalk is a bug: say so rather than quietly print plain text
  if (!colored) throw new Error('colour is on but chalk was not loaded (call loadColor() first)');
  return colored;
}
