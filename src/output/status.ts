/**
 * The one place that writes status lines to stderr. Their wording is the engine's ("3 rows in set" is the mysql
 * client's: src/engines/mysql/mysql-status.ts); a Result carries it as text.
 */
import type { StatusResult } from '../engines/engine.js';
import type { OutputStream, Sink } from './output-stream.js';

/** Writes status lines and warnings to stderr, after the stdout text written so far (so a terminal shows them in order). */
export class StatusLines {
  constructor(
    private readonly err: Sink,
    private readonly out: OutputStream,
    private readonly quiet: boolean,
    /** fan-out: `profile: ` before every line, so that each says where it came from */
    private readonly prefix = '',
  ) {}

  async line(text: string): Promise<void> {
    if (this.quiet) return;
    await this.out.flush();
    this.err.write(`${this.prefix}${text.endsWith('\n') ? text : `${text}\n`}`);
  }

  async warnings(list: readonly string[] | undefined): Promise<void> {
    for (const warning of list ?? []) await this.line(warning);
  }

  /** A StatusResult in the text formats: its message, then the server's warnings. */
  async status(result: StatusResult, seconds: () => number): Promise<void> {
    if (!this.quiet) await this.line(result.message(seconds()));
    await this.warnings(result.warnings);
  }

  /** The "N rows in set" line after a RowsResult, when the engine gives one. */
  async summary(summary: ((count: number, seconds: number) => string) | undefined, count: number, seconds: () => number): Promise<void> {
    if (summary && !this.quiet) await this.line(summary(count, seconds()));
  }
}
