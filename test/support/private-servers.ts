/**
 * Private server instances for tests, on free loopback ports, in temp dirs: a developer's own MariaDB and Redis are
 * never touched (no FLUSHDB on their databases, no assumption about their root password). Used by the jest global
 * setup for the shared suite servers, and by suites that need servers of their own (faults, cluster, Sentinel).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PrivateServer {
  /** mysql://root:@127.0.0.1:PORT/test, redis://127.0.0.1:PORT */
  url: string;
  host: '127.0.0.1';
  port: number;
  pid: number;
  /** the server's temp dir (datadir, socket, logs) */
  dir: string;
  /** SIGTERM, wait for the exit (SIGKILL after 5 s), remove the dir */
  stop(): Promise<void>;
}

/** A TCP port nobody listens on right now (and, with `plus`, whose port+plus is free too: Redis cluster buses). */
export async function freePort(plus?: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    if (plus === undefined) return port;
    if (port + plus < 65536 && (await portFree(port + plus))) return port;
  }
  throw new Error('no free port');
}

export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

export async function waitFor(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await Promise.resolve(check()).catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** SIGCONT + SIGTERM, wait for the exit (SIGKILL after 5 s), then remove `dir` (none given or keepDir: nothing removed). */
export function stopper(child: ChildProcess, dir?: string, keepDir = false): () => Promise<void> {
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGCONT'); // a test may have left it stopped
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    if (dir !== undefined && !keepDir) rmSync(dir, { recursive: true, force: true });
  };
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}

export interface RedisOptions {
  port?: number;
  /** extra redis-server arguments: ['--requirepass', 'pw'], ['--cluster-enabled', 'yes', …] */
  args?: string[];
  /** the server's own dir (cluster nodes keep nodes.conf there); default: a new temp dir */
  dir?: string;
  /** wait until a TCP connect succeeds on this port instead of `port` (a TLS-only server) */
  readyPort?: number;
}

export async function startRedis(opts: RedisOptions = {}): Promise<PrivateServer> {
  const port = opts.port ?? (await freePort());
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'dbx-redis-'));
  mkdirSync(dir, { recursive: true });
  const log = join(dir, `redis-${port}.log`);
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no',
      '--dir', dir, '--logfile', log, ...(opts.args ?? [])],
    { stdio: 'ignore' },
  );
  child.unref();
  const stop = stopper(child, dir, opts.dir !== undefined);
  try {
    await waitFor(() => child.exitCode === null && canConnect(opts.readyPort ?? port), `redis-server on ${port}`, 10_000);
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\n${tail(log)}`);
  }
  return { url: `redis://127.0.0.1:${port}`, host: '127.0.0.1', port, pid: child.pid!, dir, stop };
}

export interface SentinelOptions {
  /** the master's name: `sentinel monitor NAME …` */
  name: string;
  master: { host: string; port: number };
  /** Sentinels that must agree that the master is down (default 2) */
  quorum?: number;
  /** the data nodes' password (`sentinel auth-pass`) */
  authPass?: string;
  /** the Sentinel's own password (`requirepass`; every Sentinel of the set needs the same) */
  requirepass?: string;
}

/**
 * One `redis-server --sentinel` on a free loopback port, watching `master`, with short down-after/failover
 * timeouts so that a test's failover takes seconds. Its config file is in its own temp dir (Sentinel rewrites it).
 */
