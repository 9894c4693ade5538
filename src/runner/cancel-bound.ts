/**
 * What ends a statement from outside (--timeout, Ctrl-C, SIGTERM, SIGHUP, fan-out's --fail-fast) and how long
 * dbx then waits for it. The moment one comes, the outcome is decided: the statement was cancelled (TIMEOUT exit
 * 1, or the signal's 130 / 143 / 129), whatever the server answers afterwards. The engine is asked to cancel on
 * the server (sql: KILL QUERY on a second connection; kv: the connection is closed; doc: the client is closed);
 * what still arrives is read and dropped, so that the connection is clean for the next statement. When the
 * statement has not settled GIVE_UP_MS after the decision (a hung server, a stalled network: the cancel cannot be
 * delivered, or its answer never comes back), dbx gives up on it: the engine destroys its connections
 * (Engine.abandon) and the statement fails with the decided outcome. Nothing dbx waits on is then left open.
 */
import type { Engine, Result, RowsResult } from '../engines/engine.js';
import { isPartial, type DbxError } from '../errors.js';

/** After a cancel was asked for, how long dbx waits for the statement to end before it gives up on it (README "Time bounds"). */
export const GIVE_UP_MS = 2000;

export class CancelBound {
  private decision?: DbxError;
  private timer?: NodeJS.Timeout;
  private settled = false;
  /**
   * the waits race() has under way, each failed with the decision when dbx gives up. Not a Promise.race against
   * one long-pending promise: every race would leave its reaction on that promise until the statement ends, and a
   * million rows read in small groups kept hundreds of MB of them (peak RSS of 1M rows to json: 95 → 370 MB).
   */
  private readonly waits = new Set<(e: DbxError) => void>();
  /** the decision, once dbx gave up */
  private gaveUp?: DbxError;
  /** dbx gave up: the engine's connections were destroyed, the next statement connects again */
  abandoned = false;

  constructor(
    private readonly engine: Engine,
    private readonly giveUpMs = GIVE_UP_MS,
  ) {
  }

  /** the outcome, once decided */
  get decided(): DbxError | undefined {
    return this.decision;
  }

  /** the statement has ended (a signal now is for the script, not for it) */
  get done(): boolean {
    return this.settled;
  }

  /** Decides the outcome (the first decision stands), asks the engine to cancel, and starts the give-up clock. */
  decide(outcome: DbxError): void {
    if (this.decision !== undefined || this.settled) return;
    this.decision = outcome;
    this.engine.cancel().catch(() => undefined);
    this.timer = setTimeout(() => {
      this.abandoned = true;
      outcome.note ??= `no answer from the server ${this.giveUpMs / 1000} s after the cancel: dbx closed the connection (the statement may still run on the server)`;
      this.engine.abandon();
      this.gaveUp = outcome;
      for (const fail of [...this.waits]) fail(outcome);
      this.waits.clear();
    }, this.giveUpMs);
  }

  /** Runs the statement's work (execute, then write) under the bound: once decided, it ends with the decision. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    try {
      const value = await this.race(work());
      if (this.decision) throw this.decision;
      return value;
    } catch (e) {
      if (this.decision === undefined) throw e;
      // the writer ended the output it had started (the engine's error reached it before the decision did)
      if (isPartial(e)) this.decision.partial = true;
      throw this.decision;
    } finally {
      this.settled = true;
      clearTimeout(this.timer);
    }
  }

  /** `pending`, or the decision once dbx gives up */
  race<T>(pending: Promise<T>): Promise<T> {
    const gaveUp = this.gaveUp;
    if (gaveUp) return Promise.race([pending, Promise.reject(gaveUp)]);
    return new Promise<T>((resolve, reject) => {
      this.waits.add(reject);
      pending.then(
        (value) => (this.waits.delete(reject), resolve(value)),
        (error: unknown) => (this.waits.delete(reject), reject(error)),
      );
    });
  }

  /**
   * The result as the writer may read it: each wait for rows ends when dbx gives up, and once the outcome is
   * decided what still arrives is dropped (a killed BENCHMARK still sends its row) and the decision is thrown.
   * A result that comes after the decision is drained and the decision thrown here.
   */
  async admit(result: Result): Promise<Result> {
    const guarded = this.guard(result);
    if (this.decision === undefined) return guarded;
    await this.drain(guarded).catch(() => undefined);
    throw this.decision;
  }

  private guard(result: Result): Result {
    if (result.kind === 'value') return result;
    const following = result.following;
    const next = following && (async () => {
      const more = await this.race(following());
      return more && this.guard(more);
    });
    if (result.kind === 'status') return next ? { ...result, following: next } : result;
    const chunks = result.chunks && this.guardIterable(result.chunks);
    const arrays = result.arrays && this.guardIterable(result.arrays);
    const cells = result.cells && { ...result.cells, chunks: this.guardIterable(result.cells.chunks) };
    const jsonLines = result.jsonLines && this.guardIterable(result.jsonLines);
    const guarded: RowsResult = { ...result, rows: chunks ? flatten(chunks) : this.guardIterable(result.rows), following: next };
    if (chunks) guarded.chunks = chunks;
    else delete guarded.chunks;
    if (arrays) guarded.arrays = arrays;
    else delete guarded.arrays;
    if (cells) guarded.cells = cells;
    else delete guarded.cells;
    if (jsonLines) guarded.jsonLines = jsonLines;
    else delete guarded.jsonLines;
    if (!next) delete guarded.following;
    return guarded;
  }

  private guardIterable<T>(source: AsyncIterable<T>): AsyncIterable<T> {
    const bound = this;
    return {
      [Symbol.asyncIterator](): AsyncIterator<T> {
        const it = source[Symbol.asyncIterator]();
        return {
          async next(): Promise<IteratorResult<T>> {
            for (;;) {
              const step = await bound.race(it.next());
              if (bound.decision === undefined) return step;
              if (step.done) throw bound.decision;
              // decided: the rest is read and dropped, so that the connection ends the statement cleanly
            }
          },
          async return(value?: unknown): Promise<IteratorResult<T>> {
            await it.return?.();
            return { done: true, value };
          },
        };
      },
    };
  }

  /** Reads a guarded result to its end (rows, then the results that follow), dropping everything. */
  private async drain(result: Result | undefined): Promise<void> {
    for (let r = result; r !== undefined && r.kind !== 'value'; ) {
      if (r.kind === 'rows') for await (const _ of r.chunks ?? r.rows);
      r = await r.following?.();
    }
  }
}

/**
 * The rows of the chunks, one at a time: each row of a chunk is handed out as an already-resolved promise (as
 * redis-reply-mapper's chunkedRows does), so that a million rows do not cost the microtasks of an async generator.
 */
function flatten<T>(chunks: AsyncIterable<T[]>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      const source = chunks[Symbol.asyncIterator]();
      let chunk: T[] = [];
      let i = 0;
      const iterator: AsyncIterator<T> = {
        next(): Promise<IteratorResult<T>> {
          if (i < chunk.length) return Promise.resolve({ value: chunk[i++]!, done: false });
          return source.next().then((step) => {
            if (step.done) return { value: undefined, done: true };
            chunk = step.value;
            i = 0;
            return iterator.next();
          });
        },
        async return(): Promise<IteratorResult<T>> {
          chunk = [];
          await source.return?.();
          return { value: undefined, done: true };
        },
      };
      return iterator;
    },
  };
}
