/**
 * The progress line of a long script, through a real terminal (test/support/pty-driver.py): shown on stderr while
 * `dbx sql -f` / `dbx kv -f` runs, erased at the end, never cutting a result or status line on the same terminal;
 * absent with -q, --json, or when stderr is not a terminal.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { PtySession } from '../support/pty-session.js';
import { runDbx } from '../support/run-dbx.js';
import { testKvUrl, testSqlUrl, uniqueName } from '../support/servers.js';

let dir: string;
let sqlScript: string;
let kvScript: string;
const sessions: PtySession[] = [];
/** 12 statements of 0.1 s each: past the half second after which the line shows */
const SQL = `${'do sleep(0.1);\n'.repeat(12)}select 'the end' as last_row;\n`;
const PROGRESS = /\d+\/(?:13 statements|10 commands)  \d+%  \d+\.\d s  [\d.,]+\/s/;

/** What a terminal shows after `raw`: carriage return, erase in line, cursor to column, newline; other escapes ignored. */
function screen(raw: string): string[] {
  const lines: string[] = [];
  let line: string[] = [];
  let col = 0;
  for (const m of raw.matchAll(/\x1b\[([0-9;?]*)([@-~])|\x1b\][^\x07]*\x07|\x1b.|\r|\n|[^\x1b\r\n]/gu)) {
    const t = m[0];
    if (t === '\r') col = 0;
    else if (t === '\n') {
      lines.push(line.join('').trimEnd());
      line = [];
      col = 0;
    } else if (m[2] === 'K') {
      const mode = m[1] || '0';
      if (mode === '2') line = [];
      else if (mode === '0') line = line.slice(0, col);
      else for (let i = 0; i < col && i < line.length; i++) line[i] = ' ';
    } else if (m[2] === 'G') col = Number(m[1] || '1') - 1;
    else if (!t.startsWith('\x1b')) {
      while (line.length < col) line.push(' ');
      line[col++] = t;
    }
  }
  lines.push(line.join('').trimEnd());
  return lines;
}

async function run(args: string[], opts: { stdoutFile?: string } = {}): Promise<{ raw: string; code: number }> {
  const s = new PtySession(args, { ...opts, cols: 120 });
  sessions.push(s);
  const code = await s.exited(20_000);
  return { raw: s.rawOutput, code };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dbx-progress-'));
  sqlScript = join(dir, 'big.sql');
  kvScript = join(dir, 'bulk.txt');
  await writeFile(sqlScript, SQL);
  // blocking pops of a key that never fills: 0.1 s each, one after the other on the server
  await writeFile(kvScript, `blpop ${uniqueName('dbx_progress_none')} 0.1\n`.repeat(10));
});

afterAll(async () => {
  for (const s of sessions) s.close();
  await rm(dir, { recursive: true, force: true });
});

describe('progress line', () => {
  test('sql -f with stdout redirected: the line updates on stderr, status lines stay whole, erased at the end', async () => {
    const out = join(dir, 'out1.txt');
    const { raw, code } = await run(['--url', await testSqlUrl(), 'sql', '-f', sqlScript], { stdoutFile: out });
    assert.equal(code, 0, raw);
    assert.match(raw, PROGRESS, 'no progress line was drawn');
    const shown = screen(raw).filter((l) => l !== '');
    // what is left on the terminal: the 13 status lines, each whole, and no progress line
    assert.equal(shown.length, 13, shown.join('\n'));
    for (const l of shown.slice(0, 12)) assert.match(l, /^Query OK, 0 rows affected \(\d+\.\d\d sec\)$/);
    assert.match(shown[12]!, /^1 row in set \(\d+\.\d\d sec\)$/);
    assert.match(await readFile(out, 'utf8'), /\| the end  \|/);
  });

  test('sql -f with results on the same terminal: the line is erased before each write, results stay whole', async () => {
    const { raw, code } = await run(['--url', await testSqlUrl(), 'sql', '-f', sqlScript]);
    assert.equal(code, 0, raw);
    assert.match(raw, PROGRESS);
    const shown = screen(raw).filter((l) => l !== '');
    assert.equal(shown.filter((l) => /statements/.test(l)).length, 0, shown.join('\n'));
    assert.deepEqual(shown.slice(12, 16), ['+----------+', '| last_row |', '+----------+', '| the end  |']);
    for (const l of shown.slice(0, 12)) assert.match(l, /^Query OK, 0 rows affected \(\d+\.\d\d sec\)$/);
  });

  test('kv -f bulk file: "commands", erased at the end', async () => {
    const out = join(dir, 'out2.txt');
    const { raw, code } = await run(['--url', testKvUrl(0), 'kv', '-f', kvScript], { stdoutFile: out });
    assert.equal(code, 0, raw);
    assert.match(raw, PROGRESS);
    assert.deepEqual(screen(raw).filter((l) => l !== ''), []);
    assert.equal((await readFile(out, 'utf8')).trim().split('\n').length, 10);
  });

  test('none with -q, with --json, or when stderr is not a terminal', async () => {
    const url = await testSqlUrl();
    for (const extra of [['-q'], ['--json']]) {
      const { raw, code } = await run(['--url', url, ...extra, 'sql', '-f', sqlScript], { stdoutFile: join(dir, 'out3.txt') });
      assert.equal(code, 0, raw);
      assert.doesNotMatch(raw, /statements/, extra.join(' '));
    }
    const piped = await runDbx(['--url', url, 'sql', '-f', sqlScript]);
    assert.equal(piped.code, 0, piped.stderr);
    assert.doesNotMatch(piped.stderr, /statements|\x1b\[/);
    assert.equal(piped.stderr.trim().split('\n').length, 13);
  });
});
