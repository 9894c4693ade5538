/**
 * Installing as the README says: `npm install -g .` from the clone puts the command `dbx` on the PATH, linked to
 * this clone; the package's own name is not `dbx` (an unrelated package on the registry), so nothing in the
 * install path can fetch a stranger's code.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { test } from '@jest/globals';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

test('package name dbx-cli, command dbx; npm install -g . links the clone offline', async () => {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { name: string; bin: Record<string, string> };
  assert.equal(pkg.name, 'dbx-cli');
  assert.deepEqual(Object.keys(pkg.bin), ['dbx']);
  const prefix = await mkdtemp(join(tmpdir(), 'dbx-install-'));
  try {
    await run('npm', ['install', '-g', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, '.'], { cwd: root, timeout: 120_000 });
    const { stdout } = await run(join(prefix, 'bin', 'dbx'), ['--version'], { timeout: 30_000 });
    assert.match(stdout, /^\d+\.\d+\.\d+\n$/);
  } finally {
    await rm(prefix, { recursive: true, force: true });
  }
}, 180_000);
