/**
 * Start-up cost: `dbx --help` and `dbx kv …` must not load the drivers of other engines (each costs tens of ms).
 * Module hooks (ESM resolve and CommonJS load) record every package the process loads, and the bundle's chalk
 * chunk (dist/color-styles-*.js): chalk is bundled, never resolved as a package, and loaded only when colour is on.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from '@jest/globals';
import { DBX_BIN, baseEnv } from '../support/run-dbx.js';
import { scratchDir } from '../support/temp-dir.js';

const dir = scratchDir('dbx-startup-');
const hooks = join(dir, 'hooks.mjs');
const register = join(dir, 'register.mjs');
writeFileSync(
  hooks,
  `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(r.url);
  if (m) appendFileSync(process.env.DBX_IMPORT_LOG, m[1] + '\\n');
  if (/\\/dist\\/color-styles-[^/]*\\.js$/.test(r.url)) appendFileSync(process.env.DBX_IMPORT_LOG, 'dist:color-styles\\n');
  return r;
}`,
);
// ESM imports go through the resolve hook; require() (createRequire) through Module._load
writeFileSync(
  register,
  `import { register, createRequire } from 'node:module';
import { appendFileSync } from 'node:fs';
register(${JSON.stringify('file://' + hooks)});
const Module = createRequire(import.meta.url)('node:module');
const load = Module._load;
Module._load = function (request, parent, isMain) {
  const loaded = load.apply(this, arguments);
  try {
    const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(Module._resolveFilename(request, parent, isMain));
    if (m) appendFileSync(process.env.DBX_IMPORT_LOG, m[1] + '\\n');
  } catch {}
  return loaded;
};`,
);

function packagesLoaded(args: string[], env: Record<string, string> = {}): Set<string> {
  const log = join(dir, `${Math.random()}.log`);
  spawnSync(process.execPath, ['--import', register, DBX_BIN, ...args], {
    env: baseEnv({ DBX_IMPORT_LOG: log, DBX_KV_URL: 'redis://127.0.0.1:1/0', DBX_SQL_URL: 'mysql://root@127.0.0.1:1/x', ...env }),
    encoding: 'utf8',
    timeout: 20_000,
  });
  return new Set(existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);
}

test('dbx --help loads no driver, no YAML parser', () => {
  const loaded = packagesLoaded(['--help']);
  assert.ok(loaded.has('commander'), 'the hook works');
  for (const pkg of ['mysql2', 'ioredis', 'mongodb', 'yaml', '@mongodb-js/shell-bson-parser', 'chalk', 'dist:color-styles']) {
    assert.ok(!loaded.has(pkg), `${pkg} loaded`);
  }
});

test('dbx sql loads mysql2 only', () => {
  const loaded = packagesLoaded(['sql', 'select 1']);
  assert.ok(loaded.has('mysql2'));
  for (const pkg of ['ioredis', 'mongodb', '@mongodb-js/shell-bson-parser']) assert.ok(!loaded.has(pkg), `${pkg} loaded`);
});

test('dbx kv with the built-in config loads no sql or mongo driver, and no YAML parser (precompiled default)', () => {
  const loaded = packagesLoaded(['kv', 'ping']);
  for (const pkg of ['mysql2', 'mongodb', '@mongodb-js/shell-bson-parser', 'yaml', 'ioredis']) assert.ok(!loaded.has(pkg), `${pkg} loaded`);
  // into a pipe (and NO_COLOR) colour is off: chalk is not even loaded
  assert.ok(!loaded.has('dist:color-styles') && !loaded.has('chalk'), 'chalk loaded with colour off');
});

test('chalk is bundled (never resolved from node_modules) and loaded when colour is on', () => {
  const loaded = packagesLoaded(['kv', 'ping'], { FORCE_COLOR: '1' });
  assert.ok(loaded.has('dist:color-styles'), 'the colour chunk loaded');
  assert.ok(!loaded.has('chalk'), 'chalk resolved as a package: scripts/bundle.mjs must bundle it');
});

test("a config file of the user's own is read with the YAML parser (and the hooks see a require()d package)", () => {
  const config = join(dir, 'dbx.yaml');
  writeFileSync(config, 'default: x\nprofiles:\n  x:\n    kv: redis://127.0.0.1:1/0\n');
  const loaded = packagesLoaded(['--config', config, 'kv', 'ping']);
  assert.ok(loaded.has('yaml'));
});
