/**
 * What the program is given from the outside world. src/cli.ts passes the real process; tests pass buffers.
 */
export interface Deps {
  /** the user's arguments (no node, no script path) */
  argv: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** registers a Ctrl-C handler; returns a function that removes it */
  onInterrupt(handler: () => void): () => void;
}

/** Reads a whole stream as bytes. */
export async function readAllBytes(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}


/** Asks a question on the terminal; `hidden` for passwords (no echo). */
export async function askOnTty(deps: Deps, question: string, hidden = false): Promise<string> {
  const { createInterface } = await import('node:readline');
  const rl = createInterface({ input: deps.stdin, output: deps.stderr, terminal: true });
  if (hidden) {
    // readline echoes through _writeToOutput; silence everything after the prompt
    const r = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WritableStream };
    let prompted = false;
    r._writeToOutput = (s: string) => {
      if (!prompted) {
        r.output.write(s);
        prompted = true;
      }
    };
  }
  try {
    return await new Promise<string>((resolve) => rl.question(question, resolve));
  } finally {
    if (hidden) deps.stderr.write('\n');
    rl.close();
  }
}
