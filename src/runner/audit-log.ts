/**
 * --log-file: one JSON line per statement (time, profile, engine, statement, duration, outcome), appended.
 * The statement text comes already redacted by the engine.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { DbxError, ExitCode, UsageError } from '../errors.js';

export interface AuditEntry {
  statement: string;
  seconds: number;
  outcome: 'ok' | 'error';
  rows?: number;
  error?: string;
}

export interface AuditLog {
  /** false when there is no --log-file: callers skip building entries */
  readonly enabled: boolean;
  record(entry: AuditEntry): void;
  close(): Promise<void>;
}

const noLog: AuditLog = { enabled: false, record() {}, close: async () => {} };

export async function openAuditLog(path: string | undefined, profile: string, engine: string): Promise<AuditLog> {
  if (!path) return noLog;
  const stream: WriteStream = createWriteStream(path, { flags: 'a', mode: 0o600 });
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (e) => reject(new UsageError(`cannot open log file ${path}: ${e.message}`, { code: 'LOG_FILE' })));
  });
  // a write that fails later (a full disk) must not pass unnoticed: an audit log with holes is reported at close
  let failure: Error | undefined;
  stream.on('error', (e) => (failure ??= e));
  return {
    enabled: true,
    record(entry) {
      const line: Record<string, unknown> = {
        time: new Date().toISOString(),
        profile,
        engine,
        statement: entry.statement,
        durationMs: Math.round(entry.seconds * 1000 * 10) / 10,
        outcome: entry.outcome,
      };
      if (entry.rows !== undefined) line.rows = entry.rows;
      if (entry.error !== undefined) line.error = entry.error;
      stream.write(JSON.stringify(line) + '\n');
    },
    close: async () => {
      // 'close' comes after the last write's outcome; end()'s callback can come before a failed write's error
      if (!stream.closed) await new Promise<void>((resolve) => (stream.once('close', () => resolve()), stream.end()));
      if (failure) {
        const why = (failure as NodeJS.ErrnoException).code ?? failure.message;
        failure = undefined; // reported once
        throw new DbxError(`cannot write the audit log ${path}: ${why}: statements ran without being logged`, ExitCode.statement, { code: 'LOG_FILE' });
      }
    },
  };
}
