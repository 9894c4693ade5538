/**
 * The start-up snapshots (scripts/snapshot.mjs, src/snapshot.ts): bin/dbx starts Node from dist/dbx.blob (or
 * dist/kv.blob, for a command line with the word kv) when the build made them for this `node` and this directory,
 * and otherwise runs dist/cli.js as an ES module — with the same output either way. Every other e2e test runs through bin/dbx, so through the snapshot; test/e2e/startup.test.ts
 * covers the ES module path.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from '@jest/globals';
import { DBX_BIN, baseEnv } from '../support/run-dbx.js';
import { testKvUrl, testSqlUrl } from '../support/servers.js';
import { scratchDir } from '../support/temp-dir.js';

const DIST = join(dirname(DBX_BIN), '../dist');

/** the command line of a bin/dbx run, once the shell has exec'd Node (the run waits for its standard input meanwhile) */
function commandLineOf(bin: string, args = ['--url', 'redis://127.0.0.1:1/0', 'kv']): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env: baseEnv(), stdio: ['pipe', 'ignore', 'ignore'] });
    child.on('error', reject);
    const poll = (tries: number) => {
      const argv = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0');
      if (!/node[^/]*$/.test(argv[0]!) && tries > 0) {
        setTimeout(() => poll(tries - 1), 20);
        return;
      }
      child.on('close', () => resolve(argv));
      child.stdin.end('ping\n');
    };
    poll(500);
  });
}

/** bin/dbx copied to a folder of its own, whose dist/ is the build's (a snapshot made for another directory) */
function moved(): string {
  const root = scratchDir('dbx-moved-');
  mkdirSync(join(root, 'bin'));
  copyFileSync(DBX_BIN, join(root, 'bin/dbx'));
  symlinkSync(DIST, join(root, 'dist'));
  symlinkSync(join(DIST, '../node_modules'), join(root, 'node_modules'));
  symlinkSync(join(DIST, '../package.json'), join(root, 'package.json'));
  return join(root, 'bin/dbx');
}

describe('bin/dbx and the start-up snapshot', () => {
  test('the build made a snapshot for this node and this dist/', () => {
    const [ino, size, mtime, dir] = readFileSync(join(DIST, 'snapshot.key'), 'utf8').trim().split(' ');
    const stat = spawnSync('stat', ['-L', '-c', '%i %s %Y', process.execPath], { encoding: 'utf8' }).stdout.trim();
    assert.equal(`${ino} ${size} ${mtime}`, stat);
    assert.equal(dir, DIST.replace(/\/bin\/\.\.\/dist$/, '/dist'));
  });

  test('bin/dbx runs from the snapshot: kv.blob for a command line with the word kv, dbx.blob for any other', async () => {
    const kv = await commandLineOf(DBX_BIN);
    assert.ok(kv.includes('--snapshot-blob') && kv.some((a) => a.endsWith('/dist/kv.blob')), kv.join(' '));
    const sql = await commandLineOf(DBX_BIN, ['--url', 'mysql://root@127.0.0.1:1/x', 'sql']);
    assert.ok(sql.includes('--snapshot-blob') && sql.some((a) => a.endsWith('/dist/dbx.blob')), sql.join(' '));
  });

  test('a snapshot made for another directory is not used: bin/dbx runs dist/cli.js, with the same output', async () => {
    const bin = moved();
    const argv = await commandLineOf(bin);
    assert.ok(!argv.includes('--snapshot-blob'), argv.join(' '));
    const sql = await testSqlUrl();
    for (const args of [
      ['--version'],
      ['--url', sql, '--format', 'tsv', 'sql', "select 1 as a, 'x\ty' as b, null as c"],
      ['--url', sql, 'sql', 'select * from no_such_table_here'],
      // the word kv: kv.blob runs the sql engine too (evaluated on first use)
      ['--url', sql, '--format', 'json', 'sql', 'select 1 as kv'],
      ['--url', testKvUrl(), '--json', 'kv', 'ping'],
      ['--url', 'redis://127.0.0.1:1/0', 'kv', 'ping'],
      ['profile', 'list'],
      ['--no-such-option'],
    ]) {
      const [snapshot, module] = [DBX_BIN, bin].map((b) => {
        const r = spawnSync(b, args, { env: baseEnv(), encoding: 'utf8' });
        return [r.status, r.stdout, r.stderr.replace(/\(\d+\.\d+ sec\)/g, '(… sec)')];
      });
      assert.deepEqual(module, snapshot, args.join(' '));
    }
  });
});
