/**
 * Issue 11, defects 2–7: --timeout and the signals hold under faults. On servers of the test's own (a private
 * mariadbd, a private redis-server, the MongoDB test server in its own process): SIGSTOP is only ever sent to a
 * server this file started. Each run has a hard bound (the README's "Time bounds": the timeout or the signal, then
 * at most GIVE_UP_MS for the cancel, plus slack for a loaded machine); past it the test kills dbx and fails.
 * - a hung server (SIGSTOP) or a stalled network (a proxy that stops forwarding mid-result): dbx gives up on the
 *   statement and exits 1 (--timeout) / 130 (Ctrl-C), for sql, doc and kv;
 * - SIGTERM / SIGHUP cancel the statement on the server, then exit 143 / 129;
 * - a statement dbx cancelled is TIMEOUT, exit 1, whatever the server answered afterwards (a killed BENCHMARK);
 * - stdout only holds complete values: nothing before the first row; after rows, the value is closed and stderr
 *   says the output is partial;
 * - the sql shell survives a give-up: the next statement reconnects.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { startMongoProcess, type MongoProcess } from '../support/mongo-process.js';
import { startMariadb, startRedis, waitFor, type PrivateServer } from '../support/private-servers.js';
import { PtySession } from '../support/pty-session.js';
import { DBX_BIN, baseEnv } from '../support/run-dbx.js';
import { scratchDir } from '../support/temp-dir.js';

/** src/runner/cancel-bound.ts's GIVE_UP_MS, as the README states it */
const GIVE_UP_MS = 2000;
/** what a loaded 2-core machine may add to a bound (process start, connecting, the kernel) */
const SLACK_MS = 5000;

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** dbx was still running at its bound and was killed */
  overran: boolean;
}

interface Running {
  child: ChildProcess;
  /** resolves once stdout has received at least `bytes` bytes */
  output(bytes?: number): Promise<void>;
  /** resolves once stderr matches `pattern` */
  said(pattern: RegExp): Promise<void>;
  /** resolves when dbx exits, or kills it at `boundMs` after the call (overran) */
  ended(boundMs: number): Promise<Ended>;
}

function startDbx(args: string[]): Running {
  const child = spawn(DBX_BIN, [...args], {
    env: baseEnv(),
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  let outBytes = 0;
  let stderr = '';
  const watchers = new Set<() => void>();
  child.stdout!.on('data', (d: Buffer) => {
    out.push(d);
    outBytes += d.length;
    for (const w of watchers) w();
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    for (const w of watchers) w();
  });
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output: (bytes = 1) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (outBytes >= bytes) {
            watchers.delete(check);
            resolve();
          }
        };
        watchers.add(check);
        check();
        void closed.then(() => (outBytes >= bytes ? resolve() : reject(new Error(`dbx ended before ${bytes} bytes of output: ${stderr}`))));
      }),
    said: (pattern) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(stderr)) {
            watchers.delete(check);
            resolve();
          }
        };
        watchers.add(check);
        check();
        void closed.then(() => (pattern.test(stderr) ? resolve() : reject(new Error(`dbx ended without saying ${pattern}: ${stderr}`))));
      }),
    ended: async (boundMs) => {
      let overran = false;
      const timer = setTimeout(() => {
        overran = true;
        child.kill('SIGKILL');
      }, boundMs);
      const r = await closed;
      clearTimeout(timer);
      return { ...r, stdout: Buffer.concat(out).toString('utf8'), stderr, overran };
    },
  };
}

/** A hung server: stopped with SIGSTOP until `resume()` (always called: the finally of each test). */
function freeze(pid: number): { resume(): void } {
  process.kill(pid, 'SIGSTOP');
  let resumed = false;
  return {
    resume: () => {
      if (resumed) return;
      resumed = true;
      process.kill(pid, 'SIGCONT');
    },
  };
}

let maria: PrivateServer;

