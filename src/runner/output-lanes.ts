/**
 * Fan-out output, grouped per profile in the order given while the profiles run at once. Each profile writes to a
 * lane of its own (a stdout and a stderr that keep their order between them). The first unfinished lane in order is
 * the head: it writes straight to the real streams, with their backpressure. Every later lane keeps what it is given
 * until its turn: in memory while all lanes together hold less than the budget, then in a temporary file of its
 * own (created 0600 and unlinked at once, so nothing is left behind, whatever happens). Memory stays flat however
 * much a later profile returns before an earlier one ends.
 *
 * `interleave` (ndjson: tagged rows as they arrive): every lane is the head from the start. The writers hand over
 * whole lines (output-stream.ts gathers whole rows into its chunks), so lines of different profiles never mix.
 */
import { EventEmitter } from 'node:events';
import { closeSync, mkdtempSync, openSync, readSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What a lane's stream looks like to a writer (output-stream.ts's Sink with its events, report-error's stderr). */
export interface LaneStream {
  write(chunk: string | Uint8Array, callback?: () => void): boolean;
  /** stdout only: a csv/tsv header line (output-stream.ts Sink.header) */
  header?(line: string): boolean;
  on(event: string, listener: (...args: unknown[]) => void): LaneStream;
  once(event: string, listener: (...args: unknown[]) => void): LaneStream;
  removeListener(event: string, listener: (...args: unknown[]) => void): LaneStream;
  isTTY?: boolean;
  columns?: number;
}

type RealStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

const OUT = 0;
const ERR = 1;
/** a header line on stdout: left out when it is a lane's first and repeats the header written just before */
const HDR = 2;
/** a record in a spill file: the stream (1 byte), the length (4 bytes), the bytes */
const HEADER = 5;

/** Default budget for what all waiting lanes together keep in memory. */
export const LANE_MEMORY_BUDGET = 8 * 1024 * 1024;

/** What the lanes share: the memory they hold, and the last header line that reached stdout. */
class Shared {
  used = 0;
  lastHeader?: string;
  constructor(readonly limit: number) {}
}

export class Lane {
  readonly out: LaneStream;
  readonly err: LaneStream;
  private head = false;
  private records: Array<[number, Buffer]> = [];
  private memory = 0;
  private fd?: number;
  private writeAt = 0;
  private readAt = 0;
  private finished = false;
  /** a header of this lane reached stdout: the later ones are the lane's own statements', always written */
  private wroteHeader = false;
  private whenFinished!: () => void;
  /** resolves when the lane's profile is done writing */
  readonly done = new Promise<void>((resolve) => (this.whenFinished = resolve));

  /** this lane's view of the real streams' events */
  readonly events = { out: new EventEmitter(), err: new EventEmitter() };

  constructor(
    private readonly real: { out: RealStream; err: RealStream },
    private readonly budget: Shared,
  ) {
    this.out = this.stream(OUT);
    this.err = this.stream(ERR);
  }

  /** The profile wrote its last byte. */
  finish(): void {
    this.finished = true;
    this.whenFinished();
  }

  /**
   * Makes this lane the head: what it kept is written out in order, honouring stdout's backpressure, and from then
   * on its writes go straight through. Resolves once the kept part is out (the profile may still be running).
   */
  async promote(): Promise<void> {
    for (;;) {
      const next = this.take();
      if (!next) break;
      const [which, bytes] = next;
      const written = which === HDR ? this.writeHeader(bytes.toString('utf8')) : (which === OUT ? this.real.out : this.real.err).write(bytes);
      if (written === false) await drained(which === ERR ? this.real.err : this.real.out);
    }
    this.head = true;
    this.closeFile();
  }

  /** Drops what the lane still holds (the run ended abnormally); the temporary file goes with it. */
  discard(): void {
    this.budget.used -= this.memory;
    this.memory = 0;
    this.records = [];
    this.closeFile();
  }

  private writeHeader(line: string): boolean {
    const repeated = !this.wroteHeader && line === this.budget.lastHeader;
    this.wroteHeader = true;
    this.budget.lastHeader = line;
    return repeated ? true : this.real.out.write(line);
  }

  private stream(which: number): LaneStream {
    const real = which === OUT ? this.real.out : this.real.err;
    // the real stream's drain, close and error, forwarded by OutputLanes (one listener each on the real stream,
    // however many lanes): a lane only waits for a drain while it is the head
    const events = which === OUT ? this.events.out : this.events.err;
    const lane: LaneStream = {
      write: (chunk, callback) => {
        if (this.head) return real.write(chunk, callback);
        this.keep(which, typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk));
        callback?.();
        return true;
      },
      on: (event, listener) => (events.on(event, listener), lane),
      once: (event, listener) => (events.once(event, listener), lane),
      removeListener: (event, listener) => (events.removeListener(event, listener), lane),
      isTTY: real.isTTY,
      columns: real.columns,
    };
    if (which === OUT) {
      lane.header = (line) => {
        if (this.head) return this.writeHeader(line);
        this.keep(HDR, Buffer.from(line, 'utf8'));
        return true;
      };
    }
    return lane;
  }

  private keep(which: number, bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (this.fd === undefined && this.budget.used + bytes.length <= this.budget.limit) {
      this.records.push([which, bytes]);
      this.memory += bytes.length;
      this.budget.used += bytes.length;
      return;
    }
    if (this.fd === undefined) this.spill();
    this.append(which, bytes);
  }

  /** Moves what is in memory to a temporary file; everything after it goes there too, so the order holds. */
  private spill(): void {
    const dir = mkdtempSync(join(tmpdir(), 'dbx-fanout-'));
    const path = join(dir, 'lane');
    try {
      this.fd = openSync(path, 'wx+', 0o600);
    } finally {
      try {
        unlinkSync(path);
      } catch {
        // not created
      }
      rmdirSync(dir);
    }
    for (const [which, bytes] of this.records) this.append(which, bytes);
    this.budget.used -= this.memory;
    this.memory = 0;
    this.records = [];
  }

  private append(which: number, bytes: Buffer): void {
    const header = Buffer.alloc(HEADER);
    header.writeUInt8(which, 0);
    header.writeUInt32BE(bytes.length, 1);
    this.writeAt += writeAll(this.fd!, header, this.writeAt);
    this.writeAt += writeAll(this.fd!, bytes, this.writeAt);
  }

  private take(): [number, Buffer] | undefined {
    if (this.fd !== undefined) {
      if (this.readAt >= this.writeAt) return undefined;
      const header = readAll(this.fd, HEADER, this.readAt);
      const length = header.readUInt32BE(1);
      const bytes = readAll(this.fd, length, this.readAt + HEADER);
      this.readAt += HEADER + length;
      return [header.readUInt8(0), bytes];
    }
    const next = this.records.shift();
    if (next) {
      this.memory -= next[1].length;
      this.budget.used -= next[1].length;
    }
    return next;
  }

  private closeFile(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  get isFinished(): boolean {
    return this.finished;
  }
}

function writeAll(fd: number, bytes: Buffer, position: number): number {
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written, position + written);
  return bytes.length;
}

