/**
 * What the program is given from the outside world. src/cli.ts passes the real process; tests pass buffers.
 */
import type { StopSignal } from '../errors.js';

export interface Deps {
  /** the user's arguments (no node, no script path) */
  argv: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** standard input: src/cli-main.ts makes Node's stream on first use (making it costs a run ms it rarely needs) */
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  /** whether standard input is a terminal, known without making the stream; absent, stdin.isTTY says (stdinIsTerminal) */
  stdinIsTTY?: boolean;
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** registers a handler for Ctrl-C, SIGTERM and SIGHUP (told which); returns a function that removes it */
  onInterrupt(handler: (signal: StopSignal) => void): () => void;
}

/** Whether standard input is a terminal (a prompt can be answered there), without making the stream if need not be. */
export function stdinIsTerminal(deps: Pick<Deps, 'stdin' | 'stdinIsTTY'>): boolean {
  return deps.stdinIsTTY ?? deps.stdin.isTTY === true;
}

/** Reads a whole stream as bytes. */
export async function readAllBytes(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

/**
 * Asks a question on the terminal; `hidden` for passwords (no echo). readline writes the prompt, then echoes what is
 * typed, to its output: for a password that output is a stream that passes the prompt to the terminal and mutes the
 * rest (readline's own echo switch, _writeToOutput, is private).
 */
export async function askOnTty(deps: Deps, question: string, hidden = false): Promise<string> {
  const { createInterface } = await import('node:readline');
  const { Writable } = await import('node:stream');
  let muted = false;
  const output = hidden
    ? Object.assign(
        new Writable({
          write(chunk: Buffer | string, _encoding, done) {
            if (!muted) deps.stderr.write(chunk);
            done();
          },
        }),
        { isTTY: deps.stderr.isTTY },
      )
    : deps.stderr;
  const rl = createInterface({ input: deps.stdin, output, terminal: true });
  try {
    const answer = new Promise<string>((resolve) => rl.question(question, resolve));
    muted = hidden; // question() has written the prompt by now: what follows is the echo
    return await answer;
  } finally {
    if (hidden) deps.stderr.write('\n');
    rl.close();
  }
}
