/**
 * Config files: every fixtures/config/good-*.yaml loads, every bad-*.yaml fails with exit 2 and a message that
 * names the file and the line given in its `# expect-line:` comment. Also lookup order, the built-in default
 * and the permission warning — all with injected env / cwd / readFile, never the real environment.
 */
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../src/errors.js';
import { builtinConfigPath, configCandidates, loadConfig, type ConfigIo } from '../../src/config/config-file.js';
import { parseConfigText } from '../../src/config/config-parse.js';
import { resolveProfile } from '../../src/config/profile.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/config/', import.meta.url));
const fixtureNames = readdirSync(FIXTURES).filter((f) => f.endsWith('.yaml'));

function parseFixture(name: string) {
  return parseConfigText(readFileSync(join(FIXTURES, name), 'utf8'), { path: join(FIXTURES, name), displayPath: name, builtin: false });
}

function enoent(path: string): never {
  throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
}

/** An in-memory file system: path → [text, mode]. */
function memoryIo(files: Record<string, string | [string, number]>, rest: Partial<ConfigIo> = {}): ConfigIo {
  const entry = (p: string) => files[p] ?? enoent(p);
  return {
    env: {},
    cwd: '/work/proj',
    homedir: '/home/u',
    builtinPath: '/pkg/config/default.yaml',
    readFile: (p) => {
      const f = entry(p);
      return typeof f === 'string' ? f : f[0];
    },
    fileMode: (p) => {
      const f = entry(p);
      return typeof f === 'string' ? 0o100600 : f[1];
    },
    ...rest,
  };
}

const MIN = (name: string) => `profiles:\n  ${name}:\n    kv: redis://127.0.0.1:6379\n`;

describe('fixtures', () => {
  test('there are good and bad fixtures to check', () => {
    assert.ok(fixtureNames.filter((f) => f.startsWith('good-')).length >= 5);
    assert.ok(fixtureNames.filter((f) => f.startsWith('bad-')).length >= 15);
  });

  for (const name of fixtureNames.filter((f) => f.startsWith('good-'))) {
    test(`${name} loads`, () => {
      const config = parseFixture(name);
      assert.ok(Object.keys(config.profiles).length > 0);
    });
  }

  for (const name of fixtureNames.filter((f) => f.startsWith('bad-'))) {
    test(`${name} fails with exit 2 naming file and line`, () => {
      const text = readFileSync(join(FIXTURES, name), 'utf8');
      const line = /# expect-line: (\d+)/.exec(text)?.[1];
      const message = /# expect-error: (.*)/.exec(text)?.[1];
      assert.ok(line && message, `${name} must say expect-line and expect-error`);
      assert.throws(
        () => parseFixture(name),
        (e: unknown) => {
          assert.ok(e instanceof UsageError, `not a UsageError: ${String(e)}`);
          assert.equal(e.exitCode, 2);
          assert.ok(e.message.startsWith(`${name}:${line}: `), e.message);
          assert.ok(e.message.includes(message), `${e.message}\n  does not include\n${message}`);
          assert.ok(!e.message.includes('SECRET-PW'), `password leaked: ${e.message}`);
          assert.ok(!e.message.includes('\n'), 'one line');
          return true;
        },
      );
    });
  }

  test('the contract example keeps its values as written, ${VAR}s unfilled', () => {
    const config = parseFixture('good-contract.yaml');
    assert.equal(config.default, 'local');
    assert.equal(config.profiles.prod!.safety, 'readonly');
    assert.deepEqual(config.profiles.prod!.kv, { cluster: ['redis://10.0.0.1:7000', 'redis://10.0.0.2:7000'] });
    assert.equal((config.profiles.prod!.sql as Record<string, unknown>).password, '${PROD_DB_PASSWORD}');
    assert.deepEqual(config.profiles.cache!.kv, {
      sentinels: ['redis://10.0.0.5:26379', 'redis://10.0.0.6:26379'], name: 'mymaster', password: '${CACHE_PW}',
    });
  });

  test('merge keys are resolved and a merged value reports its parent line', () => {
    const config = parseFixture('good-anchors.yaml');
    assert.deepEqual(config.profiles.b!.sql, { host: '127.0.0.1', user: 'root', database: 'b' });
    assert.equal(config.profiles.b!.connectTimeout, 2500);
  });
});

describe('built-in default', () => {
  const path = builtinConfigPath();

  test('is found from the compiled module and is the contract local profile', () => {
    const config = parseConfigText(readFileSync(path, 'utf8'), { path, displayPath: path, builtin: true });
    assert.equal(config.default, 'local');
    assert.deepEqual(config.profiles.local, {
      sql: 'mysql://root:${MYSQL_PWD-qwe123}@127.0.0.1:3306/test',
      kv: 'redis://127.0.0.1:6379/0',
      doc: 'mongodb://127.0.0.1:27017/test',
    });
  });

  test('MYSQL_PWD set but empty gives an empty password; unset gives qwe123', () => {
    const config = loadConfig({}, { env: {}, cwd: '/nonexistent-dir-for-dbx-tests', homedir: '/nonexistent-home' }).config;
    assert.equal(config.source.builtin, true);
    assert.equal(resolveProfile(config, { env: { MYSQL_PWD: '' }, engine: 'sql' }).engines.sql, 'mysql://root:@127.0.0.1:3306/test');
    assert.equal(resolveProfile(config, { env: {}, engine: 'sql' }).engines.sql, 'mysql://root:qwe123@127.0.0.1:3306/test');
  });
});