function readAll(fd: number, length: number, position: number): Buffer {
  const bytes = Buffer.alloc(length);
  let read = 0;
  while (read < length) {
    const n = readSync(fd, bytes, read, length - read, position + read);
    if (n === 0) throw new Error('fan-out: a lane file ended early');
    read += n;
  }
  return bytes;
}

/** Resolves on 'drain', or when the stream closes or fails instead (a closed pipe must not hang the run). */
function drained(stream: RealStream): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.removeListener('drain', done);
      stream.removeListener('close', done);
      stream.removeListener('error', done);
      resolve();
    };
    stream.once('drain', done);
    stream.once('close', done);
    stream.once('error', done);
  });
}

/** The lanes of one fan-out, in the order given, and the loop that hands the head on as each finishes. */
export class OutputLanes {
  readonly lanes: Lane[];
  private readonly order: Promise<void>;
  private readonly unforward: Array<() => void> = [];

  constructor(
    count: number,
    real: { out: RealStream; err: RealStream },
    options: { interleave?: boolean; budget?: number } = {},
  ) {
    const budget = new Shared(options.budget ?? LANE_MEMORY_BUDGET);
    this.lanes = Array.from({ length: count }, () => new Lane(real, budget));
    for (const [name, stream] of [['out', real.out], ['err', real.err]] as const) {
      for (const event of ['drain', 'close', 'error']) {
        const forward = (...args: unknown[]) => {
          for (const lane of this.lanes) {
            const events = lane.events[name];
            // an 'error' nobody listens for would throw here; the real stream reports it to its own listeners
            if (event !== 'error' || events.listenerCount('error') > 0) events.emit(event, ...args);
          }
        };
        stream.on(event, forward);
        this.unforward.push(() => stream.removeListener(event, forward));
      }
    }
    this.order = options.interleave ? Promise.all(this.lanes.map((l) => l.promote())).then(() => undefined) : this.handOn();
  }

  private async handOn(): Promise<void> {
    for (const lane of this.lanes) {
      await lane.promote();
      await lane.done;
    }
  }

  /** Resolves when every lane has finished and all their output is out. */
  async drained(): Promise<void> {
    await Promise.all(this.lanes.map((l) => l.done));
    await this.order;
    this.close();
  }

  discard(): void {
    for (const lane of this.lanes) lane.discard();
    this.close();
  }

  private close(): void {
    for (const undo of this.unforward.splice(0)) undo();
  }
}
