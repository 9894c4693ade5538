/**
 * Runs the built CLI (bin/dbx → dist/cli.js) as a separate process, the way a user or a script does.
 * `npm test` builds dist/ first.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const DBX_BIN = fileURLToPath(new URL('../../bin/dbx', import.meta.url));

export interface DbxRun {
  code: number | null;
  stdout: string;
  /** stdout as bytes: --format raw of binary values */
  stdoutBytes: Buffer;
  stderr: string;
}

export interface DbxRunOptions {
  env?: Record<string, string | undefined>;
  input?: string;
  cwd?: string;
  timeoutMs?: number;
}

/** A clean environment: no user config, no colour, the local test servers. */
export function baseEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: 'C.UTF-8',
    TZ: 'UTC',
    NO_COLOR: '1',
    XDG_CONFIG_HOME: '/nonexistent-dbx-test-config',
    DBX_CONFIG: undefined,
    DBX_PROFILE: undefined,
    ...extra,
  };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

export function runDbx(args: string[], opts: DbxRunOptions = {}): Promise<DbxRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(DBX_BIN, [...args], {
      env: baseEnv(opts.env),
      cwd: opts.cwd ?? fileURLToPath(new URL('../..', import.meta.url)),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const stdoutBytes = Buffer.concat(out);
      resolve({ code, stdout: stdoutBytes.toString('utf8'), stdoutBytes, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}
