/**
 * Colour rules end to end through bin/dbx (src/text/color.ts): on for a terminal, off with --no-color, a non-empty
 * NO_COLOR, TERM=dumb or a pipe; FORCE_COLOR=1 forces it on (into a pipe too), FORCE_COLOR=0 off. stdout (the
 * table's bold header) and stderr (the red ERROR, the yellow warning) each follow their own stream's TTY-ness.
 * One kv script gives all three: a table on stdout, a warning and an error on stderr.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { PtySession } from '../support/pty-session.js';
import { runDbx } from '../support/run-dbx.js';
import { SHARED_KV_DB, testKvUrl, uniqueName } from '../support/servers.js';

const BOLD_HEADER = '\x1b[1mfield';
const RED_ERROR = '\x1b[31m\x1b[1mERROR';
const YELLOW_WARNING = '\x1b[33mwarning:';

const dir = mkdtempSync(join(tmpdir(), 'dbx-color-'));
const key = uniqueName('color');
const script = join(dir, 'script.redis');
const config = join(dir, 'dbx.yaml');
// colour is off by default in the test environment (baseEnv sets NO_COLOR=1): each case says what it wants
const env = (extra: Record<string, string | undefined> = {}) => ({ NO_COLOR: undefined, ...extra });
const args = (...extra: string[]) => ['--config', config, ...extra, '--force', 'kv', '-f', script];

beforeAll(() => {
  writeFileSync(script, `hset ${key} a 1\nhgetall ${key}\nnosuchcommand\ndel ${key}\n`);
  // a literal password in a file others can read: the warning on stderr
  writeFileSync(config, `default: t\nprofiles:\n  t:\n    kv: ${testKvUrl(SHARED_KV_DB)}\n    sql: mysql://u:secret@127.0.0.1:1/x\n`);
  chmodSync(config, 0o644);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function assertColors(text: string, want: { out: boolean; err: boolean }, where: string): void {
  assert.ok(text.includes('| a     | 1     |') || text.includes('a     | 1'), `${where}: the table is there\n${text}`);
  assert.equal(text.includes(BOLD_HEADER), want.out, `${where}: bold header ${want.out ? 'expected' : 'not expected'}\n${JSON.stringify(text)}`);
  assert.equal(text.includes(RED_ERROR), want.err, `${where}: red ERROR ${want.err ? 'expected' : 'not expected'}\n${JSON.stringify(text)}`);
  assert.equal(text.includes(YELLOW_WARNING), want.err, `${where}: yellow warning ${want.err ? 'expected' : 'not expected'}`);
  if (!want.out && !want.err) assert.ok(!text.includes('\x1b['), `${where}: no escape at all\n${JSON.stringify(text)}`);
}

describe('into pipes', () => {
  test.each([
    ['no TTY: no colour', [], {}, false],
    ['FORCE_COLOR=1 forces it on, into a pipe', [], { FORCE_COLOR: '1' }, true],
    ['FORCE_COLOR=true forces it on', [], { FORCE_COLOR: 'true' }, true],
    ['FORCE_COLOR=1 with NO_COLOR=1: FORCE_COLOR wins (as Node and chalk read them)', [], { FORCE_COLOR: '1', NO_COLOR: '1' }, true],
    ['--no-color beats FORCE_COLOR=1', ['--no-color'], { FORCE_COLOR: '1' }, false],
    ['FORCE_COLOR=0', [], { FORCE_COLOR: '0' }, false],
  ] as const)('%s', async (_name, extra, vars, on) => {
    const r = await runDbx(args(...extra), { env: env(vars) });
    assert.equal(r.code, 1, r.stderr);
    assertColors(r.stdout + r.stderr, { out: on, err: on }, 'stdout+stderr');
    assert.equal(r.stdout.includes('\x1b['), on, 'stdout');
    assert.equal(r.stderr.includes('\x1b['), on, 'stderr');
  });
});

async function onTerminal(extra: readonly string[], vars: Record<string, string | undefined>, files: { stdoutFile?: string; stderrFile?: string } = {}) {
  const pty = new PtySession(args(...extra), { env: env(vars), ...files });
  try {
    assert.equal(await pty.exited(20_000), 1, pty.output);
    return pty.rawOutput;
  } finally {
    pty.close();
  }
}

describe('on a terminal', () => {
  test.each([
    ['a TTY: colour on', [], {}, true],
    ['--no-color', ['--no-color'], {}, false],
    ['NO_COLOR=1', [], { NO_COLOR: '1' }, false],
    ['an empty NO_COLOR does not disable it (no-color.org)', [], { NO_COLOR: '' }, true],
    ['TERM=dumb', [], { TERM: 'dumb' }, false],
    ['FORCE_COLOR=0', [], { FORCE_COLOR: '0' }, false],
    ['FORCE_COLOR=1 on a dumb terminal', [], { FORCE_COLOR: '1', TERM: 'dumb' }, true],
  ] as const)('%s', async (_name, extra, vars, on) => {
    assertColors(await onTerminal(extra, vars), { out: on, err: on }, 'terminal');
  });

  test("stdout piped, stderr a terminal: errors in colour, data plain — each stream's own TTY-ness counts", async () => {
    const out = join(dir, 'stdout.txt');
    const terminal = await onTerminal([], {}, { stdoutFile: out });
    const data = readFileSync(out, 'utf8');
    assert.ok(data.includes('| field | value |') && !data.includes('\x1b['), JSON.stringify(data));
    assert.ok(terminal.includes(RED_ERROR) && terminal.includes(YELLOW_WARNING), JSON.stringify(terminal));
  });

  test('stderr to a file, stdout a terminal: the table in colour, the log plain', async () => {
    const err = join(dir, 'stderr.txt');
    const terminal = await onTerminal([], {}, { stderrFile: err });
    const log = readFileSync(err, 'utf8');
    assert.ok(log.startsWith('warning:') && log.includes('ERROR') && !log.includes('\x1b['), JSON.stringify(log));
    assert.ok(terminal.includes(BOLD_HEADER), JSON.stringify(terminal));
  });
});

test('a usage error (commander) follows the same rules', async () => {
  const forced = await runDbx(['--bogus'], { env: env({ FORCE_COLOR: '1' }) });
  assert.equal(forced.code, 2);
  assert.ok(forced.stderr.startsWith(RED_ERROR), JSON.stringify(forced.stderr));
  const plain = await runDbx(['--bogus'], { env: env() });
  assert.ok(plain.stderr.startsWith('ERROR: unknown option'), JSON.stringify(plain.stderr));
});
