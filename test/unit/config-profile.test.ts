/** Profile choice, late filling, URL overrides and validation, redaction, and the `dbx init` starter file. */
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConnectError, DbxError, UsageError } from '../../src/errors.js';
import { parseConfigText } from '../../src/config/config-parse.js';
import { resolveProfile, type ResolveOptions } from '../../src/config/profile.js';
import { describeEndpoint, hasLiteralPassword, redactEntry, redactUrlText } from '../../src/config/redact.js';
import { engineOfUrl, urlProblem } from '../../src/config/engine-url.js';
import { starterConfig, writeStarterConfig } from '../../src/config/init.js';
import { scratchDir } from '../support/temp-dir.js';

const YAML = `default: dev
profiles:
  dev:
    sql: mysql://root:\${DEV_PW-}@127.0.0.1:3306/test
    kv: redis://127.0.0.1:6379/0
  prod:
    safety: readonly
    connectTimeout: \${PROD_TIMEOUT:-2500}
    sql: { host: db.internal, port: "\${PROD_PORT:-3307}", user: report, password: "\${PROD_DB_PASSWORD}", database: app, tls: true }
    kv: { cluster: [ "redis://:\${REDIS_PW}@10.0.0.1:7000", "redis://10.0.0.2:7000" ] }
    doc: { url: "mongodb://a,b,c/?replicaSet=rs0", database: app }
  broken:
    sql: mysql://\${BROKEN_HOST}/x
`;
const config = parseConfigText(YAML, { path: '/p/dbx.yaml', displayPath: 'dbx.yaml', builtin: false });
const resolve = (opts: Partial<ResolveOptions>) => resolveProfile(config, { env: {}, ...opts });

/** Every text an error can show a user. */
function errorText(e: unknown): string {
  if (!(e instanceof DbxError)) return String(e);
  return `${e.message} ${e.hint ?? ''} ${JSON.stringify(e.toJSON())}`;
}

describe('choosing the profile', () => {
  test('--profile, else $DBX_PROFILE, else default, else local', () => {
    assert.equal(resolve({ profile: 'prod', env: { DBX_PROFILE: 'broken', PROD_DB_PASSWORD: 'x', REDIS_PW: 'y' } }).name, 'prod');
    assert.equal(resolve({ env: { DBX_PROFILE: 'prod', PROD_DB_PASSWORD: 'x', REDIS_PW: 'y' } }).name, 'prod');
    assert.equal(resolve({}).name, 'dev');
    const noDefault = parseConfigText('profiles:\n  local:\n    kv: redis://h\n', { path: '/x', displayPath: 'x', builtin: false });
    assert.equal(resolveProfile(noDefault, { env: {} }).name, 'local');
  });

  test('an unknown profile lists the known ones', () => {
    assert.throws(
      () => resolve({ profile: 'prdo' }),
      (e: unknown) => {
        assert.ok(e instanceof UsageError);
        assert.equal(e.exitCode, 2);
        assert.equal(e.message, 'unknown profile "prdo" in dbx.yaml (known: dev, prod, broken); did you mean prod?');
        return true;
      },
    );
  });

  test('without any chosen profile, an override URL is enough', () => {
    const empty = parseConfigText('profiles: {}\n', { path: '/x', displayPath: 'x', builtin: false });
    assert.throws(() => resolveProfile(empty, { env: {} }), /unknown profile "local" in x \(it defines none\)/);
    const r = resolveProfile(empty, { env: {}, url: 'redis://h:6379' });
    assert.deepEqual(r.engines, { kv: 'redis://h:6379' });
    assert.equal(r.safety, 'off');
    // but a profile someone named must exist
    assert.throws(() => resolveProfile(empty, { env: {}, profile: 'x', url: 'redis://h:6379' }), /unknown profile "x"/);
  });
});