function sqlOnServer(sql: string): string {
  const r = spawnSync('mariadb', ['--no-defaults', '-h127.0.0.1', `-P${maria.port}`, '-uroot', '-N', '-B', '-e', sql], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (r.status !== 0) throw new Error(`mariadb: ${r.stderr || r.error?.message}`);
  return r.stdout.trim();
}

/** how many statements holding `marker` run on the server (the asking one aside) */
function running(marker: string): number {
  return Number(sqlOnServer(
    `select count(*) from information_schema.processlist where info like '%${marker}%' and id <> connection_id()`,
  ));
}

/** KILLs what a test left running after a give-up (the server could not be told while it was stopped) */
function killLeftovers(marker: string): void {
  const ids = sqlOnServer(`select id from information_schema.processlist where info like '%${marker}%' and id <> connection_id()`);
  for (const id of ids.split('\n').filter(Boolean)) sqlOnServer(`kill ${id}`);
}

beforeAll(async () => {
  maria = await startMariadb();
}, 90_000);

afterAll(async () => {
  await maria?.stop();
});

describe('sql: a hung server (SIGSTOP) does not defeat --timeout or Ctrl-C (defect 2)', () => {
  test('--timeout 1500: TIMEOUT, exit 1, within the timeout and the give-up bound', async () => {
    const dbx = startDbx(['--url', maria.url, '--timeout', '1500', 'sql', 'select sleep(20) as hung_timeout']);
    await waitFor(() => running('hung_timeout') === 1, 'the statement on the server');
    const server = freeze(maria.pid);
    try {
      const r = await dbx.ended(1500 + GIVE_UP_MS + SLACK_MS);
      expect(r.overran).toBe(false);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/TIMEOUT at line 1: statement cancelled after 1500 ms \(--timeout\)/);
      expect(r.stderr).toMatch(/no answer from the server 2 s after the cancel/);
    } finally {
      server.resume();
      killLeftovers('hung_timeout');
    }
  }, 60_000);

  test('Ctrl-C: exit 130 within the give-up bound', async () => {
    const dbx = startDbx(['--url', maria.url, 'sql', 'select sleep(20) as hung_ctrl_c']);
    await waitFor(() => running('hung_ctrl_c') === 1, 'the statement on the server');
    const server = freeze(maria.pid);
    try {
      dbx.child.kill('SIGINT');
      const r = await dbx.ended(GIVE_UP_MS + SLACK_MS);
      expect(r.overran).toBe(false);
      expect(r.code).toBe(130);
      expect(r.stderr).toMatch(/INTERRUPTED: interrupted/);
    } finally {
      server.resume();
      killLeftovers('hung_ctrl_c');
    }
  }, 60_000);
});

describe('sql --force: the statement after a give-up connects again', () => {
  test('a script goes on after the hung statement once the server answers again', async () => {
    const dbx = startDbx(['--url', maria.url, '--force', '--timeout', '1000', 'sql', 'select sleep(20) as forced_hung; select 6 * 7 as after_give_up']);
    await waitFor(() => running('forced_hung') === 1, 'the statement on the server');
    const server = freeze(maria.pid);
    try {
      await dbx.said(/TIMEOUT/);
    } finally {
      server.resume();
    }
    const r = await dbx.ended(15_000);
    killLeftovers('forced_hung');
    expect(r.overran).toBe(false);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/after_give_up[\s\S]*\|\s+42 \|/);
  }, 60_000);
});

describe('sql: a network stall mid-result does not defeat --timeout or Ctrl-C (defect 3)', () => {
  const MILLION = 'select seq, repeat(\'x\', 40) as pad, \'stall_marker\' as m from seq_1_to_1000000';
  let proxy: FaultProxy;

  beforeAll(async () => {
    // the first connection (the user's) stalls after 256 KB of the result; the KILL QUERY connection passes
    proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: maria.port }, fault: { kind: 'none' } });
  });
  afterAll(async () => {
    await proxy?.close();
  });

  const url = () => `mysql://root@127.0.0.1:${proxy.port}/test`;

  test('--timeout 1500 --json: TIMEOUT exit 1; stdout holds the rows before the stall as a closed array', async () => {
    proxy.setFault({ kind: 'stall', after: 256 * 1024, direction: 'down', connection: proxy.connections });
    const dbx = startDbx(['--url', url(), '--json', '--timeout', '1500', 'sql', MILLION]);
    const r = await dbx.ended(1500 + GIVE_UP_MS + SLACK_MS);
    expect(r.overran).toBe(false);
    expect(r.code).toBe(1);
    const rows = JSON.parse(r.stdout) as unknown[];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(1_000_000);
    const error = JSON.parse(r.stderr.trim().split('\n').pop()!) as { error: Record<string, unknown> };
    expect(error.error).toMatchObject({ code: 'TIMEOUT', partial: true });
    expect(String(error.error.note)).toMatch(/the output is partial/);
  }, 60_000);

  test('Ctrl-C during the stall: exit 130 within the give-up bound; ndjson lines stay whole', async () => {
    proxy.setFault({ kind: 'stall', after: 256 * 1024, direction: 'down', connection: proxy.connections });
    const dbx = startDbx(['--url', url(), '--format', 'ndjson', 'sql', MILLION]);
    await dbx.output(64 * 1024);
    await proxy.faulted;
    await new Promise((r) => setTimeout(r, 300)); // the stall holds: dbx waits on a silent socket
    dbx.child.kill('SIGINT');
    const r = await dbx.ended(GIVE_UP_MS + SLACK_MS);
    expect(r.overran).toBe(false);
    expect(r.code).toBe(130);
    expect(r.stdout.endsWith('\n')).toBe(true);
    for (const line of r.stdout.trimEnd().split('\n')) expect(JSON.parse(line)).toHaveProperty('m', 'stall_marker');
  }, 60_000);
});

