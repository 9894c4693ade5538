/**
 * Names of Object's built-ins typed where dbx looks a name up (issue 11, defect 11): `-p constructor`,
 * `DBX_PROFILE=__proto__`, `profile show toString`, a cursor method `.constructor()`: each is unknown (exit 2),
 * with the message that lists what is known, never "profile 'constructor' has no sql endpoint".
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { runDbx } from '../support/run-dbx.js';
import { mongoTestUrl } from '../support/mongo-test-server.js';

const dir = mkdtempSync(join(tmpdir(), 'dbx-builtin-names-'));
const file = join(dir, 'dbx.yaml');
writeFileSync(file, 'default: dev\nprofiles:\n  dev:\n    sql: mysql://root@127.0.0.1:1/test\n    kv: redis://127.0.0.1:1\n    doc: mongodb://127.0.0.1:1/test\ngroups:\n  all: [dev]\n', { mode: 0o600 });
let mongo: Awaited<ReturnType<typeof mongoTestUrl>>;
beforeAll(async () => {
  mongo = await mongoTestUrl();
});
afterAll(async () => {
  await mongo?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty'];

describe('built-in names are no profiles', () => {
  test.each(NAMES)('-p %s', async (name) => {
    for (const engine of ['sql', 'kv', 'doc']) {
      const r = await runDbx(['--config', file, '-p', name, engine, engine === 'kv' ? 'ping' : 'select 1']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`unknown profile "${name}" in .*dbx\\.yaml \\(known: dev; groups: all\\)`));
      assert.equal(r.stdout, '');
    }
  });

  test.each(NAMES)('DBX_PROFILE=%s', async (name) => {
    const r = await runDbx(['--config', file, 'sql', 'select 1'], { env: { DBX_PROFILE: name } });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`unknown profile "${name}" in .*dbx\\.yaml \\(known: dev; groups: all\\)`));
  });

  test.each(NAMES)('profile show %s', async (name) => {
    const r = await runDbx(['--config', file, 'profile', 'show', name]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`unknown profile "${name}" in .*dbx\\.yaml \\(known: dev; groups: all\\)`));
  });
});

describe('built-in names are no doc methods', () => {
  test.each(NAMES.filter((n) => n !== '__proto__'))('db.c.find().%s() is no cursor method', async (name) => {
    const r = await runDbx(['--url', mongo.url, 'doc', `db.c.find().${name}()`]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`\\.${name}\\(\\): is not a cursor method`));
  });
});
