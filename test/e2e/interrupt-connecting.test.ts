// Ctrl-C while dbx is still connecting (a server that accepts and never answers): nothing runs that could be
// cancelled, so dbx ends at once with the contract's 130 and says so, instead of dying of the signal.
import { describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { DBX_BIN, baseEnv } from '../support/run-dbx.js';

async function interruptWhileConnecting(url: (port: number) => string, args: string[]) {
  const held: Socket[] = [];
  let connected: () => void = () => {};
  const reached = new Promise<void>((resolve) => (connected = resolve));
  const server = createServer((socket) => {
    held.push(socket);
    connected();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  try {
    const child = spawn(DBX_BIN, ['--url', url(port), ...args], { env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const closed = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.on('close', (code, signal) => resolve({ code, signal })),
    );
    await reached; // dbx is running and waiting for the server's greeting
    child.kill('SIGINT');
    return { ...(await closed), stderr };
  } finally {
    for (const socket of held) socket.destroy();
    server.close();
  }
}

describe('Ctrl-C while connecting', () => {
  test('sql: exit 130 and "interrupted", not death by signal', async () => {
    const r = await interruptWhileConnecting((port) => `mysql://root@127.0.0.1:${port}/test`, ['sql', 'select 1']);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(130);
    expect(r.stderr).toBe('ERROR INTERRUPTED: interrupted\n');
  });

  test('--json: one JSON error line', async () => {
    const r = await interruptWhileConnecting((port) => `redis://127.0.0.1:${port}/0`, ['--json', 'kv', 'ping']);
    expect(r.code).toBe(130);
    expect(JSON.parse(r.stderr)).toEqual({ error: { code: 'INTERRUPTED', message: 'interrupted' } });
  });
});