describe('sql: SIGTERM and SIGHUP cancel on the server, then exit 143 / 129 (defect 5)', () => {
  test.each([
    ['SIGTERM', 143, 'term_probe'],
    ['SIGHUP', 129, 'hup_probe'],
  ] as const)('%s: exit %i and the statement is gone from the processlist', async (signal, code, marker) => {
    const dbx = startDbx(['--url', maria.url, 'sql', `select sleep(30) as ${marker}`]);
    await waitFor(() => running(marker) === 1, 'the statement on the server');
    dbx.child.kill(signal);
    const r = await dbx.ended(GIVE_UP_MS + SLACK_MS);
    expect(r.overran).toBe(false);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(/INTERRUPTED/);
    // KILL QUERY was answered before dbx exited: the server is not still sleeping
    await waitFor(() => running(marker) === 0, `${marker} gone from the processlist`, 3000);
  }, 60_000);
});

describe('sql: a cancelled statement is TIMEOUT whatever the server answered (defect 6)', () => {
  test('a killed BENCHMARK answers with a row: exit 1, TIMEOUT, nothing on stdout, gone from the server', async () => {
    const dbx = startDbx(['--url', maria.url, '--timeout', '1000', 'sql', "select benchmark(400000000, md5('x')) as bench_probe"]);
    const r = await dbx.ended(1000 + GIVE_UP_MS + SLACK_MS);
    expect(r.overran).toBe(false);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/TIMEOUT at line 1: statement cancelled after 1000 ms/);
    expect(running('bench_probe')).toBe(0);
  }, 60_000);
});

describe('stdout only holds complete values (defect 7)', () => {
  test.each([
    ['json', ['--json']],
    ['csv', ['--format', 'csv']],
    ['tsv', ['--format', 'tsv']],
    ['table', []],
  ])('sql %s: a statement cancelled before its first row prints nothing on stdout', async (_name, format) => {
    const dbx = startDbx(['--url', maria.url, ...format, '--timeout', '500', 'sql', 'select sleep(3) as s']);
    const r = await dbx.ended(500 + GIVE_UP_MS + SLACK_MS);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(/partial/);
  }, 30_000);

  // rows of 20 KB, one each 50 ms: the server sends rows as they come, and --timeout strikes among them
  const SLOW_ROWS = "select seq, repeat('x', 20000) as r, sleep(0.05) as z from seq_1_to_1000";

  test('sql json: cancelled after rows: a closed array, and stderr says the output is partial', async () => {
    const r = await startDbx(['--url', maria.url, '--json', '--timeout', '1500', 'sql', SLOW_ROWS]).ended(1500 + GIVE_UP_MS + SLACK_MS);
    expect(r.code).toBe(1);
    expect(r.stdout.endsWith(']\n')).toBe(true);
    const rows = JSON.parse(r.stdout) as Array<{ seq: number }>;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(1000);
    expect(JSON.parse(r.stderr)).toMatchObject({ error: { code: 'TIMEOUT', partial: true } });
  }, 30_000);

  test.each([
    ['csv', 'seq,r,z'],
    ['tsv', 'seq\tr\tz'],
  ])('sql %s: cancelled after rows: the header, whole lines, and "output is partial"', async (format, header) => {
    const r = await startDbx(['--url', maria.url, '--format', format, '--timeout', '1500', 'sql', SLOW_ROWS]).ended(1500 + GIVE_UP_MS + SLACK_MS);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(header);
    expect(lines.pop()).toBe(''); // the last line is ended
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines.slice(1)) expect(line.split(format === 'csv' ? ',' : '\t')).toHaveLength(3);
    expect(r.stderr).toMatch(/TIMEOUT[\s\S]*note: the output is partial/);
  }, 30_000);

  test.each(['csv', 'tsv'])('sql %s (rows read as bytes): Ctrl-C after rows: exit 130, whole lines, "output is partial"', async (format) => {
    const dbx = startDbx(['--url', maria.url, '--format', format, 'sql', SLOW_ROWS]);
    await dbx.output(64 * 1024);
    dbx.child.kill('SIGINT');
    const r = await dbx.ended(GIVE_UP_MS + SLACK_MS);
    expect(r.code).toBe(130);
    const lines = r.stdout.split('\n');
    expect(lines.pop()).toBe('');
    for (const line of lines.slice(1)) expect(line.split(format === 'csv' ? ',' : '\t')).toHaveLength(3);
    expect(r.stderr).toMatch(/INTERRUPTED[\s\S]*note: the output is partial/);
  }, 30_000);
});

