/**
 * The writers' public surface. Kept apart from writers.ts so each format's file can import the types
 * without importing the switch that imports it.
 */
import type { Result, ValueResult } from '../engines/engine.js';
import type { OutputStream } from './output-stream.js';
import type { ObjectTagger } from './profile-tag.js';
import type { StatusLines } from './status.js';

/** The --format names, in the order help and errors list them. */
export const FORMATS = ['table', 'json', 'ndjson', 'csv', 'tsv', 'vertical', 'raw'] as const;
export type FormatName = (typeof FORMATS)[number];

export interface OutputSettings {
  format: FormatName;
  color: boolean;
  quiet: boolean;
  /** fan-out: the profile every result is tagged with (profile-tag.ts); status lines start with `profile: ` */
  tag?: string;
}

export interface WriteContext {
  /** seconds since the statement started; read when the status line is printed, after the rows */
  seconds: () => number;
  /** sql `\G`: print this statement's rows vertically (table format only) */
  vertical?: boolean;
  /**
   * keep the text in the buffer after this result (a pipelined batch): the runner calls flush() after the batch,
   * and the buffer is flushed anyway once it fills or the output goes quiet for a moment
   */
  deferFlush?: boolean;
}

/** One format's writer (table, json, …). */
export interface FormatWriter {
  /**
   * Optional fast path: the whole text of a single-value result, when the format prints one as one piece of text
   * (kv scripts print 100,000 of them; going through the async write() costs more than rendering them).
   */
  valueText?(result: ValueResult): string | Uint8Array | undefined;
  /**
   * Writes one statement's Result: data to `out`, status lines and warnings to `err`.
   * Resolves when everything has been handed to `out`, honouring its backpressure.
   * Returns the number of rows written: rows of a RowsResult, lines/rows of a ValueResult (1 unless a format
   * splits an array into lines), 0 for a StatusResult.
   */
  write(result: Result, ctx: WriteContext): Promise<number>;
}

/** What createWriter returns: a format's writer over the buffered output stream. */
export interface ResultWriter {
  /**
   * Writes one statement's Result (as FormatWriter.write). Returns the row count directly when nothing had to be
   * awaited (a single value in a pipelined batch), else a promise of it.
   */
  write(result: Result, ctx: WriteContext): number | Promise<number>;
  /** hands everything buffered to the stream (before an error is printed on stderr, at the end of a batch) */
  flush(): Promise<void>;
}

/** What every format's writer is built from (see writers.ts). */
export interface WriterIo {
  out: OutputStream;
  status: StatusLines;
  /** header emphasis: ANSI bold when colour is on, identity otherwise */
  bold: (text: string) => string;
  /** fan-out, for the JSON formats: puts the profile into each row, status object and value */
  tagger?: ObjectTagger;
}
