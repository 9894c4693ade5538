/**
 * CONTRACT "Configuration": a password that is needed and not given is asked for on a TTY, without echo; without a
 * TTY it is an exit-3 error. Driven through a real pseudo-terminal against MariaDB.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, test } from '@jest/globals';
import { PtySession } from '../support/pty-session.js';
import { runDbx } from '../support/run-dbx.js';
import { testSqlUrl } from '../support/servers.js';
import { scratchDir } from '../support/temp-dir.js';

const sessions: PtySession[] = [];
afterAll(() => sessions.forEach((s) => s.close()));

async function configWithPasswordVariable(): Promise<{ file: string; password: string }> {
  const u = new URL(await testSqlUrl());
  const dir = scratchDir('dbx-pw-');
  const file = join(dir, 'dbx.yaml');
  writeFileSync(
    file,
    `default: p\nprofiles:\n  p:\n    sql: { host: ${u.hostname}, port: ${u.port || 3306}, user: ${u.username}, password: "\${DBX_TEST_UNSET_PW}", database: test }\n`,
    { mode: 0o600 },
  );
  return { file, password: decodeURIComponent(u.password) };
}

test('on a TTY the missing password is asked for, not echoed, and used', async () => {
  const { file, password } = await configWithPasswordVariable();
  const s = new PtySession(['--config', file, 'sql', "select 'in' as whether"]);
  sessions.push(s);
  await s.expect(/Password for sql \(DBX_TEST_UNSET_PW\): $/);
  const typed = password === '' ? '' : password;
  s.send(`${typed}\r`);
  await s.expect(/\| in +\|/);
  assert.equal(await s.exited(), 0);
  if (typed !== '') assert.doesNotMatch(s.output, new RegExp(typed));
});

test('what is typed at the prompt is never shown, not even when it is wrong', async () => {
  const { file } = await configWithPasswordVariable();
  const s = new PtySession(['--config', file, 'sql', 'select 1']);
  sessions.push(s);
  await s.expect(/Password for sql \(DBX_TEST_UNSET_PW\): $/);
  s.send('NotEchoed-7731\r');
  assert.equal(await s.exited(), 3);
  assert.match(s.output, /Access denied/);
  assert.doesNotMatch(s.output, /NotEchoed-7731/);
});

test('without a TTY it is exit 3 naming the variable', async () => {
  const { file } = await configWithPasswordVariable();
  const r = await runDbx(['--config', file, 'sql', 'select 1']);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /DBX_TEST_UNSET_PW/);
});
