/**
 * Shell completion through bash itself: the script `dbx completion bash` prints is sourced in a real bash, its
 * completion function is called as bash calls it on Tab (COMP_WORDS / COMP_CWORD), and COMPREPLY is read back.
 * dbx is on the PATH as the built CLI.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { DBX_BIN, baseEnv, runDbx } from '../support/run-dbx.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'dbx-completion-'));
let script: string;

beforeAll(async () => {
  writeFileSync(join(dir, 'dbx'), `#!/bin/sh\nexec "${DBX_BIN}" "$@"\n`);
  chmodSync(join(dir, 'dbx'), 0o755);
  writeFileSync(join(dir, 'dbx.yaml'), 'default: dev\nprofiles:\n  dev:\n    kv: redis://127.0.0.1:1/0\n  prod:\n    kv: redis://127.0.0.1:1/0\n  prod_eu:\n    kv: redis://127.0.0.1:1/0\ngroups:\n  prods: [prod, prod_eu]\n');
  const r = await runDbx(['completion', 'bash']);
  assert.equal(r.code, 0, r.stderr);
  script = join(dir, 'dbx.bash');
  writeFileSync(script, r.stdout);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Tab after `line` (the cursor at its end): what bash would offer. */
async function tab(line: string): Promise<string[]> {
  const words = line.split(' ');
  const program = [
    `source ${JSON.stringify(script)}`,
    `COMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(' ')})`,
    `COMP_CWORD=${words.length - 1}`,
    `COMP_LINE=${JSON.stringify(line)}`,
    `COMP_POINT=${line.length}`,
    '_dbx_complete',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const { stdout } = await run('bash', ['--norc', '--noprofile', '-c', program], {
    env: baseEnv({ PATH: `${dir}:${process.env.PATH}`, DBX_CONFIG: join(dir, 'dbx.yaml') }),
    cwd: dir,
    timeout: 30_000,
  });
  return stdout.split('\n').filter((l) => l !== '');
}

describe('bash completion', () => {
  test('subcommands', async () => {
    assert.deepEqual(await tab('dbx '), ['completion', 'doc', 'init', 'kv', 'ping', 'profile', 'sql']);
    assert.deepEqual(await tab('dbx pro'), ['profile']);
    assert.deepEqual(await tab('dbx profile '), ['list', 'show', 'test']);
  });

  test('options, and only those of the command', async () => {
    assert.deepEqual(await tab('dbx sql --tr'), ['--transaction']);
    assert.ok((await tab('dbx ping --')).includes('--connect-timeout'));
    assert.ok(!(await tab('dbx ping --')).includes('--transaction'));
  });

  test('--format values, also after --format=', async () => {
    assert.deepEqual(await tab('dbx sql --format '), ['csv', 'json', 'ndjson', 'raw', 'table', 'tsv', 'vertical']);
    assert.deepEqual(await tab('dbx sql --format n'), ['ndjson']);
    // bash splits at '=': the words are --format, =, js
    assert.deepEqual(await tab('dbx sql --format = js'), ['json']);
  });

  test('profile and group names from the config in use; the next name of a -p a,b list', async () => {
    assert.deepEqual(await tab('dbx -p '), ['dev', 'prod', 'prod_eu', 'prods']);
    assert.deepEqual(await tab('dbx sql --profile pro'), ['prod', 'prod_eu', 'prods']);
    assert.deepEqual(await tab('dbx profile show p'), ['prod', 'prod_eu', 'prods']);
    assert.deepEqual(await tab('dbx -p dev,prod'), ['dev,prod', 'dev,prod_eu', 'dev,prods']);
    assert.deepEqual(await tab('dbx -p prod,'), ['prod,dev', 'prod,prod_eu', 'prod,prods']);
  });

  test('Redis command names after dbx kv; the command\'s own arguments are left alone', async () => {
    assert.deepEqual(await tab('dbx kv hget'), ['hget', 'hgetall']);
    assert.ok((await tab('dbx kv -p dev zra')).includes('zrange'));
    assert.deepEqual(await tab('dbx kv set --f'), []);
  });

  test('the scripts for zsh and fish; an unknown shell is a usage error', async () => {
    assert.match((await runDbx(['completion', 'zsh'])).stdout, /^#compdef dbx\n/);
    assert.match((await runDbx(['completion', 'fish'])).stdout, /complete -c dbx -a '\(__dbx_complete\)'/);
    assert.equal((await runDbx(['completion', 'tcsh'])).code, 2);
  });
});