describe('late filling', () => {
  test('only the chosen profile is filled: unset variables elsewhere are no error', () => {
    const r = resolve({ env: { DEV_PW: 'devpw' } });
    assert.deepEqual(r.engines, { sql: 'mysql://root:devpw@127.0.0.1:3306/test', kv: 'redis://127.0.0.1:6379/0' });
    assert.deepEqual(r.origins, { sql: 'config', kv: 'config' });
    assert.equal(r.safety, 'off');
    assert.equal(r.connectTimeoutMs, 10_000);
    assert.equal(r.source, '/p/dbx.yaml');
  });

  test('with an engine given, only that entry is filled', () => {
    const env = { PROD_DB_PASSWORD: 's3cret' };
    const r = resolve({ profile: 'prod', engine: 'sql', env });
    assert.deepEqual(r.engines, {
      sql: { host: 'db.internal', port: 3307, user: 'report', password: 's3cret', database: 'app', tls: true },
    });
    assert.equal(r.safety, 'readonly');
    assert.equal(r.connectTimeoutMs, 2500);
    assert.deepEqual(resolve({ profile: 'prod', engine: 'doc' }).engines, {
      doc: { url: 'mongodb://a,b,c/?replicaSet=rs0', database: 'app' },
    });
  });

  test('an unset non-password variable is exit 2 with file and line', () => {
    assert.throws(
      () => resolve({ profile: 'broken', engine: 'sql' }),
      (e: unknown) => e instanceof UsageError && /^dbx\.yaml:13: profiles\.broken\.sql: environment variable BROKEN_HOST is not set/.test(e.message),
    );
  });

  test('a filled value that is not a number where one is needed is exit 2', () => {
    assert.throws(
      () => resolve({ profile: 'prod', engine: 'doc', env: { PROD_TIMEOUT: 'soon' } }),
      /^UsageError: dbx\.yaml:8: profiles\.prod\.connectTimeout must be a whole number, got "soon"/,
    );
  });

  test('an unset password variable is exit 3 (password needed and not given), or reported for a prompt', () => {
    assert.throws(
      () => resolve({ profile: 'prod', engine: 'sql' }),
      (e: unknown) => {
        assert.ok(e instanceof ConnectError);
        assert.equal(e.exitCode, 3);
        assert.equal(e.code, 'PASSWORD_MISSING');
        assert.match(e.message, /^dbx\.yaml:9: profiles\.prod\.sql\.password: the password variable PROD_DB_PASSWORD is not set/);
        return true;
      },
    );
    const r = resolve({ profile: 'prod', missingPassword: 'report' });
    assert.deepEqual(r.missingPasswords.map((m) => [m.engine, m.variable, m.where]), [
      ['sql', 'PROD_DB_PASSWORD', 'dbx.yaml:9: profiles.prod.sql.password'],
      ['kv', 'REDIS_PW', 'dbx.yaml:10: profiles.prod.kv.cluster[0]'],
    ]);
    // asked for, then resolved again with the answer in env: encoded into the URL
    const again = resolve({ profile: 'prod', engine: 'kv', env: { REDIS_PW: 'a@b' } });
    assert.deepEqual(again.engines.kv, { cluster: ['redis://:a%40b@10.0.0.1:7000', 'redis://10.0.0.2:7000'] });
    assert.deepEqual(again.missingPasswords, []);
  });

  test('fill: false keeps the references as written', () => {
    const r = resolve({ profile: 'prod', engine: 'sql', fill: false });
    assert.equal((r.engines.sql as Record<string, unknown>).password, '${PROD_DB_PASSWORD}');
  });
});

