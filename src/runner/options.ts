/**
 * What a run is given from the command line (CONTRACT "Global options"), as both the one-shot runner and the
 * interactive shell read it. How commander declares and merges them is src/commands/global-options.ts.
 */
import type { FormatName } from '../output/writers.js';

export interface GlobalOptions {
  profile?: string;
  config?: string;
  url?: string;
  format: FormatName;
  /** ANSI colour on stdout (results), decided by src/text/color.ts */
  color: boolean;
  /** ANSI colour on stderr (errors, warnings) */
  errorColor: boolean;
  yes: boolean;
  force: boolean;
  transaction: boolean;
  timeout?: number;
  /** --connect-timeout: overrides the profile's connectTimeout (default 10000) */
  connectTimeout?: number;
  param: string[];
  params?: string;
  quiet: boolean;
  verbose: boolean;
  logFile?: string;
  file?: string;
  pager: boolean;
  /** fan-out: at most this many profiles at a time (default 8) */
  parallel?: number;
  /** fan-out: the first failing profile stops the others */
  failFast?: boolean;
}

/** True when errors must be printed as one JSON line. */
export function wantsJson(opts: Pick<GlobalOptions, 'format'>): boolean {
  return opts.format === 'json' || opts.format === 'ndjson';
}
