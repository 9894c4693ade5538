/**
 * The MongoDB test server (mongo-test-server.ts) in a process of its own, so that a test can SIGSTOP it (a hung
 * server) or SIGKILL it (a crash) without stopping itself. The server is bundled with esbuild (npm packages stay
 * external, resolved from the repository) and handed to `node` on stdin: nothing is written to disk.
 *
 *   const mongo = await startMongoProcess();   // { url, pid, stop() }
 *   process.kill(mongo.pid, 'SIGSTOP'); … process.kill(mongo.pid, 'SIGCONT');
 *   await mongo.stop();                        // SIGCONT + SIGTERM, SIGKILL after 5 s
 *
 * The server exits by itself when the process that started it is gone (checked every second).
 */
import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { stopper } from './private-servers.js';

export interface MongoProcess {
  /** mongodb://127.0.0.1:PORT */
  url: string;
  pid: number;
  /** SIGCONT + SIGTERM, wait for the exit (SIGKILL after 5 s) */
  stop(): Promise<void>;
}

const root = fileURLToPath(new URL('../..', import.meta.url));

const ENTRY = `
import { startMongoTestServer } from './test/support/mongo-test-server.ts';
const server = await startMongoTestServer({ port: Number(process.env.DBX_MONGO_PROCESS_PORT ?? 0) });
console.log('listening ' + server.url);
const parent = process.ppid;
setInterval(() => {
  try { process.kill(parent, 0); } catch { process.exit(0); }
}, 1000).unref();
const shutdown = () => { void server.stop().finally(() => process.exit(0)); };
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
`;

let bundled: Promise<string> | undefined;

function bundle(): Promise<string> {
  bundled ??= build({
    stdin: { contents: ENTRY, resolveDir: root, loader: 'ts', sourcefile: 'mongo-process-entry.ts' },
    absWorkingDir: root,
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
  }).then((r) => r.outputFiles[0]!.text);
  return bundled;
}

/** Starts a MongoDB test server with its own empty data in a child process, on a free loopback port (or `port`). */
export async function startMongoProcess(opts: { port?: number } = {}): Promise<MongoProcess> {
  const code = await bundle();
  const child = spawn(process.execPath, ['--input-type=module', '--max-old-space-size=2048'], {
    cwd: root, // the bundle's npm imports (bson, mingo) resolve from here
    env: { ...process.env, DBX_MONGO_PROCESS_PORT: String(opts.port ?? 0) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stop = stopper(child);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error('mongo test server process: no "listening" line in 20 s')), 20_000);
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        const m = /listening (mongodb:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`mongo test server process exited (${code ?? signal}) before listening`));
      });
      child.stdin.end(code);
    });
    child.stdout.removeAllListeners('data');
    child.stdout.resume();
    // the test process may exit while this server runs (it then exits by itself): nothing here holds it
    for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as Socket).unref();
    child.unref();
    return { url, pid: child.pid!, stop };
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\n${stderr.slice(-2000)}`);
  }
}