describe('lookup order', () => {
  const all = {
    '/work/proj/flag.yaml': MIN('flag'),
    '/etc/dbx-env.yaml': MIN('envfile'),
    '/work/proj/dbx.yaml': MIN('cwd'),
    '/xdg/dbx/config.yaml': MIN('xdg'),
    '/home/u/.config/dbx/config.yaml': MIN('home'),
    '/pkg/config/default.yaml': MIN('builtin'),
  };
  const env = { DBX_CONFIG: '/etc/dbx-env.yaml', XDG_CONFIG_HOME: '/xdg' };
  const first = (files: Record<string, string>, e: Record<string, string>, configPath?: string) =>
    Object.keys(loadConfig({ configPath }, memoryIo(files, { env: e })).config.profiles)[0];
  const without = (...paths: string[]) => Object.fromEntries(Object.entries(all).filter(([p]) => !paths.includes(p)));

  test('--config first, relative to cwd', () => assert.equal(first(all, env, 'flag.yaml'), 'flag'));
  test('then $DBX_CONFIG', () => assert.equal(first(all, env), 'envfile'));
  test('then ./dbx.yaml', () => assert.equal(first(all, { XDG_CONFIG_HOME: '/xdg' }), 'cwd'));
  test('then $XDG_CONFIG_HOME/dbx/config.yaml', () =>
    assert.equal(first(without('/work/proj/dbx.yaml'), { XDG_CONFIG_HOME: '/xdg' }), 'xdg'));
  test('then ~/.config/dbx/config.yaml', () => assert.equal(first(without('/work/proj/dbx.yaml'), {}), 'home'));
  test('a relative XDG_CONFIG_HOME is ignored, as the XDG spec says', () =>
    assert.equal(first(without('/work/proj/dbx.yaml'), { XDG_CONFIG_HOME: 'rel' }), 'home'));
  test('then the built-in default', () => {
    const loaded = loadConfig({}, memoryIo({ '/pkg/config/default.yaml': MIN('builtin') }));
    assert.equal(loaded.found.reason, 'built-in');
    assert.equal(loaded.config.source.builtin, true);
  });
  test('~ in --config is the home folder', () => {
    const list = configCandidates({ configPath: '~/x.yaml' }, memoryIo({}));
    assert.equal(list[0]!.path, '/home/u/x.yaml');
  });

  for (const [how, opts, e] of [
    ['--config', { configPath: '/missing.yaml' }, {}],
    ['$DBX_CONFIG', {}, { DBX_CONFIG: '/missing.yaml' }],
  ] as const) {
    test(`a file named by ${how} that does not exist is an error`, () => {
      assert.throws(() => loadConfig(opts, memoryIo(all, { env: e })), (err: unknown) => {
        assert.ok(err instanceof UsageError);
        assert.match(err.message, /\/missing\.yaml not found \(named by/);
        return true;
      });
    });
  }

  test('an unreadable ./dbx.yaml is an error, not silently skipped', () => {
    const io = memoryIo(all, {
      readFile: (p) => {
        if (p === '/work/proj/dbx.yaml') throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
        return MIN('other');
      },
    });
    assert.throws(() => loadConfig({}, io), /dbx\.yaml cannot be read \(EACCES\)/);
  });

  test('messages name a file inside the working directory relatively', () => {
    const io = memoryIo({ '/work/proj/dbx.yaml': 'profiles:\n  x:\n    safety: maybe\n' });
    assert.throws(() => loadConfig({}, io), /^UsageError: dbx\.yaml:3: profiles\.x\.safety must be one of/);
  });
});

describe('permission warning', () => {
  const literal = 'profiles:\n  p:\n    sql: { host: h, password: hunter2 }\n';
  const inUrl = 'profiles:\n  p:\n    sql: mysql://root:hunter2@h/db\n';
  const viaEnv = 'profiles:\n  p:\n    sql: mysql://root:${PW}@h/db\n    kv: { host: h, password: "${KV_PW:-x}" }\n';
  const warnings = (text: string, mode: number) =>
    loadConfig({}, memoryIo({ '/work/proj/dbx.yaml': [text, mode] })).warnings;

  test('a literal password in a group/world-readable file warns, without the password', () => {
    for (const text of [literal, inUrl]) {
      const w = warnings(text, 0o100644);
      assert.equal(w.length, 1);
      assert.match(w[0]!, /dbx\.yaml holds a password and other users can read it \(mode 644\)/);
      assert.match(w[0]!, /chmod 600 \/work\/proj\/dbx\.yaml/);
      assert.ok(!w[0]!.includes('hunter2'));
    }
    assert.equal(warnings(literal, 0o100640).length, 1);
  });
  test('no warning for a private file', () => assert.deepEqual(warnings(literal, 0o100600), []));
  test('no warning when passwords are ${VAR} references', () => assert.deepEqual(warnings(viaEnv, 0o100644), []));
  test('no warning where file modes mean nothing', () => {
    const io = memoryIo({ '/work/proj/dbx.yaml': literal }, { fileMode: () => undefined });
    assert.deepEqual(loadConfig({}, io).warnings, []);
  });
});