describe('overrides', () => {
  test('$DBX_SQL_URL / $DBX_KV_URL / $DBX_DOC_URL replace that engine only', () => {
    const env = { DBX_KV_URL: 'rediss://cache:6380/1', DBX_DOC_URL: 'mongodb+srv://c.example.net/db', DEV_PW: '' };
    const r = resolve({ env });
    assert.deepEqual(r.engines, {
      sql: 'mysql://root:@127.0.0.1:3306/test',
      kv: 'rediss://cache:6380/1',
      doc: 'mongodb+srv://c.example.net/db',
    });
    assert.deepEqual(r.origins, { sql: 'config', kv: '$DBX_KV_URL', doc: '$DBX_DOC_URL' });
  });

  test('--url beats $DBX_*_URL and the profile, for the chosen engine', () => {
    const env = { DBX_SQL_URL: 'mysql://env@h/x' };
    const r = resolve({ engine: 'sql', url: 'mariadb://flag@h/x', env });
    assert.deepEqual(r.engines, { sql: 'mariadb://flag@h/x' });
    assert.equal(r.origins.sql, '--url');
    // no engine given: the URL's scheme picks it
    assert.equal(resolve({ url: 'mongodb://h/x' }).engines.doc, 'mongodb://h/x');
  });

  test('an overridden entry is not filled, so its unset variables do not matter', () => {
    const r = resolve({ profile: 'prod', engine: 'sql', url: 'mysql://u@h/x' });
    assert.deepEqual(r.engines, { sql: 'mysql://u@h/x' });
  });

  test('a malformed or wrong-scheme URL is exit 2 and never shows the password', () => {
    const attempts: Partial<ResolveOptions>[] = [
      { engine: 'sql', url: 'redis://u:TOPSECRET@h' },
      { engine: 'sql', url: 'mysql://u:TOPSECRET@h:99999/x' },
      { engine: 'sql', url: 'mysql://u:TOP/SECRET@h/x' },
      { engine: 'kv', url: 'redis://u:TOP SECRET@h' },
      { url: 'postgres://u:TOPSECRET@h/x' },
      { engine: 'doc', url: 'mongodb://u:TOP@SECRET@h/x' },
      { engine: 'sql', env: { DBX_SQL_URL: 'mysql://u:TOPSECRET@/x' } },
      { engine: 'sql', env: { DEV_PW: 'TOPSECRET' }, url: undefined, profile: 'dev-bad' },
    ];
    const bad = parseConfigText('profiles:\n  dev-bad:\n    sql: "mysql://root:${DEV_PW}@h:0/x"\n', {
      path: '/b',
      displayPath: 'b.yaml',
      builtin: false,
    });
    for (const attempt of attempts) {
      const target = attempt.profile === 'dev-bad' ? bad : config;
      assert.throws(
        () => resolveProfile(target, { env: {}, ...attempt }),
        (e: unknown) => {
          assert.ok(e instanceof UsageError, String(e));
          assert.equal(e.exitCode, 2);
          assert.match(e.message, /malformed URL for (sql|kv|doc)|--url must start with/);
          assert.ok(!errorText(e).includes('SECRET'), `leak: ${errorText(e)}`);
          return true;
        },
        JSON.stringify(attempt),
      );
    }
  });
});

