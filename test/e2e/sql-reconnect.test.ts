/**
 * The sql shell after the server closed its connection, on a MariaDB of its own: wait_timeout ran out while the
 * shell sat at the prompt, then the server restarted. Each time the next statement reconnects and runs (it had
 * not reached the server), back on the database the session was using, as the mysql client does. The KILL cases
 * (between statements, and during one: not run again) are in repl.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { startMariadb, type PrivateServer } from '../support/private-servers.js';
import { PtySession } from '../support/pty-session.js';

let server: PrivateServer;
let state: string;
const sessions: PtySession[] = [];

beforeAll(async () => {
  server = await startMariadb({ args: ['--wait-timeout=2'] });
  state = await mkdtemp(join(tmpdir(), 'dbx-reconnect-state-'));
}, 90_000);

afterAll(async () => {
  for (const s of sessions) s.close();
  await server?.stop();
  await rm(state, { recursive: true, force: true });
});

describe('sql shell reconnect', () => {
  test('wait_timeout and a server restart: the next statement reconnects and runs, on the same database', async () => {
    const s = new PtySession(['--url', server.url, 'sql'], { env: { XDG_STATE_HOME: state, PAGER: 'cat' } });
    sessions.push(s);
    await s.expect(/local:test> $/);
    s.send('use mysql\r');
    await s.expect(/local:mysql> $/);
    // idle past wait_timeout: the server closes the session
    await new Promise((r) => setTimeout(r, 3500));
    s.send('select database() as db, 1 as after_timeout;\r');
    const first = await s.expect(/local:mysql> $/, 15_000);
    assert.match(first, /Reconnected; current database: mysql\. Running the statement[\s\S]*\|\s+mysql \|\s+1 \|/);
    assert.doesNotMatch(first, /ERROR/);

    // the server restarts on the same port (a fresh data dir: its `mysql` database is there again)
    const port = server.port;
    await server.stop();
    server = await startMariadb({ port, args: ['--wait-timeout=2'] });
    s.send('select database() as db, 2 as after_restart;\r');
    const second = await s.expect(/local:mysql> $/, 15_000);
    assert.match(second, /Reconnected; current database: mysql\. Running the statement[\s\S]*\|\s+mysql \|\s+2 \|/);
    assert.doesNotMatch(second, /ERROR/);
    s.send('\x04');
    assert.equal(await s.exited(), 0);
  }, 90_000);
});