export async function startSentinel(opts: SentinelOptions): Promise<PrivateServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'dbx-sentinel-'));
  const conf = join(dir, 'sentinel.conf');
  const lines = [
    `port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, `logfile ${join(dir, 'sentinel.log')}`,
    `sentinel monitor ${opts.name} ${opts.master.host} ${opts.master.port} ${opts.quorum ?? 2}`,
    `sentinel down-after-milliseconds ${opts.name} 1000`,
    `sentinel failover-timeout ${opts.name} 5000`,
    `sentinel parallel-syncs ${opts.name} 1`,
    ...(opts.authPass ? [`sentinel auth-pass ${opts.name} ${opts.authPass}`] : []),
    ...(opts.requirepass ? [`requirepass ${opts.requirepass}`] : []),
  ];
  writeFileSync(conf, lines.join('\n') + '\n');
  const child = spawn('redis-server', [conf, '--sentinel', '--daemonize', 'no'], { stdio: 'ignore' });
  child.unref();
  const stop = stopper(child, dir);
  try {
    await waitFor(() => child.exitCode === null && canConnect(port), `redis-sentinel on ${port}`, 10_000);
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\n${tail(join(dir, 'sentinel.log'))}`);
  }
  return { url: `redis://127.0.0.1:${port}`, host: '127.0.0.1', port, pid: child.pid!, dir, stop };
}

export interface MariadbOptions {
  port?: number;
  /** extra mariadbd arguments */
  args?: string[];
  /**
   * the server's own dir, kept at stop: a dir that already holds a datadir (a server stopped or killed before)
   * starts that data again (crash recovery included) instead of installing a new one
   */
  dir?: string;
}

const MARIADBD = ['/usr/sbin/mariadbd', '/usr/sbin/mysqld'].find((p) => existsSync(p)) ?? 'mariadbd';

/**
 * A MariaDB of its own: `mariadb-install-db` into a temp dir, then mariadbd on a free loopback port with its own
 * socket, root with an empty password over TCP, a `test` database, and the same character set defaults as Debian's
 * packaged server (utf8mb4, utf8mb4_general_ci).
 */
export async function startMariadb(opts: MariadbOptions = {}): Promise<PrivateServer> {
  const port = opts.port ?? (await freePort());
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'dbx-mariadb-'));
  const data = join(dir, 'data');
  // a tmpdir of its own: two installs at once in the shared /tmp collide on their temporary tables' names
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp, { recursive: true });
  const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];
  if (!existsSync(join(data, 'mysql'))) {
    const install = spawnSync(
      'mariadb-install-db',
      ['--no-defaults', `--datadir=${data}`, '--auth-root-authentication-method=normal', '--skip-test-db', `--tmpdir=${tmp}`, ...asRoot],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (install.status !== 0) {
      if (opts.dir === undefined) rmSync(dir, { recursive: true, force: true });
      throw new Error(`mariadb-install-db failed: ${install.stderr || install.stdout || install.error?.message}`);
    }
  }
  const log = join(dir, 'error.log');
  const child = spawn(
    MARIADBD,
    ['--no-defaults', `--datadir=${data}`, `--tmpdir=${tmp}`, `--port=${port}`, '--bind-address=127.0.0.1', `--socket=${join(dir, 'mysqld.sock')}`,
      `--pid-file=${join(dir, 'mysqld.pid')}`, `--log-error=${log}`, '--skip-name-resolve', '--character-set-server=utf8mb4',
      '--collation-server=utf8mb4_general_ci', '--innodb-buffer-pool-size=64M', '--innodb-log-file-size=16M',
      '--skip-log-bin',
      // a test server holds nothing worth a sync to disk: DDL-heavy suites (the sql conformance corpus) run in
      // a fraction of the time; loose- so that a server without the option still starts
      '--loose-innodb-flush-log-at-trx-commit=0', '--loose-innodb-doublewrite=0', '--loose-innodb-flush-method=nosync',
      ...asRoot, ...(opts.args ?? [])],
    { stdio: 'ignore' },
  );
  child.unref();
  const stop = stopper(child, dir, opts.dir !== undefined);
  try {
    await waitFor(() => child.exitCode === null && canConnect(port), `mariadbd on ${port}`, 30_000);
    const sql = spawnSync('mariadb', ['--no-defaults', '-h127.0.0.1', `-P${port}`, '-uroot', '-e', 'create database if not exists test'], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    if (sql.status !== 0) throw new Error(`create database test: ${sql.stderr}`);
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\n${tail(log)}`);
  }
  return { url: `mysql://root:@127.0.0.1:${port}/test`, host: '127.0.0.1', port, pid: child.pid!, dir, stop };
}
