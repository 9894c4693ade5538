/**
 * The program as a process runs it: the only place that touches process.argv, process.env, the real streams and
 * the exit code. Its entry points call main(): src/cli.ts (the ES module bin/dbx imports) and src/snapshot.ts (the
 * start-up snapshot's main function), so nothing here may run before main() — a snapshot would keep what ran at
 * build time.
 */
import { isatty } from 'node:tty';
import { InterruptedError, type StopSignal } from './errors.js';
import { run, wantsJsonErrors } from './program.js';
import { reportError } from './runner/report-error.js';
import { colorEnabled, loadColor } from './text/color.js';

/** Ctrl-C, `kill` and a closed terminal all stop a run the same way: cancelled on the server, then the signal's exit code. */
const STOP_SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

let handlers = 0;
function onInterrupt(handler: (signal: StopSignal) => void): () => void {
  let count = 0;
  const listener = (signal: StopSignal) => {
    count += 1;
    // a second signal while the server is still cancelling: leave now
    if (count > 1) process.exit(new InterruptedError({ signal }).exitCode);
    handler(signal);
  };
  handlers += 1;
  for (const signal of STOP_SIGNALS) process.on(signal, listener);
  return () => {
    handlers -= 1;
    for (const signal of STOP_SIGNALS) process.off(signal, listener);
  };
}

/**
 * A closed pipe (`dbx … | head -1`, `dbx … 2>&1 | head -1`) is not an error: what is written to that stream from
 * then on is dropped, and the run goes on to its end, so the script is not left half-done on the server and the
 * exit code is the outcome's (0, 1, 3 …), not the pipe's.
 */
function quietWhenClosed(stream: NodeJS.WriteStream): void {
  let closed = false;
  // registered first, so the writers' listeners see the mark (src/output/output-stream.ts)
  stream.on('error', (e: NodeJS.ErrnoException & { quietlyClosed?: boolean }) => {
    if (e.code !== 'EPIPE') return;
    closed = true;
    e.quietlyClosed = true;
  });
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((...args: unknown[]) => {
    if (!closed) return write(...args);
    const done = args.find((a) => typeof a === 'function') as (() => void) | undefined;
    done?.();
    return true;
  }) as typeof stream.write;
}

/** the run's arguments (without node and the script) */
export async function main(argv: string[]): Promise<void> {
  const settings = { json: wantsJsonErrors(argv), verbose: argv.includes('-v') || argv.includes('--verbose') };
  // A signal while nothing that could be cancelled runs (the config is read, the connection opened): exit 130 /
  // 143 / 129 as the contract says, with the message, rather than Node's death by signal. Registered first, so it
  // runs before any handler of the run.
  for (const signal of STOP_SIGNALS) {
    process.on(signal, () => {
      if (handlers > 0) return;
      process.exitCode = reportError(new InterruptedError({ signal }), process.stderr, settings);
      process.exit(process.exitCode);
    });
  }
  quietWhenClosed(process.stdout);
  quietWhenClosed(process.stderr);

  try {
    process.exitCode = await run({
      argv,
      env: process.env,
      cwd: process.cwd(),
      get stdin() {
        return process.stdin;
      },
      stdinIsTTY: isatty(0),
      stdout: process.stdout,
      stderr: process.stderr,
      onInterrupt,
    });
  } catch (e) {
    const color = colorEnabled(argv.includes('--no-color'), process.env, process.stderr);
    if (color) await loadColor();
    process.exitCode = reportError(e, process.stderr, { ...settings, color });
  }
}
