/**
 * Batched, backpressure-aware writing to stdout. Rows are small: one write() per row would cost more than
 * rendering them, so text is gathered into chunks of about 64 KiB before it is handed to the stream. Text is
 * written as UTF-8; bytes (--format raw of a binary value) are written as they are.
 */
import { StatementError } from '../errors.js';

export interface Sink {
  /** may return false = backpressure: the writer waits for 'drain' before writing again */
  write(chunk: string | Uint8Array): boolean | void;
  /**
   * Optional: a csv/tsv header line. Fan-out's lanes (src/runner/output-lanes.ts) leave out a profile's first header
   * when it repeats the header just before it, so that one statement over several profiles is one table.
   */
  header?(line: string): boolean | void;
}

const CHUNK = 64 * 1024;
/** text that sits in the buffer this long is written even when the chunk is not full (slow streams: SUBSCRIBE) */
const IDLE_FLUSH_MS = 50;

interface EventSink extends Sink {
  once?(event: string, listener: (...args: unknown[]) => void): unknown;
  removeListener?(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** stdout could not take the output (a full disk, a closed descriptor): the data is incomplete, so the run fails. */
function outputError(e: unknown): StatementError {
  if (e instanceof StatementError && e.code === 'OUTPUT_ERROR') return e;
  const err = e as NodeJS.ErrnoException;
  const why = err.code === 'ENOSPC' ? 'no space left on device' : err.code ?? err.message ?? String(e);
  return new StatementError(`cannot write the output: ${why}`, { code: 'OUTPUT_ERROR', cause: e });
}

/** An error src/cli.ts has marked: the process's stdout or stderr reader went away, which is no failure. */
function quietlyClosed(e: unknown): boolean {
  return (e as { quietlyClosed?: unknown } | null)?.quietlyClosed === true;
}

export class OutputStream {
  /** the text pushed since the last bytes (kept as a string: concatenation is the cheap path for rows) */
  private buffer = '';
  /** what came before `buffer`, once bytes were pushed: written in order, as one chunk */
  private bytes: Uint8Array[] = [];
  private bytesLength = 0;
  private idleTimer?: NodeJS.Timeout;
  /** an error the sink reported on its own (a failed write is reported by an event, after write() returned) */
  private failure?: unknown;
  /** how many pieces were pushed so far: a result that failed after some went out left partial output */
  pushed = 0;

  constructor(
    private readonly sink: Sink,
    private readonly chunkSize = CHUNK,
  ) {
    (sink as { on?: (event: string, listener: (e: unknown) => void) => unknown }).on?.('error', (e) => {
      // stdout's closed pipe: src/cli.ts drops what follows and marks the error, and the run ends with its own outcome
      // (a pager that quit is no such case: that EPIPE stops the statement)
      if (quietlyClosed(e)) return;
      this.failure ??= e;
    });
  }

  /** Adds text or bytes; returns a promise only when a full chunk had to be written (await it to honour backpressure). */
  push(piece: string | Uint8Array): Promise<void> | undefined {
    this.pushed++;
    if (typeof piece === 'string') {
      this.buffer += piece;
    } else {
      this.moveTextToBytes();
      this.bytes.push(piece);
      this.bytesLength += piece.length;
    }
    if (this.buffer.length + this.bytesLength >= this.chunkSize) return this.flush();
    this.idleTimer ??= setTimeout(() => {
      this.idleTimer = undefined;
      // nobody awaits this one: a failing stream is reported by the next awaited write
      this.flush().catch(() => undefined);
    }, IDLE_FLUSH_MS).unref();
    return undefined;
  }

  /** A header line (csv, tsv): given to the sink as such when it wants to know, else pushed as text. */
  async pushHeader(line: string): Promise<void> {
    if (!this.sink.header) return this.push(line);
    this.pushed++;
    await this.flush();
    try {
      if (this.sink.header(line) === false) await waitForDrain(this.sink as EventSink);
    } catch (e) {
      throw outputError(e);
    }
  }

  async flush(): Promise<void> {
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
    if (this.failure !== undefined) throw outputError(this.failure);
    let chunk: string | Uint8Array = this.buffer;
    if (this.bytes.length > 0) {
      this.moveTextToBytes();
      chunk = this.bytes.length === 1 ? this.bytes[0]! : Buffer.concat(this.bytes);
      this.bytes = [];
      this.bytesLength = 0;
    }
    if (chunk.length === 0) return;
    this.buffer = '';
    try {
      if (this.sink.write(chunk) === false) await waitForDrain(this.sink as EventSink);
    } catch (e) {
      throw outputError(e);
    }
    if (this.failure !== undefined) throw outputError(this.failure);
  }

  private moveTextToBytes(): void {
    if (this.buffer === '') return;
    const text = Buffer.from(this.buffer, 'utf8');
    this.bytes.push(text);
    this.bytesLength += text.length;
    this.buffer = '';
  }
}

/**
 * Waits for 'drain'. A stream that closes or fails instead (stdout piped into `head`) would never drain:
 * 'close' ends the wait and 'error' rejects, so the runner stops instead of hanging.
 */
function waitForDrain(sink: EventSink): Promise<void> {
  const { once, removeListener } = sink;
  if (typeof once !== 'function') return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const done = (): void => {
      cleanup();
      resolve();
    };
    const failed = (error: unknown): void => {
      cleanup();
      if (quietlyClosed(error)) resolve();
      else reject(error);
    };
    const cleanup = (): void => {
      if (typeof removeListener !== 'function') return;
      removeListener.call(sink, 'drain', done);
      removeListener.call(sink, 'close', done);
      removeListener.call(sink, 'error', failed);
    };
    once.call(sink, 'drain', done);
    once.call(sink, 'close', done);
    once.call(sink, 'error', failed);
  });
}
