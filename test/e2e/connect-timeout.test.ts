/**
 * --connect-timeout MS bounds connecting for every engine: a server that accepts the connection and never says a
 * word (a hung server, a proxy with nothing behind it) is given up after MS with exit 3, for sql, kv and doc alike
 * (those three cases are rows of the fault matrix, test/faults/); here: --json, dbx ping, bad values.
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { runDbx } from '../support/run-dbx.js';

let server: Server;
let port: number;
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => server.close(() => r()));
});

const urls = (): Record<string, string> => ({
  sql: `mysql://root@127.0.0.1:${port}/test`,
  kv: `redis://127.0.0.1:${port}/0`,
  doc: `mongodb://127.0.0.1:${port}/test?directConnection=true`,
});

describe('--connect-timeout', () => {
  test('a server that never answers, under --json and in dbx ping for every engine of the profile', async () => {
    const r = await runDbx(['--connect-timeout', '300', '--json', '--url', urls().kv!, 'kv', 'ping']);
    assert.equal(r.code, 3);
    const error = (JSON.parse(r.stderr) as { error: { code: string; engine: string } }).error;
    assert.equal(error.engine, 'kv');
    const { writeFile, mkdtemp, rm } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'dbx-ct-'));
    try {
      const config = join(dir, 'dbx.yaml');
      const u = urls();
      await writeFile(config, `profiles:\n  hung:\n    sql: ${u.sql}\n    kv: ${u.kv}\n    doc: "${u.doc}"\n`);
      const p = await runDbx(['--config', config, '--connect-timeout', '300', 'ping']);
      assert.equal(p.code, 3, p.stderr);
      assert.equal(p.stdout.trim().split('\n').length, 3, p.stdout);
      for (const line of p.stdout.trim().split('\n')) assert.match(line, /FAIL/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a value that is not a positive number of milliseconds is a usage error', async () => {
    for (const bad of ['0', '-1', 'soon']) {
      const r = await runDbx(['--connect-timeout', bad, '--url', urls().kv!, 'kv', 'ping']);
      assert.equal(r.code, 2, `${bad}: ${r.stderr}`);
    }
  });
});