describe('kv: the same rules on a private redis-server', () => {
  let redis: PrivateServer;
  let proxy: FaultProxy;

  beforeAll(async () => {
    redis = await startRedis();
    // a list of 200,000 elements of 40 bytes, filled by the server itself
    const fill = spawnSync('redis-cli', ['-p', String(redis.port), 'eval',
      "for i=1,200000,1000 do local t={} for j=i,i+999 do t[#t+1]=string.format('%039d', j) end redis.call('rpush', KEYS[1], unpack(t)) end return redis.call('llen', KEYS[1])",
      '1', 'biglist'], { encoding: 'utf8' });
    expect(fill.stdout.trim()).toBe('200000');
    proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: redis.port }, fault: { kind: 'none' } });
  }, 60_000);
  afterAll(async () => {
    await proxy?.close();
    await redis?.stop();
  });

  test('--json --timeout: a blocked command prints nothing on stdout, exit 1', async () => {
    const r = await startDbx(['--url', redis.url, '--json', '--timeout', '500', 'kv', 'blpop', 'nokey', '5']).ended(500 + GIVE_UP_MS + SLACK_MS);
    expect(r.overran).toBe(false);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr)).toMatchObject({ error: { code: 'TIMEOUT' } });
  }, 30_000);

  test.each([
    ['--timeout 1000', ['--timeout', '1000'], 1, 1000],
    ['Ctrl-C', [], 130, 0],
  ] as const)('a hung redis-server (SIGSTOP), %s: dbx ends within the bound', async (_name, extra, code, timeout) => {
    const dbx = startDbx(['--url', redis.url, ...extra, 'kv', 'blpop', 'hung_key', '20']);
    await waitFor(() => /cmd=blpop/.test(spawnSync('redis-cli', ['-p', String(redis.port), 'client', 'list'], { encoding: 'utf8' }).stdout), 'BLPOP on the server');
    const server = freeze(redis.pid);
    try {
      if (timeout === 0) dbx.child.kill('SIGINT');
      const r = await dbx.ended(timeout + GIVE_UP_MS + SLACK_MS);
      expect(r.overran).toBe(false);
      expect(r.code).toBe(code);
      expect(r.stdout).toBe('');
    } finally {
      server.resume();
    }
  }, 30_000);

  test('a stall mid-LRANGE under --timeout --json: exit 1 within the bound, a closed array, partial', async () => {
    proxy.setFault({ kind: 'stall', after: 256 * 1024, direction: 'down' });
    const dbx = startDbx(['--url', `redis://127.0.0.1:${proxy.port}/0`, '--json', '--timeout', '1500', 'kv', 'lrange', 'biglist', '0', '-1']);
    const r = await dbx.ended(1500 + GIVE_UP_MS + SLACK_MS);
    expect(r.overran).toBe(false);
    expect(r.code).toBe(1);
    if (r.stdout !== '') {
      const values = JSON.parse(r.stdout) as string[];
      expect(values.length).toBeLessThan(200_000);
      expect(r.stderr).toMatch(/"partial":true/);
    }
    expect(r.stderr).toMatch(/"code":"TIMEOUT"/);
  }, 30_000);
});

