/**
 * Start-up cost of the ES module path (`node bin/dbx`, and bin/dbx where the build's start-up snapshot does not
 * serve: test/e2e/snapshot.test.ts): `dbx --help` and `dbx kv …` must not load the drivers of other engines (each
 * costs tens of ms).
 * Module hooks (ESM resolve and CommonJS load) record every package the process resolves from node_modules and
 * every chunk of dist/ it imports; a chunk's source map names the packages bundled into it (scripts/bundle.mjs
 * bundles the drivers, commander and chalk), so a package counts as loaded either way.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
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
  if (/\\/dist\\/.*\\.js$/.test(r.url)) appendFileSync(process.env.DBX_IMPORT_LOG, 'chunk:' + new URL(r.url).pathname + '\\n');
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

/** the packages a chunk of dist/ holds, from its source map */
function bundledIn(chunk: string): string[] {
  const map = JSON.parse(readFileSync(`${chunk}.map`, 'utf8')) as { sources: string[] };
  return map.sources.flatMap((s) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(s)?.[1] ?? []);
}

/** what a run loaded: packages resolved from node_modules or bundled into a chunk it imported (resolved: the former) */
function run(args: string[], env: Record<string, string> = {}): { loaded: Set<string>; resolved: Set<string> } {
  const log = join(dir, `${Math.random()}.log`);
  spawnSync(process.execPath, ['--import', register, DBX_BIN, ...args], {
    env: baseEnv({ DBX_IMPORT_LOG: log, DBX_KV_URL: 'redis://127.0.0.1:1/0', DBX_SQL_URL: 'mysql://root@127.0.0.1:1/x', ...env }),
    encoding: 'utf8',
    timeout: 20_000,
  });
  const lines = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
  const resolved = new Set(lines.filter((l) => !l.startsWith('chunk:') && !l.startsWith('dist:')));
  const marks = lines.filter((l) => l.startsWith('dist:'));
  const loaded = new Set([...resolved, ...marks, ...lines.filter((l) => l.startsWith('chunk:')).flatMap((l) => bundledIn(l.slice(6)))]);
  return { loaded, resolved };
}

function packagesLoaded(args: string[], env: Record<string, string> = {}): Set<string> {
  return run(args, env).loaded;
}

test('dbx --help into a pipe is the text the build saved from the program: nothing of dist/ is loaded', () => {
  const saved = spawnSync(DBX_BIN, ['--help'], { env: baseEnv(), encoding: 'utf8' });
  const program = spawnSync(process.execPath, [join(DBX_BIN, '../../dist/cli.js'), '--help'], { env: baseEnv(), encoding: 'utf8' });
  assert.equal(saved.status, 0);
  assert.equal(program.status, 0);
  assert.match(saved.stdout, /^Usage: dbx /);
  assert.equal(saved.stdout, program.stdout);
  assert.equal(spawnSync(DBX_BIN, ['-h'], { env: baseEnv(), encoding: 'utf8' }).stdout, program.stdout);
  assert.deepEqual([...packagesLoaded(['--help'])], []);
});

test('dbx help (the program\'s own help) loads no driver, no YAML parser', () => {
  const loaded = packagesLoaded(['help']);
  assert.ok(loaded.has('commander'), 'the hook works');
  for (const pkg of ['mysql2', 'ioredis', 'mongodb', 'yaml', '@mongodb-js/shell-bson-parser', 'chalk', 'dist:color-styles']) {
    assert.ok(!loaded.has(pkg), `${pkg} loaded`);
  }
});

test('dbx sql loads mysql2 only, bundled: nothing is resolved from node_modules', () => {
  const { loaded, resolved } = run(['sql', 'select 1']);
  assert.ok(loaded.has('mysql2') && loaded.has('commander'));
  for (const pkg of ['ioredis', 'mongodb', '@mongodb-js/shell-bson-parser', 'acorn', 'bson', 'yaml']) assert.ok(!loaded.has(pkg), `${pkg} loaded`);
  // iconv-lite's code pages and the RDS certificates stay in node_modules, required only for what needs them
  assert.deepEqual([...resolved], [], 'resolved from node_modules at run time: scripts/bundle.mjs must bundle it');
});

test('dbx doc bundles mongodb, bson and acorn into its chunk, one copy of each', () => {
  const { loaded, resolved } = run(['doc', '--url', 'mongodb://127.0.0.1:1/x', '--connect-timeout', '200', 'db.x.findOne()']);
  for (const pkg of ['mongodb', 'bson', 'acorn']) assert.ok(loaded.has(pkg), `${pkg} not loaded`);
  assert.ok(!loaded.has('mysql2'));
  assert.deepEqual([...resolved].filter((p) => !['kerberos', 'snappy', '@mongodb-js/zstd', 'mongodb-client-encryption', 'socks', 'aws4', 'gcp-metadata', '@aws-sdk/credential-providers'].includes(p)), []);
  for (const f of readdirSync(join(DBX_BIN, '../../dist'))) {
    if (!/^mongo-engine-.*\.js$/.test(f)) continue;
    const sources = (JSON.parse(readFileSync(join(DBX_BIN, '../../dist', `${f}.map`), 'utf8')) as { sources: string[] }).sources;
    assert.equal(sources.filter((s) => /node_modules\/acorn\/dist\/acorn\./.test(s)).length, 1, 'acorn bundled twice (CommonJS and ESM)');
    assert.equal(sources.filter((s) => /node_modules\/bson\/src\/bson\.ts$/.test(s)).length, 1, 'bson bundled twice');
  }
});

test('dbx kv with the built-in config loads no sql or mongo driver, and no YAML parser (precompiled default)', () => {
  const loaded = packagesLoaded(['kv', 'ping']);
  for (const pkg of ['mysql2', 'mongodb', '@mongodb-js/shell-bson-parser', 'yaml', 'ioredis']) assert.ok(!loaded.has(pkg), `${pkg} loaded`);
  // into a pipe (and NO_COLOR) colour is off: chalk is not even loaded
  assert.ok(!loaded.has('dist:color-styles') && !loaded.has('chalk'), 'chalk loaded with colour off');
});

test('chalk is bundled (never resolved from node_modules) and loaded when colour is on', () => {
  const { loaded, resolved } = run(['kv', 'ping'], { FORCE_COLOR: '1' });
  assert.ok(loaded.has('dist:color-styles') && loaded.has('chalk'), 'the colour chunk loaded');
  assert.ok(!resolved.has('chalk'), 'chalk resolved as a package: scripts/bundle.mjs must bundle it');
});

test("a config file of the user's own is read with the YAML parser (and the hooks see a require()d package)", () => {
  const config = join(dir, 'dbx.yaml');
  writeFileSync(config, 'default: x\nprofiles:\n  x:\n    kv: redis://127.0.0.1:1/0\n');
  const loaded = packagesLoaded(['--config', config, 'kv', 'ping']);
  assert.ok(loaded.has('yaml'));
});
