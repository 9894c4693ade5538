/**
 * The fault-injection matrix's one runner. Each engine's test file is a table of rows (engine × fault); a row says
 * what stands on the port dbx connects to (the engine's private server, a server of the row's own, a closed port,
 * a port that never answers, another service, the fault proxy in front of a server), the dbx arguments, what is
 * done to the server or to dbx while it runs (a signal when the statement runs on the server, when rows stream,
 * when the proxy's fault strikes), and the outcome: the exit code and stderr of CONTRACT.md, then a look at the
 * server with the engine's own client (nothing half-written, nothing left running).
 *
 * Every row, whatever it says, also checks: dbx ended within the row's hard bound (else it is killed and the row
 * fails saying it hung), no stack trace, no password in stdout, stderr or the audit log (`--log-file` is given to
 * every row that has none of its own), stdout ends with a complete line, and with --json/--format ndjson every
 * stdout line is a complete JSON value.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, test } from '@jest/globals';
import { startFaultProxy, type Fault, type FaultProxy } from '../support/fault-proxy.js';
import { freePort } from '../support/private-servers.js';
import { DBX_BIN, baseEnv } from '../support/run-dbx.js';
import { scratchDir } from '../support/temp-dir.js';

export type Engine = 'sql' | 'kv' | 'doc';

/** A password no output may show, and the wrong one the wrong-password rows send (no output may show either). */
export const PASSWORD = `Pw${Math.random().toString(36).slice(2, 10)}X`;
export const WRONG_PASSWORD = `Wr${Math.random().toString(36).slice(2, 10)}Y`;

export interface Server {
  /** what dbx is given: credentials (PASSWORD) and database included */
  url: string;
  port: number;
  /** the server process, for rows that signal it (absent: an in-process server) */
  pid?: number;
  /** the CA that signed its certificate (TLS servers) */
  ca?: string;
  stop(): Promise<void>;
  /** start it again on its data (after a kill), same port */
  restart?(): Promise<void>;
}

/** What an engine's table runs against; one per test file (test/faults/engine-kits.ts). */
export interface EngineKit {
  engine: Engine;
  /** the file's healthy server, started once, shared by the rows that do not harm it */
  shared(): Promise<Server>;
  /** a server of the row's own (rows that kill or stop it) */
  own?(): Promise<Server>;
  /** a server that speaks TLS only, with a certificate made at test time */
  tls?(): Promise<Server>;
  /** does the server run a statement (or command) containing `marker`, from any client? */
  running?(server: Server, marker: string): Promise<boolean>;
  /** stops what shared() and tls() started */
  stopAll(): Promise<void>;
}

export type Place =
  | 'shared'
  | 'own'
  | 'tls'
  /** a loopback port nobody listens on */
  | 'refused'
  /** accepts and never answers / greets like sshd / answers like an HTTP server */
  | 'never-answers' | 'ssh' | 'http'
  /** the fault proxy in front of the shared server (or the row's own) */
  | { proxy: Fault; behind?: 'shared' | 'own' };

export type Strike = {
  to: 'server' | 'dbx';
  signal: NodeJS.Signals;
  /**
   * before: the server is signalled before dbx starts; running: once the server runs a statement containing the
   * marker; streaming: once dbx has written rows to stdout; faulted: once the proxy's fault has struck
   */
  when: 'before' | { running: string } | 'streaming' | 'faulted';
  /** then, 300 ms later, this signal to dbx (a server SIGSTOPped, then Ctrl-C) */
  then?: NodeJS.Signals;
};

export interface RowContext {
  server?: Server;
  proxy?: FaultProxy;
  /** the row's scratch folder (scripts, the audit log) */
  dir: string;
  /** the URL dbx is given (before `url` changed it) */
  url: string;
}

