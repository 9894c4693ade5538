// Server-side cursors: a lazy source of documents (stored BSON bytes, or reply documents) per cursor id,
// drained one bounded batch at a time so that a getMore costs O(batch), however large the result.
import { Long, serialize } from 'bson';
import type { Document } from 'bson';
import { encodeCursorReply } from './reply-encoder.js';
import { CommandError } from './server-errors.js';

/** Documents per batch are also capped by bytes so that a reply stays within mongod's 16 MiB limit. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024 - 16 * 1024;
export const DEFAULT_FIRST_BATCH = 101;
/** mongod's cursorTimeoutMillis: a cursor nobody asked for in 10 minutes is dropped. */
const IDLE_TIMEOUT_MS = 10 * 60 * 1000;

interface ServerCursor {
  id: Long;
  ns: string;
  source: Iterator<Uint8Array | Document, void, undefined>;
  /** A document pulled from the source that did not fit in the previous batch. */
  pending: Uint8Array | undefined;
  lastUsed: number;
}

export class CursorRegistry {
  private readonly cursors = new Map<string, ServerCursor>();

  /** Runs the first batch; the cursor is kept only if documents remain and the client may ask for them. */
  firstBatch(ns: string, source: Iterator<Uint8Array | Document, void, undefined>, batchSize: number, singleBatch: boolean): Buffer {
    this.dropIdle();
    const cursor: ServerCursor = { id: randomCursorId(), ns, source, pending: undefined, lastUsed: Date.now() };
    const { docs, exhausted } = takeBatch(cursor, batchSize);
    if (exhausted || singleBatch) return encodeCursorReply('firstBatch', docs, Long.ZERO, ns);
    this.cursors.set(cursor.id.toString(), cursor);
    return encodeCursorReply('firstBatch', docs, cursor.id, ns);
  }

  getMore(id: Long, ns: string, batchSize: number): Buffer {
    const cursor = this.cursors.get(id.toString());
    if (cursor === undefined) throw new CommandError(43, `cursor id ${id.toString()} not found`);
    if (cursor.ns !== ns) {
      throw new CommandError(13, `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${cursor.ns}`);
    }
    cursor.lastUsed = Date.now();
    const { docs, exhausted } = takeBatch(cursor, batchSize === 0 ? Infinity : batchSize);
    if (exhausted) this.cursors.delete(id.toString());
    return encodeCursorReply('nextBatch', docs, exhausted ? Long.ZERO : cursor.id, ns);
  }

  kill(id: Long): boolean {
    return this.cursors.delete(id.toString());
  }

  private dropIdle(): void {
    const cutoff = Date.now() - IDLE_TIMEOUT_MS;
    for (const [key, cursor] of this.cursors) if (cursor.lastUsed < cutoff) this.cursors.delete(key);
  }
}

function takeBatch(cursor: ServerCursor, maxDocs: number): { docs: Uint8Array[]; exhausted: boolean } {
  const docs: Uint8Array[] = [];
  let bytes = 0;
  while (docs.length < maxDocs) {
    const next = cursor.pending ?? pull(cursor);
    if (next === undefined) return { docs, exhausted: true };
    if (docs.length > 0 && bytes + next.length > MAX_BATCH_BYTES) {
      cursor.pending = next;
      return { docs, exhausted: false };
    }
    cursor.pending = undefined;
    docs.push(next);
    bytes += next.length;
  }
  // batchSize 0 asks for no work at all (mongod does not even start the query), so don't look ahead.
  if (maxDocs === 0) return { docs, exhausted: false };
  cursor.pending ??= pull(cursor);
  return { docs, exhausted: cursor.pending === undefined };
}

function pull(cursor: ServerCursor): Uint8Array | undefined {
  const step = cursor.source.next();
  if (step.done) return undefined;
  return step.value instanceof Uint8Array ? step.value : serialize(step.value);
}

function randomCursorId(): Long {
  const high = Math.floor(Math.random() * 0x7fffffff) + 1; // never 0, never negative
  const low = Math.floor(Math.random() * 0x100000000) | 0;
  return new Long(low, high);
}
