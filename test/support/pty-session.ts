/**
 * Drives the built CLI through a real pseudo-terminal (test/support/pty-driver.py, Python's pty module): type
 * keys, wait for text to appear, wait for the exit code. What the program prints is matched with the terminal's
 * control sequences removed.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DBX_BIN, baseEnv } from './run-dbx.js';

const DRIVER = fileURLToPath(new URL('./pty-driver.py', import.meta.url));

export interface PtyOptions {
  env?: Record<string, string | undefined>;
  rows?: number;
  cols?: number;
  /** send the program's stdout / stderr to this file instead of the terminal */
  stdoutFile?: string;
  stderrFile?: string;
}

/** Removes what a terminal would interpret rather than show: CSI/OSC sequences, carriage returns, bells. */
export function plain(text: string): string {
  return text
    .replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '')
    .replace(/\x1b\][^\x07]*(?:\x07|\x1b\\)/g, '')
    .replace(/\x1b[=>78]/g, '')
    .replace(/[\r\x07]/g, '');
}

export class PtySession {
  private raw = '';
  private mark = 0;
  private exitCode?: number;
  private readonly waiters = new Set<() => void>();
  private readonly child: ChildProcessWithoutNullStreams;

  constructor(args: string[], opts: PtyOptions = {}) {
    const flags = ['--rows', String(opts.rows ?? 24), '--cols', String(opts.cols ?? 100)];
    if (opts.stdoutFile) flags.push('--stdout', opts.stdoutFile);
    if (opts.stderrFile) flags.push('--stderr', opts.stderrFile);
    this.child = spawn('python3', [DRIVER, ...flags, '--', DBX_BIN, ...args], {
      env: baseEnv({ TERM: 'xterm', ...opts.env }),
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
    });
    let pending = '';
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) !== -1) {
        const message = JSON.parse(pending.slice(0, nl)) as { data?: string; exit?: number };
        pending = pending.slice(nl + 1);
        if (message.data !== undefined) this.raw += message.data;
        if (message.exit !== undefined) this.exitCode = message.exit;
      }
      for (const wake of this.waiters) wake();
    });
    this.child.stderr.setEncoding('utf8').on('data', (d: string) => (this.raw += `[pty-driver] ${d}`));
    this.child.on('close', () => {
      this.exitCode ??= -1;
      for (const wake of this.waiters) wake();
    });
  }

  /** Everything the program wrote to the terminal so far, control sequences included. */
  get rawOutput(): string {
    return this.raw;
  }

  /** Everything shown so far, control sequences removed. */
  get output(): string {
    // a sequence cut in two by a read would otherwise show now and vanish later, moving every offset after it
    const cut = this.raw.lastIndexOf('\x1b');
    const complete = cut === -1 || /^\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07]*(?:\x07|\x1b\\)|[=>78])/.test(this.raw.slice(cut));
    return plain(complete ? this.raw : this.raw.slice(0, cut));
  }

  /** Types text; `\r` is Enter, `\t` Tab, `\x03` Ctrl-C, `\x04` Ctrl-D. */
  send(text: string): void {
    this.child.stdin.write(JSON.stringify({ send: text }) + '\n');
  }

  private until<T>(check: () => T | undefined, timeoutMs: number, what: () => string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const wake = (): void => {
        const found = check();
        if (found === undefined) return;
        done();
        resolve(found);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${what()}\n--- terminal so far ---\n${this.output}\n--- end ---`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(wake);
      };
      this.waiters.add(wake);
      wake();
    });
  }

  /** Waits for text matching `pattern` after the last match; returns the text up to and including it. */
  expect(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    return this.until(
      () => {
        const text = this.output;
        const m = pattern.exec(text.slice(this.mark));
        if (!m) return undefined;
        const upTo = text.slice(this.mark, this.mark + m.index + m[0].length);
        this.mark += m.index + m[0].length;
        return upTo;
      },
      timeoutMs,
      () => `timed out after ${timeoutMs} ms waiting for ${pattern}`,
    );
  }

  /** The exit code, once the program has ended. */
  exited(timeoutMs = 10_000): Promise<number> {
    return this.until(() => this.exitCode, timeoutMs, () => `still running after ${timeoutMs} ms`);
  }

  /** The program's process id (the driver's child), to send it a signal as `kill` would; undefined once it ended. */
  programPid(): number | undefined {
    const ps = spawnSync('ps', ['-o', 'pid=', '--ppid', String(this.child.pid)], { encoding: 'utf8' });
    const pid = Number(ps.stdout.trim().split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  }

  /** Ends the driver (and so the program, if it still runs). */
  close(): void {
    this.child.stdin.end();
  }
}
