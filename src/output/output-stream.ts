/**
 * Batched, backpressure-aware writing to stdout. Rows are small: one write() per row would cost more than
 * rendering them, so text is gathered into chunks of about 64 KiB before it is handed to the stream.
 */
import { StatementError } from '../errors.js';

export interface Sink {
  /** may return false = backpressure: the writer waits for 'drain' before writing again */
  write(chunk: string): boolean | void;
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

export class OutputStream {
  private buffer = '';
  private idleTimer?: NodeJS.Timeout;
  /** an error the sink reported on its own (a failed write is reported by an event, after write() returned) */
  private failure?: unknown;

  constructor(
    private readonly sink: Sink,
    private readonly chunkSize = CHUNK,
  ) {
    (sink as { on?: (event: string, listener: (e: unknown) => void) => unknown }).on?.('error', (e) => {
      // a closed pipe means no one reads on: src/cli.ts drops what follows, and the run ends with its own outcome
      if ((e as NodeJS.ErrnoException).code === 'EPIPE') return;
      this.failure ??= e;
    });
  }

  /** Adds text; returns a promise only when a full chunk had to be written (await it to honour backpressure). */
  push(text: string): Promise<void> | undefined {
    this.buffer += text;
    if (this.buffer.length >= this.chunkSize) return this.flush();
    this.idleTimer ??= setTimeout(() => {
      this.idleTimer = undefined;
      // nobody awaits this one: a failing stream is reported by the next awaited write
      this.flush().catch(() => undefined);
    }, IDLE_FLUSH_MS).unref();
    return undefined;
  }

  async flush(): Promise<void> {
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
    if (this.failure !== undefined) throw outputError(this.failure);
    if (this.buffer === '') return;
    const chunk = this.buffer;
    this.buffer = '';
    try {
      if (this.sink.write(chunk) === false) await waitForDrain(this.sink as EventSink);
    } catch (e) {
      throw outputError(e);
    }
    if (this.failure !== undefined) throw outputError(this.failure);
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
      if ((error as NodeJS.ErrnoException).code === 'EPIPE') resolve();
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
