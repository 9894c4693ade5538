/** `${VAR}` filling: unset / empty / defaults, `$$`, URL userinfo encoding, missing passwords. */
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/errors.js';
import { fillEnvRefs, hasEnvRefs, isPureEnvRef } from '../../src/config/env-vars.js';

const where = { at: 'dbx.yaml:7', path: 'profiles.p.sql.password' };
const fill = (text: string, env: Record<string, string | undefined>, url = false) => fillEnvRefs(text, env, where, { url });

describe('fillEnvRefs', () => {
  const cases: [string, Record<string, string>, string][] = [
    ['plain text', {}, 'plain text'],
    ['${A}', { A: 'x' }, 'x'],
    ['${A}', { A: '' }, ''],
    ['${A:-d}', {}, 'd'],
    ['${A:-d}', { A: '' }, 'd'],
    ['${A:-d}', { A: 'x' }, 'x'],
    ['${A-d}', {}, 'd'],
    ['${A-d}', { A: '' }, ''],
    ['${A-d}', { A: 'x' }, 'x'],
    ['${A:-}', {}, ''],
    ['${A:-a-b:c}', {}, 'a-b:c'],
    ['pre-${A}-${B_2}-post', { A: '1', B_2: '2' }, 'pre-1-2-post'],
    ['$$', {}, '$'],
    ['$${A}', { A: 'x' }, '${A}'],
    ['pa$word', {}, 'pa$word'],
    ['cost: 5$', {}, 'cost: 5$'],
    ['$$$${A}', { A: 'x' }, '$${A}'],
  ];
  for (const [text, env, expected] of cases) {
    test(`${JSON.stringify(text)} with ${JSON.stringify(env)} → ${JSON.stringify(expected)}`, () => {
      assert.equal(fill(text, env), expected);
    });
  }

  test('an unset variable with no default is a UsageError naming it and the file:line', () => {
    assert.throws(
      () => fill('x${PROD_DB_PASSWORD}', {}),
      (e: unknown) => {
        assert.ok(e instanceof UsageError);
        assert.equal(e.exitCode, 2);
        assert.equal(e.code, 'CONFIG_ENV_UNSET');
        assert.match(e.message, /^dbx\.yaml:7: profiles\.p\.sql\.password: environment variable PROD_DB_PASSWORD is not set/);
        return true;
      },
    );
  });

  for (const bad of ['${}', '${1A}', '${A B}', '${A:+x}', '${A', 'x${A:?err}']) {
    test(`bad reference ${JSON.stringify(bad)} is a UsageError that does not echo the value`, () => {
      assert.throws(
        () => fill(`s3cr${bad}`, { A: 'x' }),
        (e: unknown) => e instanceof UsageError && e.message.startsWith('dbx.yaml:7: ') && !e.message.includes('s3cr'),
      );
    });
  }

  test('in a URL, values filled into the userinfo are percent-encoded; elsewhere they are not', () => {
    const env = { U: 'me@corp', PW: 'p@ss/w:rd?#', H: 'db.example', DB: 'app' };
    assert.equal(
      fill('mysql://${U}:${PW}@${H}:3306/${DB}', env, true),
      'mysql://me%40corp:p%40ss%2Fw%3Ard%3F%23@db.example:3306/app',
    );
    assert.equal(fill('mysql://root:${PW}@h/x', env, true), 'mysql://root:p%40ss%2Fw%3Ard%3F%23@h/x');
    assert.equal(fill('mysql://${H}:3306/${DB}', env, true), 'mysql://db.example:3306/app');
    assert.equal(fill('redis://${H}', env, true), 'redis://db.example');
    // a whole-URL variable is the user's URL, already encoded
    assert.equal(fill('${URL}', { URL: 'mysql://a:b%40c@h/x' }, true), 'mysql://a:b%40c@h/x');
    // outside URL mode nothing is encoded
    assert.equal(fill('${PW}', env), 'p@ss/w:rd?#');
  });

  test('a missing password variable is reported, not thrown, when asked to', () => {
    const missing: string[] = [];
    const opts = { url: true, onMissingPassword: (n: string) => missing.push(n) };
    assert.equal(fillEnvRefs('mysql://root:${PW}@h/x', {}, where, opts), 'mysql://root:@h/x');
    assert.equal(fillEnvRefs('${SECRET}', {}, where, { ...opts, url: false, isPassword: true }), '');
    assert.deepEqual(missing, ['PW', 'SECRET']);
    // the user part and the host are not passwords: still an error
    assert.throws(() => fillEnvRefs('mysql://${U}:x@h/x', {}, where, opts), /U is not set/);
    assert.throws(() => fillEnvRefs('mysql://root@${H}/x', {}, where, opts), /H is not set/);
  });
});

test('hasEnvRefs and isPureEnvRef', () => {
  assert.equal(hasEnvRefs('a${B}'), true);
  assert.equal(hasEnvRefs('a$$b'), true);
  assert.equal(hasEnvRefs('pa$word'), false);
  assert.equal(isPureEnvRef('${PW}'), true);
  assert.equal(isPureEnvRef('${PW:-x}'), true);
  assert.equal(isPureEnvRef('${PW-x}'), true);
  assert.equal(isPureEnvRef('x${PW}'), false);
  assert.equal(isPureEnvRef('${A}${B}'), false);
  assert.equal(isPureEnvRef('hunter2'), false);
});
