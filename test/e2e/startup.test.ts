/**
 * Start-up cost: `dbx --help` and `dbx kv …` must not load the drivers of other engines (each costs tens of ms).
 * A module-resolution hook records every package the process resolves.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DBX_BIN, baseEnv } from '../support/run-dbx.js';

const dir = mkdtempSync('/tmp/dbx-startup-');
const hooks = join(dir, 'hooks.mjs');
const register = join(dir, 'register.mjs');
writeFileSync(
  hooks,
  `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(r.url);
  if (m) appendFileSync(process.env.DBX_IMPORT_LOG, m[1] + '\\n');
  return r;
}`,
);
writeFileSync(register, `import { register } from 'node:module'; register(${JSON.stringify('file://' + hooks)});`);

function packagesLoaded(args: string[]): Set<string> {
  const log = join(dir, `${Math.random()}.log`);
  spawnSync(process.execPath, ['--import', register, DBX_BIN, ...args], {
    env: baseEnv({ DBX_IMPORT_LOG: log, DBX_KV_URL: 'redis://127.0.0.1:1/0', DBX_SQL_URL: 'mysql://root@127.0.0.1:1/x' }),
    encoding: 'utf8',
    timeout: 20_000,
  });
  return new Set(existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);
}

test('dbx --help loads no driver, no YAML parser', () => {
  const loaded = packagesLoaded(['--help']);
  assert.ok(loaded.has('commander'), 'the hook works');
  for (const pkg of ['mysql2', 'ioredis', 'mongodb', 'yaml', '@mongodb-js/shell-bson-parser']) assert.ok(!loaded.has(pkg), `${pkg} loaded`);
});

test('dbx sql loads mysql2 only', () => {
  const loaded = packagesLoaded(['sql', 'select 1']);
  assert.ok(loaded.has('mysql2'));
  for (const pkg of ['ioredis', 'mongodb', '@mongodb-js/shell-bson-parser']) assert.ok(!loaded.has(pkg), `${pkg} loaded`);
});

test('dbx kv loads no sql or mongo driver', () => {
  const loaded = packagesLoaded(['kv', 'ping']);
  for (const pkg of ['mysql2', 'mongodb', '@mongodb-js/shell-bson-parser']) assert.ok(!loaded.has(pkg), `${pkg} loaded`);
});