export interface FaultRow {
  fault: string;
  place: Place;
  /** the URL dbx gets, from the place's: a wrong password, ?ssl=true, rediss:// */
  url?: (url: string) => string;
  /** dbx's arguments after --url URL: global options, the engine, the statement */
  args: (ctx: RowContext) => string[];
  env?: (ctx: RowContext) => Record<string, string>;
  /** set-up on the server before dbx runs (a table, a list) */
  before?: (ctx: RowContext) => Promise<void> | void;
  strike?: Strike;
  /** the reader closes stdout after the first line, as `dbx … | head -1` does */
  firstLineOnly?: boolean;
  /** hard bound on dbx's run (default 20 s): past it dbx is killed and the row fails as hung */
  limitMs?: number;
  /** `killed`: the row SIGKILLs dbx itself */
  expect: { code: number | 'killed'; stderr?: RegExp; stdout?: RegExp };
  /** the look at the server afterwards, with the engine's own client */
  after?: (ctx: RowContext) => Promise<void> | void;
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  hung: boolean;
  /** the strike's condition never came before dbx ended */
  missed: boolean;
  /** from spawn to exit, and from the strike to exit */
  ms: number;
  afterStrikeMs?: number;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const STACK = /^\s+at .+(:\d+:\d+\)?|\(native\)|<anonymous>)$/m;

async function place(kit: EngineKit, row: FaultRow, cleanup: (() => Promise<void>)[]): Promise<{ url: string; server?: Server; proxy?: FaultProxy }> {
  const shared = await kit.shared();
  const onPort = (port: number): string => {
    const u = new URL(shared.url);
    u.port = String(port);
    return u.toString();
  };
  const ownServer = async (): Promise<Server> => {
    assert.ok(kit.own, `${kit.engine}: no server of a row's own here`);
    const s = await kit.own();
    cleanup.push(() => s.stop());
    return s;
  };
  const p = row.place;
  if (p === 'shared') return { url: shared.url, server: shared };
  if (p === 'own') {
    const s = await ownServer();
    return { url: s.url, server: s };
  }
  if (p === 'tls') {
    assert.ok(kit.tls, `${kit.engine}: no TLS server here`);
    const s = await kit.tls();
    return { url: s.url, server: s };
  }
  if (p === 'refused') return { url: onPort(await freePort()) };
  if (typeof p === 'string') {
    const fault: Fault = p === 'never-answers' ? { kind: 'blackhole' } : { kind: 'service', service: p };
    const proxy = await startFaultProxy({ fault });
    cleanup.push(() => proxy.close());
    return { url: onPort(proxy.port), proxy };
  }
  const server = p.behind === 'own' ? await ownServer() : shared;
  const proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: server.port }, fault: p.proxy });
  cleanup.push(() => proxy.close());
  const u = new URL(server.url);
  u.port = String(proxy.port);
  return { url: u.toString(), server, proxy };
}

function signalServer(server: Server | undefined, signal: NodeJS.Signals): void {
  assert.ok(server?.pid, 'this row signals the server, but it runs inside the test process');
  process.kill(server.pid, signal);
}

