/**
 * Status lines in the mysql client's exact wording, and the one place that writes them to stderr.
 */
import type { StatusResult } from '../engines/engine.js';
import type { OutputStream } from './output-stream.js';
import type { Sink } from './writer-types.js';

/**
 * The mysql client's elapsed time: "0.00 sec", "1 min 2.50 sec", "2 hours 0 min 1.00 sec"
 * (its nice_time(): days, hours and minutes only when reached, seconds with two decimals).
 */
export function formatSeconds(seconds: number): string {
  let s = Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
  let text = '';
  const units: Array<[number, string, string]> = [
    [86400, ' day ', ' days '],
    [3600, ' hour ', ' hours '],
  ];
  for (const [size, one, many] of units) {
    if (s >= size) {
      const n = Math.floor(s / size);
      s -= n * size;
      text += n + (n > 1 ? many : one);
    }
  }
  if (s >= 60) {
    const n = Math.floor(s / 60);
    s -= n * 60;
    text += `${n} min `;
  }
  return `${text}${s.toFixed(2)} sec`;
}

/** "1 row in set (0.00 sec)", "3 rows in set (0.01 sec)", "Empty set (0.00 sec)" */
export function rowsInSet(count: number, seconds: number): string {
  const time = `(${formatSeconds(seconds)})`;
  if (count === 0) return `Empty set ${time}`;
  return `${count} ${count === 1 ? 'row' : 'rows'} in set ${time}`;
}

/**
 * "Query OK, 1 row affected (0.01 sec)", "Query OK, 0 rows affected (0.00 sec)".
 * `extra` is mysql's second line ("Records: 3  Duplicates: 0  Warnings: 0", "Rows matched: 1  Changed: 1  Warnings: 0").
 */
export function queryOk(affected: number | bigint, seconds: number, extra?: string): string {
  const rows = affected === 1 || affected === 1n ? 'row' : 'rows';
  const line = `Query OK, ${affected} ${rows} affected (${formatSeconds(seconds)})`;
  return extra ? `${line}\n${extra}` : line;
}

/** Writes status lines and warnings to stderr, after the stdout text written so far (so a terminal shows them in order). */
export class StatusLines {
  constructor(
    private readonly err: Sink,
    private readonly out: OutputStream,
    private readonly quiet: boolean,
  ) {}

  async line(text: string): Promise<void> {
    if (this.quiet) return;
    await this.out.flush();
    this.err.write(text.endsWith('\n') ? text : `${text}\n`);
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
