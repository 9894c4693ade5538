/**
 * The shell's output for one statement, like the mysql client's `pager`: text is held back until it is clear
 * whether it fits the screen; if it does it goes to the terminal, if it does not everything (data and status
 * lines, in order) goes through $PAGER. Only one screenful is ever held, and only for a moment, so a huge result
 * still streams and a slow trickle (SUBSCRIBE, MONITOR) shows as it comes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { Writable } from 'node:stream';
import { stringWidth } from '../text/text-width.js';

export interface PagerSettings {
  /** a shell command line */
  command: string;
  env: NodeJS.ProcessEnv;
  /** the terminal's size */
  rows: number;
  columns: number;
  /** the file descriptors the pager writes to: the terminal */
  outFd: number;
  errFd: number;
}

type Terminal = NodeJS.WritableStream & { isTTY?: boolean; rows?: number; columns?: number; fd?: number };

function onPath(name: string, path: string | undefined): boolean {
  for (const dir of (path ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      // not in this one
    }
  }
  return false;
}

/** $PAGER (empty or `cat`: none), else `less` when installed; undefined when output must not be paged. */
export function choosePager(env: NodeJS.ProcessEnv, stdout: Terminal, stderr: Terminal, enabled: boolean): PagerSettings | undefined {
  if (!enabled || !stdout.isTTY || !stdout.rows || !stdout.columns || stdout.fd === undefined) return undefined;
  const chosen = env.PAGER?.trim();
  if (chosen === '' || chosen === 'cat') return undefined;
  const command = chosen ?? (onPath('less', env.PATH) ? 'less' : undefined);
  if (!command) return undefined;
  return {
    command,
    // quit when it fits after all, keep colour, scroll wide tables sideways, leave the text on screen
    env: { ...env, LESS: env.LESS ?? 'FRSX' },
    rows: stdout.rows,
    columns: stdout.columns,
    outFd: stdout.fd,
    errFd: stderr.isTTY && (stderr as Terminal).fd !== undefined ? (stderr as Terminal).fd! : stdout.fd,
  };
}

/** how long a screenful that is not yet full is held back */
const HOLD_MS = 1000;

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

type Channel = 'out' | 'err';
/** text, or bytes (--format raw of a binary value): passed on as they are */
type Chunk = string | Buffer;
type Mode = 'hold' | 'direct' | 'pager' | 'discard';

export class PagedOutput {
  /** what the writer writes data to */
  readonly out: Writable;
  /** what the writer writes status lines and errors to */
  readonly err: Writable;
  private mode: Mode;
  private held: Array<[Channel, Chunk]> = [];
  private rows = 0;
  private column = 0;
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private waiting?: () => void;
  private holdTimer?: NodeJS.Timeout;
  private finishing = false;

  constructor(
    private readonly terminal: { out: NodeJS.WritableStream; err: NodeJS.WritableStream },
    private readonly pager: PagerSettings | undefined,
    /** the user quit the pager while the statement was still writing */
    private readonly onQuit: () => void = () => {},
  ) {
    this.mode = pager ? 'hold' : 'direct';
    this.out = this.channel('out');
    this.err = this.channel('err');
  }

  /** Drop whatever still comes (the statement was abandoned). */
  discard(): void {
    clearTimeout(this.holdTimer);
    this.mode = 'discard';
    this.held = [];
    this.release();
  }

  /** Everything written so far reaches the screen; resolves when the pager has quit. */
  async finish(): Promise<void> {
    this.finishing = true;
    await Promise.all([this.out, this.err].map((w) => new Promise<void>((resolve) => w.end(() => resolve()))));
    if (this.mode === 'hold') this.releaseHeld();
    if (this.child) {
      this.child.stdin?.end();
      await this.exited;
    }
  }

  private channel(channel: Channel): Writable {
    const writable = new Writable({
      decodeStrings: false,
      write: (chunk: Chunk, _encoding, done) => this.take(channel, chunk, () => done()),
    });
    // an abandoned statement may write after the end: nothing to say about it
    writable.on('error', () => {});
    return writable;
  }

  private stream(channel: Channel): NodeJS.WritableStream {
    return channel === 'out' ? this.terminal.out : this.terminal.err;
  }

  private take(channel: Channel, text: Chunk, done: () => void): void {
    switch (this.mode) {
      case 'discard':
        return done();
      case 'direct':
        if (this.stream(channel).write(text)) return done();
        this.stream(channel).once('drain', done);
        return;
      case 'pager':
        return this.toPager(text, done);
      case 'hold':
        this.held.push([channel, text]);
        this.measure(text);
        if (this.rows + (this.column > 0 ? 1 : 0) < this.pager!.rows) {
          // output that trickles in (SUBSCRIBE, MONITOR, a slow stream) is shown as it comes, never paged
          this.holdTimer ??= setTimeout(() => {
            if (this.mode === 'hold') this.releaseHeld();
          }, HOLD_MS).unref();
          return done();
        }
        clearTimeout(this.holdTimer);
        this.startPager();
        return this.toPager(joinChunks(this.held.splice(0).map(([, t]) => t)), done);
    }
  }

  private releaseHeld(): void {
    clearTimeout(this.holdTimer);
    for (const [channel, text] of this.held) this.stream(channel).write(text);
    this.held = [];
    this.mode = 'direct';
  }

  /** Terminal rows the held text takes, long lines wrapping. */
  private measure(chunk: Chunk): void {
    const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    const lines = text.replace(ANSI, '').split('\n');
    for (let i = 0; i < lines.length; i++) {
      this.column += stringWidth(lines[i]!);
      if (i < lines.length - 1) {
        this.rows += Math.max(1, Math.ceil(this.column / this.pager!.columns));
        this.column = 0;
      }
    }
  }

  private startPager(): void {
    const pager = this.pager!;
    this.mode = 'pager';
    const child = spawn(pager.command, { shell: true, stdio: ['pipe', pager.outFd, pager.errFd], env: pager.env });
    this.child = child;
    // the user may quit the pager before the result ends: the rest is dropped, not an error
    child.stdin!.on('error', () => this.discard());
    this.exited = new Promise<void>((resolve) => {
      const gone = (): void => {
        if (!this.finishing) this.onQuit();
        this.discard();
        resolve();
      };
      child.once('exit', gone);
      child.once('error', gone);
    });
  }

  private toPager(text: Chunk, done: () => void): void {
    const stdin = this.child!.stdin!;
    if (stdin.destroyed || stdin.write(text)) return done();
    this.waiting = done;
    stdin.once('drain', () => this.release());
  }

  private release(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }
}

function joinChunks(chunks: Chunk[]): Chunk {
  return chunks.every((c) => typeof c === 'string') ? chunks.join('') : Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c)));
}
