/** The chalk styles behind src/text/color.ts, in a module of their own so that chalk loads only when colour is on. */
import { Chalk } from 'chalk';

export interface Styles {
  /** table and vertical headers */
  bold(text: string): string;
  /** the ERROR label of an error message */
  error(text: string): string;
  /** the warning label */
  warning(text: string): string;
  /** the note label */
  note(text: string): string;
}

// basic 16 colours are all dbx uses; the level is set here because color.ts has already decided
const chalk = new Chalk({ level: 1 });

export const COLORED: Styles = { bold: chalk.bold, error: chalk.red.bold, warning: chalk.yellow, note: chalk.cyan };
