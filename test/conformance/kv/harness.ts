/**
 * The differential harness: the same command given to the real `redis-cli` and to dbx, on a private redis-server
 * (DEBUG enabled, so DEBUG PROTOCOL can send every RESP3 type). redis-cli runs as a process; dbx runs in this
 * process through program.run() with buffers for its streams (hundreds of cases, no node start-up each), which
 * is the same code the CLI runs. Output is kept as bytes: raw mode is compared byte for byte.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { run } from '../../../src/program.js';
import { startRedis, type PrivateServer } from '../../support/private-servers.js';

export interface Ran {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export interface Servers {
  server: PrivateServer;
  /** an empty directory to run in, so that `keys *` hints never see the project's files */
  cwd: string;
  stop(): Promise<void>;
}

export async function startConformanceServer(): Promise<Servers> {
  const server = await startRedis({ args: ['--enable-debug-command', 'yes'] });
  const cwd = mkdtempSync(join(tmpdir(), 'dbx-conf-'));
  return {
    server,
    cwd,
    stop: async () => {
      await server.stop();
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}

/** redis-cli against the server; `input` goes to its stdin (a script, or RESP for --pipe). */
export function redisCli(server: PrivateServer, args: string[], input?: string | Buffer): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-cli', ['-h', '127.0.0.1', '-p', String(server.port), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: err }));
    child.stdin.on('error', () => undefined); // it may exit before reading stdin (a command given as arguments)
    child.stdin.end(input ?? '');
  });
}

class Collect extends Writable {
  readonly chunks: Buffer[] = [];
  isTTY = false;
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    done();
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

export interface DbxOptions {
  input?: string | Buffer;
  cwd?: string;
  env?: Record<string, string>;
}

/** dbx with `args` (global options and all), in this process. */
export async function dbxIn(args: string[], opts: DbxOptions = {}): Promise<Ran> {
  const stdout = new Collect();
  const stderr = new Collect();
  const stdin = opts.input === undefined ? new PassThrough() : Readable.from([Buffer.from(opts.input)]);
  if (opts.input === undefined) (stdin as PassThrough).end();
  const code = await run({
    argv: args,
    env: { NO_COLOR: '1', XDG_CONFIG_HOME: '/nonexistent-dbx-test-config', LANG: 'C.UTF-8', ...opts.env },
    cwd: opts.cwd ?? process.cwd(),
    stdin: Object.assign(stdin, { isTTY: false }),
    stdout,
    stderr,
    onInterrupt: () => () => {},
  });
  return { code, stdout: stdout.bytes(), stderr: stderr.bytes().toString('utf8') };
}

/** dbx kv on the conformance server: `url` options go before `kv`, then the command words. */
export function dbxKv(servers: Servers, words: string[], opts: DbxOptions & { before?: string[]; query?: string } = {}): Promise<Ran> {
  const url = `redis://127.0.0.1:${servers.server.port}/0${opts.query ?? ''}`;
  return dbxIn(['--url', url, ...(opts.before ?? []), 'kv', ...words], { cwd: servers.cwd, ...opts });
}

const CUT = 'dbx-conformance-cut-8c1f';

/** A word as redis-cli reads it on a line of its stdin: double-quoted, escaped as its splitter unescapes. */
function cliWord(word: string): string {
  let out = '"';
  for (const b of Buffer.from(word, 'utf8')) {
    if (b === 0x22 || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return `${out}"`;
}

/**
 * Many commands through one redis-cli process (stdin, one command per line, an ECHO between them to cut the
 * output apart): one process instead of hundreds. In this mode redis-cli prints an error reply and carries on,
 * as it does for one command given as arguments. Where redis-cli dies on a reply (exit 1: a RESP3 type it cannot
 * print) that command's result is its exit and stderr, and the rest runs in a new process.
 */
export async function redisCliEach(server: PrivateServer, args: string[], commands: string[][]): Promise<Ran[]> {
  const results: Ran[] = [];
  while (results.length < commands.length) {
    const rest = commands.slice(results.length);
    const script = rest.map((words) => `${words.map(cliWord).join(' ')}\necho ${CUT}\n`).join('');
    const r = await redisCli(server, args, script);
    const cut = Buffer.from(args.includes('--raw') ? `${CUT}\n` : `"${CUT}"\n`);
    let at = 0;
    for (;;) {
      const end = r.stdout.indexOf(cut, at);
      if (end < 0) break;
      results.push({ code: 0, stdout: r.stdout.subarray(at, end), stderr: '' });
      at = end + cut.length;
    }
    if (results.length < commands.length) {
      if (r.code === 0) throw new Error(`redis-cli ended early without an error: ${r.stdout.subarray(at).toString()}`);
      results.push({ code: r.code, stdout: r.stdout.subarray(at), stderr: r.stderr });
    }
  }
  return results;
}

/** RESP for `redis-cli --pipe`: binary-safe loading of fixtures. */
export function resp(commands: (string | Buffer)[][]): Buffer {
  const parts: Buffer[] = [];
  for (const c of commands) {
    parts.push(Buffer.from(`*${c.length}\r\n`));
    for (const a of c) {
      const b = Buffer.isBuffer(a) ? a : Buffer.from(a);
      parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
    }
  }
  return Buffer.concat(parts);
}

/** Loads commands through `redis-cli --pipe` and checks that none failed. */
export async function load(server: PrivateServer, commands: (string | Buffer)[][]): Promise<void> {
  const r = await redisCli(server, ['--pipe'], resp(commands));
  if (r.code !== 0 || !/errors: 0,/.test(r.stdout.toString())) throw new Error(`fixture load failed: ${r.stdout}${r.stderr}`);
}
