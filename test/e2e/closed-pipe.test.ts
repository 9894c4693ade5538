/**
 * A closed pipe on stdout or stderr (`dbx … | head -1`, `dbx … 2>&1 | head -1`) ends quietly: no message about the
 * pipe, the script runs to its end (nothing half-done on the server), and the exit code is the outcome's.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, test } from '@jest/globals';
import { DBX_BIN, baseEnv, runDbx } from '../support/run-dbx.js';
import { SHARED_KV_DB, testKvUrl, testSqlUrl } from '../support/servers.js';

/** Runs dbx with the reading end of stdout and/or stderr closed before it writes anything. */
function runClosed(args: string[], close: { stdout?: boolean; stderr?: boolean }): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(DBX_BIN, [...args], {
      env: baseEnv(),
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    if (close.stdout) child.stdout.destroy();
    else child.stdout.resume();
    if (close.stderr) child.stderr.destroy();
    else child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

let kvUrl: string;
let refusedUrl: string;

beforeAll(async () => {
  kvUrl = await testKvUrl(SHARED_KV_DB);
  // a port that refuses connections: bound, then closed
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  refusedUrl = `redis://127.0.0.1:${port}/0`;
});

describe('closed pipes', () => {
  const key = `dbx_pipe_${process.pid}`;
  // output long enough to fill a pipe several times over, then a write that must still happen
  const script = ['del ' + key, ...Array.from({ length: 3000 }, (_, i) => `echo ${'x'.repeat(200)}${i}`), `set ${key} done`].join('\n');

  test('stdout closed: the script still runs to its end, quietly, exit 0', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dbx-pipe-'));
    try {
      await writeFile(join(dir, 'script.redis'), script);
      const r = await runClosed(['--url', kvUrl, 'kv', '-f', join(dir, 'script.redis')], { stdout: true });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    assert.equal((await runDbx(['--url', kvUrl, 'kv', 'get', key])).stdout, '"done"\n');
    await runDbx(['--url', kvUrl, 'kv', 'del', key]);
  });

  test('stdout and stderr closed: a failing statement still exits 1, a refused connection 3', async () => {
    assert.equal((await runClosed(['--url', kvUrl, 'kv', 'nosuchcommand'], { stdout: true, stderr: true })).code, 1);
    assert.equal((await runClosed(['--url', refusedUrl, 'kv', 'ping'], { stdout: true, stderr: true })).code, 3);
    assert.equal((await runClosed(['--url', refusedUrl, 'kv', 'ping'], { stderr: true })).code, 3);
    assert.equal((await runClosed(['--url', kvUrl, 'kv', 'ping'], { stdout: true, stderr: true })).code, 0);
  });

  test.each(['tsv', 'csv'])('sql --format %s, rows read as bytes: stdout closed, every statement still runs, quietly', async (format) => {
    const big = "select seq, repeat('x\\t', 100) as r, if(seq % 3 = 0, null, seq) as n from seq_1_to_100000";
    const r = await runClosed(['--url', await testSqlUrl(), '--format', format, 'sql', `${big}; select 'after' as a`], { stdout: true });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^100000 rows in set \(\d+\.\d\d sec\)\n1 row in set \(\d+\.\d\d sec\)\n$/);
  });

  test('usage errors and --help keep their codes with closed pipes', async () => {
    assert.equal((await runClosed(['--help'], { stdout: true })).code, 0);
    assert.equal((await runClosed(['--nope'], { stderr: true })).code, 2);
  });
});