async function waitUntil(check: () => Promise<boolean> | boolean, ended: () => boolean): Promise<boolean> {
  while (!ended()) {
    if (await Promise.resolve(check()).catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

function runRow(kit: EngineKit, row: FaultRow, ctx: RowContext, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(DBX_BIN, [...args], {
      env: baseEnv(row.env?.(ctx) ?? {}),
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let ended = false;
    let hung = false;
    let missed = false;
    const started = Date.now();
    let struckAt: number | undefined;
    let gotRows!: () => void;
    const streaming = new Promise<void>((r) => (gotRows = r));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      gotRows();
      if (row.firstLineOnly && stdout.includes('\n')) {
        stdout = stdout.slice(0, stdout.indexOf('\n') + 1);
        child.stdout.destroy();
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const limit = row.limitMs ?? 20_000;
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, limit);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      ended = true;
      clearTimeout(timer);
      if (ctx.server?.pid && row.strike?.signal === 'SIGSTOP') process.kill(ctx.server.pid, 'SIGCONT');
      const now = Date.now();
      resolve({ code, signal, stdout, stderr, hung, missed, ms: now - started, afterStrikeMs: struckAt === undefined ? undefined : now - struckAt });
    });
    const strike = row.strike;
    if (!strike || strike.when === 'before') return;
    const when = strike.when;
    const exited = new Promise<boolean>((r) => child.once('close', () => r(false)));
    const cond = (): Promise<boolean> => {
      if (when === 'streaming') return Promise.race([streaming.then(() => true), exited]);
      if (when === 'faulted') {
        assert.ok(ctx.proxy, 'a row that strikes when the proxy faults needs a proxy');
        return Promise.race([ctx.proxy.faulted.then(() => true), exited]);
      }
      assert.ok(kit.running, `${kit.engine}: cannot see what the server runs`);
      return waitUntil(() => kit.running!(ctx.server!, when.running), () => ended);
    };
    void cond().then((struck) => {
      if (!struck || ended) {
        missed = true;
        return;
      }
      struckAt = Date.now();
      if (strike.to === 'dbx') child.kill(strike.signal);
      else signalServer(ctx.server, strike.signal);
      const then = strike.then;
      if (then) setTimeout(() => !ended && child.kill(then), 300);
    });
  });
}

function jsonFormat(args: string[]): boolean {
  const i = args.indexOf('--format');
  return args.includes('--json') || (i >= 0 && ['json', 'ndjson'].includes(args[i + 1] ?? ''));
}

async function runCase(kit: EngineKit, row: FaultRow): Promise<void> {
  const cleanup: (() => Promise<void>)[] = [];
  try {
    const dir = scratchDir('dbx-fault-');
    const where = await place(kit, row, cleanup);
    const url = row.url ? row.url(where.url) : where.url;
    const ctx: RowContext = { server: where.server, proxy: where.proxy, dir, url: where.url };
    await row.before?.(ctx);
    if (row.strike?.when === 'before') {
      assert.equal(row.strike.to, 'server');
      signalServer(ctx.server, row.strike.signal);
      if (row.strike.signal === 'SIGKILL') await new Promise((r) => setTimeout(r, 200));
    }
    const rowArgs = row.args(ctx);
    const log = join(dir, 'audit.log');
    const args = ['--url', url, ...(rowArgs.includes('--log-file') ? [] : ['--log-file', log]), ...rowArgs];
    const r = await runRow(kit, row, ctx, args);
    const took = `${r.ms} ms${r.afterStrikeMs === undefined ? '' : `, ${r.afterStrikeMs} ms after the strike`}`;
    const shown = `exit ${r.code}${r.signal ? ` (${r.signal})` : ''} in ${took}\n--- stderr:\n${r.stderr}--- stdout (${r.stdout.length} chars):\n${r.stdout.slice(0, 400)}`;
    assert.ok(!r.hung, `dbx hung: killed after ${(row.limitMs ?? 20_000) / 1000} s\n${shown}`);
    assert.ok(!r.missed, `dbx ended before the fault struck (${JSON.stringify(row.strike?.when)})\n${shown}`);
    if (row.expect.code === 'killed') assert.equal(r.signal, 'SIGKILL', shown);
    else {
      assert.equal(r.signal, null, `dbx died of ${r.signal}\n${shown}`);
      assert.equal(r.code, row.expect.code, shown);
    }
    assert.doesNotMatch(r.stderr, STACK, `a stack trace\n${shown}`);
    const audit = existsSync(log) ? readFileSync(log, 'utf8') : '';
    for (const secret of [PASSWORD, WRONG_PASSWORD]) {
      for (const [what, text] of [['stdout', r.stdout], ['stderr', r.stderr], ['the audit log', audit]] as const) {
        assert.ok(!text.includes(secret), `the password shows in ${what}\n${shown}`);
      }
    }
    assert.ok(r.stdout === '' || r.stdout.endsWith('\n'), `stdout ends inside a line\n${shown}`);
    assert.ok(audit === '' || audit.endsWith('\n'), `the audit log ends inside a line:\n${audit.slice(-300)}`);
    if (jsonFormat(rowArgs)) {
      for (const line of r.stdout.split('\n').filter(Boolean)) {
        assert.doesNotThrow(() => JSON.parse(line), `stdout holds a line that is no complete JSON value: ${line.slice(0, 200)}…\n${shown}`);
      }
    }
    if (row.expect.stderr) assert.match(r.stderr, row.expect.stderr, shown);
    if (row.expect.stdout) assert.match(r.stdout, row.expect.stdout, shown);
    await row.after?.(ctx);
  } finally {
    for (const c of cleanup.reverse()) await c().catch(() => {});
  }
}

/** Registers one jest test per row of the engine's table. */
export function faultMatrix(kit: EngineKit, rows: FaultRow[]): void {
  afterAll(() => kit.stopAll(), 30_000);
  describe(`${kit.engine} under faults`, () => {
    for (const row of rows) {
      test(row.fault, () => runCase(kit, row), (row.limitMs ?? 20_000) + 40_000);
    }
  });
}