describe('doc: a server that hangs mid-stream (defect 4)', () => {
  let mongo: MongoProcess;

  beforeAll(async () => {
    mongo = await startMongoProcess();
    const client = new MongoClient(mongo.url);
    try {
      const big = client.db('dbx_cancel').collection('big');
      const pad = 'x'.repeat(2000);
      for (let i = 0; i < 50_000; i += 5000) {
        await big.insertMany(Array.from({ length: 5000 }, (_, k) => ({ _id: i + k, pad })) as never[]);
      }
    } finally {
      await client.close();
    }
  }, 60_000);
  afterAll(async () => {
    await mongo?.stop();
  });

  test('a reply that stalls before its first document (--json --timeout): nothing on stdout, exit 1 within the bound', async () => {
    const port = Number(new URL(mongo.url).port);
    // every connection's replies stop after 4 KB: the handshakes pass, the find's first batch (200 KB) never ends
    const proxy = await startFaultProxy({ target: { host: '127.0.0.1', port }, fault: { kind: 'stall', after: 4096, direction: 'down' } });
    try {
      const dbx = startDbx(['--url', `mongodb://127.0.0.1:${proxy.port}/dbx_cancel`, '--json', '--timeout', '1000', 'doc', 'db.big.find()']);
      const r = await dbx.ended(1000 + GIVE_UP_MS + SLACK_MS);
      expect(r.overran).toBe(false);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(JSON.parse(r.stderr)).toMatchObject({ error: { code: 'TIMEOUT' } });
      expect(r.stderr).not.toMatch(/partial/);
    } finally {
      await proxy.close();
    }
  }, 30_000);

  test.each([
    ['--timeout 2500', 'ndjson', ['--timeout', '2500'], 1, /"code":"TIMEOUT"/, 2500],
    ['Ctrl-C', 'json', [], 130, /"code":"INTERRUPTED"/, 0],
  ] as const)('%s: dbx says so and ends (no socket, timer or pool keeps it alive); %s output stays whole', async (_name, format, extra, code, said, timeout) => {
    const url = `${mongo.url}/dbx_cancel`;
    const dbx = startDbx(['--url', url, '--format', format, ...extra, 'doc', 'db.big.find()']);
    await dbx.output(1);
    const server = freeze(mongo.pid);
    try {
      if (timeout === 0) dbx.child.kill('SIGINT');
      const r = await dbx.ended(timeout + GIVE_UP_MS + SLACK_MS);
      expect(r.overran).toBe(false);
      expect(r.code).toBe(code);
      expect(r.stderr).toMatch(said);
      expect(r.stdout.endsWith('\n')).toBe(true);
      expect(r.stderr).toMatch(/"partial":true/);
      // ndjson: whole lines; json: the array closed
      const docs = format === 'json' ? (JSON.parse(r.stdout) as unknown[]) : r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown);
      expect(docs.length).toBeLessThan(50_000);
      for (const doc of docs) expect(doc).toHaveProperty('pad');
    } finally {
      server.resume();
    }
  }, 60_000);
});

describe('the sql shell and SIGTERM', () => {
  test('SIGTERM while a statement runs: cancelled on the server, then the shell ends with 143', async () => {
    const state = scratchDir('dbx-cancel-shell-');
    const s = new PtySession(['--url', maria.url, 'sql'], { env: { XDG_STATE_HOME: state, PAGER: 'cat' } });
    try {
      await s.expect(/local:test> $/);
      s.send('select sleep(30) as shell_term;\r');
      await waitFor(() => running('shell_term') === 1, 'the statement on the server');
      const pid = s.programPid();
      expect(pid).toBeDefined();
      process.kill(pid!, 'SIGTERM');
      expect(await s.exited(GIVE_UP_MS + SLACK_MS)).toBe(143);
      await waitFor(() => running('shell_term') === 0, 'shell_term gone from the processlist', 3000);
    } finally {
      s.close();
    }
  }, 60_000);
});

describe('the sql shell survives a give-up', () => {
  test('a statement the hung server never answers: TIMEOUT, the prompt, and the next statement reconnects', async () => {
    const state = scratchDir('dbx-cancel-shell-');
    const s = new PtySession(['--url', maria.url, '--timeout', '1000', 'sql'], { env: { XDG_STATE_HOME: state, PAGER: 'cat' } });
    try {
      await s.expect(/local:test> $/);
      s.send('select sleep(20) as shell_hung;\r');
      await waitFor(() => running('shell_hung') === 1, 'the statement on the server');
      const server = freeze(maria.pid);
      let text: string;
      try {
        text = await s.expect(/local:test> $/, 1000 + GIVE_UP_MS + SLACK_MS);
      } finally {
        server.resume();
        killLeftovers('shell_hung');
      }
      expect(text).toMatch(/TIMEOUT/);
      s.send('select 6 * 7 as after_give_up;\r');
      const next = await s.expect(/local:test> $/, 15_000);
      expect(next).toMatch(/Reconnected/);
      expect(next).toMatch(/\|\s+42 \|/);
      s.send('\x04');
      expect(await s.exited()).toBe(0);
    } finally {
      s.close();
    }
  }, 60_000);
});