describe('URL checks', () => {
  const good: [string, string][] = [
    ['sql', 'mysql://root@127.0.0.1:3306/test'],
    ['sql', 'mariadb://root:p%40ss@localhost/test?charset=utf8mb4'],
    ['sql', 'mysql://root:p@ss@localhost/test'],
    ['kv', 'redis://127.0.0.1:6379/0'],
    ['kv', 'rediss://:pw@cache.example.com'],
    ['kv', 'redis://[::1]:6379'],
    ['doc', 'mongodb://127.0.0.1:27017/test'],
    ['doc', 'mongodb://u:p@a:27017,b:27018,[::1]:27019/app?replicaSet=rs0'],
    ['doc', 'mongodb+srv://cluster0.example.net/?retryWrites=true'],
  ];
  for (const [engine, url] of good) {
    test(`${engine} accepts ${url}`, () => assert.equal(urlProblem(engine as 'sql', url), ''));
  }
  const bad: [string, string, RegExp][] = [
    ['sql', 'mysql:/x', /must start with mysql:\/\//],
    ['sql', 'http://h', /must start with/],
    ['sql', 'mysql:///test', /no host/],
    ['kv', 'redis://h/foo', /database number/],
    ['doc', 'mongodb://', /no host/],
    ['doc', 'mongodb+srv://a,b/', /exactly one host/],
    ['doc', 'mongodb+srv://a:27017/', /no port/],
    ['doc', 'mongodb://a:0/', /bad port/],
  ];
  for (const [engine, url, why] of bad) {
    test(`${engine} refuses ${url}`, () => assert.match(urlProblem(engine as 'sql', url), why));
  }
  test('engineOfUrl', () => {
    assert.equal(engineOfUrl('MariaDB://h'), 'sql');
    assert.equal(engineOfUrl('rediss://h'), 'kv');
    assert.equal(engineOfUrl('mongodb+srv://h'), 'doc');
    assert.equal(engineOfUrl('postgres://h'), undefined);
  });
});

describe('redaction', () => {
  const SECRET = 'Sup3r-Secret';
  test('describeEndpoint leaves the password out of URLs', () => {
    assert.equal(describeEndpoint(`mysql://root:${SECRET}@127.0.0.1:3306/test`), 'mysql://root@127.0.0.1:3306/test');
    assert.equal(describeEndpoint(`redis://:${SECRET}@h:6379/0`), 'redis://h:6379/0');
    assert.equal(describeEndpoint(`mysql://root:a@b/c${SECRET}@h/x`), 'mysql://root@h/x');
    assert.equal(describeEndpoint(`redis://h/0?password=${SECRET}&name=x`), 'redis://h/0?password=***&name=x');
    assert.equal(describeEndpoint(undefined), '(not configured)');
  });

  test('describeEndpoint masks secrets in settings maps, nested too', () => {
    const entry = {
      host: 'db.internal',
      port: 3306,
      user: 'report',
      password: SECRET,
      tls: { ca: '/ca.pem', passphrase: SECRET },
      cluster: [`redis://:${SECRET}@10.0.0.1:7000`],
    };
    const text = describeEndpoint(entry);
    assert.equal(
      text,
      '{ host: db.internal, port: 3306, user: report, password: ***, tls: { ca: /ca.pem, passphrase: *** }, cluster: [redis://10.0.0.1:7000] }',
    );
    const json = JSON.stringify(redactEntry(entry));
    assert.ok(!json.includes(SECRET), json);
    assert.deepEqual((redactEntry(entry) as Record<string, unknown>).cluster, ['redis://:***@10.0.0.1:7000']);
  });

  test('redactUrlText keeps the user and marks the password', () => {
    assert.equal(redactUrlText(`mysql://root:${SECRET}@h/x`), 'mysql://root:***@h/x');
    assert.equal(redactUrlText('mysql://root@h/x'), 'mysql://root@h/x');
    assert.equal(redactUrlText('not a url'), 'not a url');
  });

  test('no resolved profile leaks through describeEndpoint', () => {
    const r = resolve({ profile: 'prod', env: { PROD_DB_PASSWORD: SECRET, REDIS_PW: SECRET } });
    for (const entry of Object.values(r.engines)) assert.ok(!describeEndpoint(entry).includes(SECRET));
  });

  test('hasLiteralPassword', () => {
    assert.equal(hasLiteralPassword({ p: { sql: { password: 'x' } } }), true);
    assert.equal(hasLiteralPassword({ p: { sql: 'mysql://u:x@h' } }), true);
    assert.equal(hasLiteralPassword({ p: { sql: 'mysql://u:${PW:-x}@h', kv: { password: '${K}' } } }), false);
    assert.equal(hasLiteralPassword({ p: { sql: { tls: { key: '/etc/key.pem' } }, kv: 'redis://h' } }), false);
  });
});

describe('dbx init starter file', () => {
  test('is valid config with a prod profile that reads its password from the environment', () => {
    const c = parseConfigText(starterConfig(), { path: '/s', displayPath: 's', builtin: false });
    assert.equal(c.default, 'local');
    assert.deepEqual(Object.keys(c.profiles), ['local', 'prod']);
    assert.equal((c.profiles.prod!.sql as Record<string, unknown>).password, '${PROD_DB_PASSWORD}');
    assert.equal(hasLiteralPassword(c.profiles), false);
  });

  test('is written with mode 0600, and an existing file is not overwritten without force', () => {
    const dir = scratchDir('dbx-init-');
    const path = join(dir, 'nested', 'config.yaml');
    writeStarterConfig(path);
    assert.equal(readFileSync(path, 'utf8'), starterConfig());
    if (process.platform !== 'win32') assert.equal(statSync(path).mode & 0o777, 0o600);
    writeFileSync(path, 'mine', { mode: 0o644 });
    assert.throws(() => writeStarterConfig(path), (e: unknown) => e instanceof UsageError && /already exists/.test(e.message));
    assert.equal(readFileSync(path, 'utf8'), 'mine');
    writeStarterConfig(path, { force: true });
    assert.equal(readFileSync(path, 'utf8'), starterConfig());
    if (process.platform !== 'win32') assert.equal(statSync(path).mode & 0o777, 0o600);
  });
});
