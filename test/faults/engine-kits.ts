/**
 * What each engine's fault table runs against: private servers started by the test on free loopback ports
 * (test/support/private-servers.ts), a TLS-only server of each engine that has one (certificates made with openssl
 * in a scratch folder), and the engines' own clients (mariadb, redis-cli) to look at the server afterwards.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startMariadb, startRedis, freePort, type PrivateServer } from '../support/private-servers.js';
import { startMongoProcess } from '../support/mongo-process.js';
import { makeCertificates } from '../support/tls-certs.js';
import { scratchDir } from '../support/temp-dir.js';
import { PASSWORD, type EngineKit, type Server } from './fault-matrix.js';

const run = promisify(execFile);

function once<T>(start: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= start());
}

/** the servers a kit starts for the whole file: `keep` one, `stopAll` at the end */
function keeper(): { keep(p: Promise<Server>): Promise<Server>; stopAll(): Promise<void> } {
  const started: Promise<Server>[] = [];
  return {
    keep: (p) => (started.push(p), p),
    async stopAll() {
      await Promise.all(started.map((p) => p.then((s) => s.stop(), () => {})));
    },
  };
}

// ---- sql: MariaDB -------------------------------------------------------------------------------------------

/** Runs SQL as root with the mariadb client; returns its tab-separated output without headers. */
export async function mariadb(server: Server, sql: string): Promise<string> {
  const { stdout } = await run('mariadb', ['--no-defaults', '-h127.0.0.1', `-P${server.port}`, '-uroot', '-N', '-B', '-e', sql], { timeout: 15_000 });
  return stdout;
}

/**
 * A MariaDB of its own with a user `dbx_fault` whose password is PASSWORD: that is who dbx logs in as. With `dir`
 * (a scratch folder) it can be started again on its data after a kill: `restart()`.
 */
async function mariadbWithUser(args: string[] = [], dir?: string): Promise<Server> {
  let current: PrivateServer = await startMariadb({ args, dir });
  const server: Server = {
    url: `mysql://dbx_fault:${PASSWORD}@127.0.0.1:${current.port}/test`,
    port: current.port,
    pid: current.pid,
    stop: () => current.stop(),
  };
  if (dir !== undefined) {
    server.restart = async () => {
      await current.stop();
      current = await startMariadb({ args, dir, port: server.port });
      server.pid = current.pid;
    };
  }
  await mariadb(server, `create user dbx_fault@'%' identified by '${PASSWORD}'; grant all on *.* to dbx_fault@'%'`);
  return server;
}

export function sqlKit(): EngineKit {
  const { keep, stopAll } = keeper();
  return {
    engine: 'sql',
    shared: once(() => keep(mariadbWithUser())),
    // a row's own server is killed: commits reach the OS at once, so what was committed survives a SIGKILL
    own: () => mariadbWithUser(['--innodb-flush-log-at-trx-commit=2'], scratchDir('dbx-fault-mariadb-')),
    tls: once(() => {
      const certs = makeCertificates(scratchDir('dbx-fault-certs-'));
      return keep(mariadbWithUser([`--ssl-cert=${certs.cert}`, `--ssl-key=${certs.key}`, `--ssl-ca=${certs.ca}`, '--require-secure-transport=ON'])
        .then((s) => ({ ...s, ca: certs.ca })));
    }),
    async running(server, marker) {
      const out = await mariadb(server, `select count(*) from information_schema.processlist where info like '%${marker}%' and id <> connection_id()`);
      return Number(out.trim()) > 0;
    },
    stopAll,
  };
}

// ---- kv: Redis ----------------------------------------------------------------------------------------------

/** redis-cli against the server, with its password; returns the raw output. */
export async function redisCli(server: Server, ...args: string[]): Promise<string> {
  const tls = server.ca ? ['--tls', '--cacert', server.ca] : [];
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(server.port), ...tls, '-a', PASSWORD, '--no-auth-warning', ...args], { timeout: 15_000 });
  return stdout;
}

async function redisWithPassword(extra: string[] = [], port?: number, readyPort?: number): Promise<Server> {
  const s = await startRedis({ port, readyPort, args: ['--requirepass', PASSWORD, ...extra] });
  const p = readyPort ?? s.port;
  return { url: `redis://:${PASSWORD}@127.0.0.1:${p}/0`, port: p, pid: s.pid, stop: s.stop };
}

export function kvKit(): EngineKit {
  const { keep, stopAll } = keeper();
  return {
    engine: 'kv',
    shared: once(() => keep(redisWithPassword())),
    own: () => redisWithPassword(),
    tls: once(async () => {
      const certs = makeCertificates(scratchDir('dbx-fault-certs-'));
      const tlsPort = await freePort();
      const s = await keep(redisWithPassword(['--port', '0', '--tls-port', String(tlsPort), '--tls-cert-file', certs.cert,
        '--tls-key-file', certs.key, '--tls-ca-cert-file', certs.ca, '--tls-auth-clients', 'no'], undefined, tlsPort));
      return { ...s, ca: certs.ca };
    }),
    async running(server, command) {
      return (await redisCli(server, 'client', 'list')).includes(`cmd=${command}`);
    },
    stopAll,
  };
}

// ---- doc: the MongoDB test server ---------------------------------------------------------------------------

async function mongoProcess(): Promise<Server> {
  const m = await startMongoProcess();
  return { url: `${m.url}/test?directConnection=true`, port: Number(new URL(m.url).port), pid: m.pid, stop: m.stop };
}

export function docKit(): EngineKit {
  const { keep, stopAll } = keeper();
  return {
    engine: 'doc',
    shared: once(() => keep(mongoProcess())),
    own: mongoProcess,
    stopAll,
  };
}
