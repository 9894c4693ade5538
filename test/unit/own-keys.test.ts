/**
 * Names a user types are looked up among a table's own keys only (issue 11, defect 11): `constructor`,
 * `__proto__`, `toString` and the rest of Object.prototype are no profile, group, variable, method, command or
 * spelling. One test per kind of table.
 */
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/errors.js';
import { parseConfigText } from '../../src/config/config-parse.js';
import { resolveProfile } from '../../src/config/profile.js';
import { selectProfiles } from '../../src/config/profile-selection.js';
import { commandClass, methodSpec } from '../../src/mongo-syntax/doc-methods.js';
import { parseDocStatement } from '../../src/mongo-syntax/doc-parser.js';
import { ownTable, ownValue } from '../../src/text/own-keys.js';

const BUILTINS = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'isPrototypeOf'];
const origin = { path: '/p/dbx.yaml', displayPath: 'dbx.yaml', builtin: false };
const config = parseConfigText('profiles:\n  dev:\n    sql: mysql://root@127.0.0.1/test\n  prod:\n    kv: redis://127.0.0.1\ngroups:\n  both: [dev, prod]\n', origin);

function unknownProfile(e: unknown, name: string): true {
  assert.ok(e instanceof UsageError, String(e));
  assert.equal(e.exitCode, 2);
  assert.equal(e.code, 'UNKNOWN_PROFILE');
  assert.ok(e.message.startsWith(`unknown profile "${name}" in dbx.yaml (`), e.message);
  assert.match(e.message, /dev, prod/);
  return true;
}

describe('profiles and groups', () => {
  test.each(BUILTINS)('-p %s is an unknown profile', (name) => {
    assert.throws(() => resolveProfile(config, { profile: name, env: {}, engine: 'sql' }), (e) => unknownProfile(e, name));
    assert.throws(() => selectProfiles(config, name), (e) => unknownProfile(e, name));
    assert.throws(() => selectProfiles(config, `dev,${name}`), (e) => unknownProfile(e, name));
  });

  test.each(BUILTINS)('DBX_PROFILE=%s is an unknown profile', (name) => {
    assert.throws(() => resolveProfile(config, { env: { DBX_PROFILE: name }, engine: 'sql' }), (e) => unknownProfile(e, name));
  });

  test('a profile or group really named __proto__ or constructor is found, and only it', () => {
    const odd = parseConfigText(
      'profiles:\n  __proto__:\n    sql: mysql://root@127.0.0.1/a\n  constructor:\n    sql: mysql://root@127.0.0.1/b\ngroups:\n  toString: [__proto__, constructor]\n',
      origin,
    );
    assert.deepEqual(Object.keys(odd.profiles), ['__proto__', 'constructor']);
    assert.equal(resolveProfile(odd, { profile: '__proto__', env: {}, engine: 'sql' }).engines.sql, 'mysql://root@127.0.0.1/a');
    assert.equal(resolveProfile(odd, { profile: 'constructor', env: {}, engine: 'sql' }).engines.sql, 'mysql://root@127.0.0.1/b');
    assert.deepEqual(selectProfiles(odd, 'toString'), { names: ['__proto__', 'constructor'], fanOut: true });
    assert.throws(() => selectProfiles(odd, 'valueOf'), UsageError);
  });

  test('a group member named like a built-in names no profile', () => {
    const stale = parseConfigText('profiles:\n  dev:\n    sql: mysql://h/x\ngroups:\n  g: [dev, constructor]\n', origin);
    assert.throws(() => selectProfiles(stale, 'g'), /groups\.g\[1\] names no profile: "constructor"/);
  });
});

describe('environment variables', () => {
  test.each(['constructor', 'toString', '__proto__'])('${%s} is an unset variable, not a built-in', (name) => {
    const refs = parseConfigText(`profiles:\n  dev:\n    sql: mysql://\${${name}}@127.0.0.1/test\n`, origin);
    assert.throws(() => resolveProfile(refs, { env: {}, engine: 'sql' }), new RegExp(`environment variable ${name} is not set`));
    const withDefault = parseConfigText(`profiles:\n  dev:\n    sql: mysql://\${${name}:-me}@127.0.0.1/test\n`, origin);
    assert.equal(resolveProfile(withDefault, { env: {}, engine: 'sql' }).engines.sql, 'mysql://me@127.0.0.1/test');
  });

  test('a password variable named like a built-in is a missing password', () => {
    const refs = parseConfigText('profiles:\n  dev:\n    sql: { host: h, password: "${valueOf}" }\n', origin);
    const r = resolveProfile(refs, { env: {}, engine: 'sql', missingPassword: 'report' });
    assert.deepEqual(r.missingPasswords.map((m) => m.variable), ['valueOf']);
  });

  test('$DBX_SQL_URL is read from the environment only', () => {
    const env = Object.create({ DBX_SQL_URL: 'mysql://inherited@h/x' }) as Record<string, string>;
    assert.equal(resolveProfile(config, { profile: 'dev', env, engine: 'sql' }).engines.sql, 'mysql://root@127.0.0.1/test');
  });
});

describe('config keys', () => {
  test.each(['constructor', 'toString'])('a profile key %s is not a known key, and no alias', (key) => {
    assert.throws(
      () => parseConfigText(`profiles:\n  dev:\n    ${key}: 1\n`, origin),
      (e: unknown) => e instanceof UsageError && /is not a known key \(known keys: safety, connectTimeout, sql, kv, doc\)/.test(e.message),
    );
  });
});

describe('doc method and command tables', () => {
  test.each(BUILTINS)('%s is no db or collection method', (name) => {
    assert.equal(methodSpec('db', name), undefined);
    assert.equal(methodSpec('collection', name), undefined);
    assert.throws(() => parseDocStatement(`db.c.${name}()`), /unknown method/);
  });

  test.each(BUILTINS)('runCommand({%s: 1}) is an unknown command, so a write under readonly', (name) => {
    assert.deepEqual(commandClass({ [name]: 1 }), { writes: true, destructive: false });
  });

  test.each(BUILTINS.filter((n) => /^\w+$/.test(n)))('show %s is no show target', (name) => {
    assert.throws(() => parseDocStatement(`show ${name}`), /unknown show target/);
  });
});

describe('the helpers', () => {
  test('ownTable and ownValue see own keys only', () => {
    const t = ownTable({ a: 1 });
    assert.equal(t.a, 1);
    for (const name of BUILTINS) {
      assert.equal(t[name], undefined);
      assert.equal(ownValue({ a: 1 } as Record<string, number>, name), undefined);
    }
    assert.ok(Object.isFrozen(t));
  });
});
