/**
 * Profiles as a user writes them: `${VAR:-default}` in a URL's user part, `default: ${DEF}`, a config with one
 * profile and no `default:`, and what `profile show --json` tells.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, test } from '@jest/globals';
import { runDbx } from '../support/run-dbx.js';

const dir = mkdtempSync(join(tmpdir(), 'dbx-profile-habits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function config(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  chmodSync(file, 0o644); // readable by others: a literal password would get the warning
  return file;
}

describe('profiles', () => {
  test('${VAR:-default} in the user part is shown whole and is no literal password', async () => {
    const file = config('refs.yaml', 'profiles:\n  nc:\n    sql: mysql://${NC_USER:-root}:${NC_PW-}@127.0.0.1:3306/test\n');
    const show = await runDbx(['--config', file, 'profile', 'show', 'nc']);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /sql: +mysql:\/\/\$\{NC_USER:-root\}@127\.0\.0\.1:3306\/test\n/);
    assert.doesNotMatch(show.stderr, /other users can read it/);
    const json = await runDbx(['--config', file, '--json', 'profile', 'show', 'nc']);
    assert.equal(json.code, 0, json.stderr);
    assert.equal((JSON.parse(json.stdout) as { sql: string }).sql, 'mysql://${NC_USER:-root}:***@127.0.0.1:3306/test');
  });

  test('profile show --json keeps safety (the default off too)', async () => {
    const file = config('safety.yaml', 'default: a\nprofiles:\n  a:\n    safety: readonly\n    kv: redis://127.0.0.1:1/0\n  b:\n    kv: redis://127.0.0.1:1/0\n');
    for (const [name, safety] of [['a', 'readonly'], ['b', 'off']] as const) {
      const r = await runDbx(['--config', file, '--json', 'profile', 'show', name]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal((JSON.parse(r.stdout) as { safety: string }).safety, safety);
    }
  });

  test('default: ${DEF} marks the profile it names as current; unset, none', async () => {
    const file = config('def.yaml', 'default: ${DEF}\nprofiles:\n  a:\n    kv: redis://127.0.0.1:1/0\n  b:\n    kv: redis://127.0.0.1:1/0\n');
    const set = await runDbx(['--config', file, 'profile', 'list'], { env: { DEF: 'b' } });
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /^  a .*\n\* b /);
    const json = await runDbx(['--config', file, '--json', 'profile', 'list'], { env: { DEF: 'b' } });
    assert.deepEqual((JSON.parse(json.stdout) as Array<{ current: boolean }>).map((p) => p.current), [false, true]);
    const unset = await runDbx(['--config', file, 'profile', 'list']);
    assert.equal(unset.code, 0, unset.stderr);
    assert.doesNotMatch(unset.stdout, /\*/);
  });

  test('one profile and no default: that profile is used', async () => {
    const file = config('one.yaml', 'profiles:\n  only:\n    kv: redis://127.0.0.1:1/0\n');
    const show = await runDbx(['--config', file, 'profile', 'show']);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /^profile: only\n/);
    assert.match((await runDbx(['--config', file, 'profile', 'list'])).stdout, /^\* only/);
    const run = await runDbx(['--config', file, 'kv', 'ping']);
    assert.equal(run.code, 3); // reached for the only profile's endpoint, not "unknown profile local"
    assert.match(run.stderr, /127\.0\.0\.1:1/);
  });
});

describe('dbx ping', () => {
  test('one aligned line per engine with the server version and latency', async () => {
    const { testKvUrl, testSqlUrl } = await import('../support/servers.js');
    const { mongoTestUrl } = await import('../support/mongo-test-server.js');
    const mongo = await mongoTestUrl();
    try {
      const file = config('all.yaml', `profiles:\n  all:\n    sql: "${await testSqlUrl()}"\n    kv: ${testKvUrl(0)}\n    doc: ${mongo.url}\n`);
      const r = await runDbx(['--config', file, 'ping']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const lines = r.stdout.trimEnd().split('\n');
      assert.deepEqual(lines.map((l) => l.split(/\s+/)[0]), ['sql', 'kv', 'doc']);
      // every engine has its version now, kv's from the HELLO reply (issue 10)
      const versions = lines.map((l) => /^(\S+\s+ok\s+\S+\s+)(\d+\.\d+\S*|-(?= ))\s+\d+ ms$/.exec(l));
      for (const [i, m] of versions.entries()) assert.ok(m && m[2] !== '-', `no version on: ${lines[i]}`);
      // the version column starts at the same place on every line
      assert.equal(new Set(versions.map((m) => m![1]!.length)).size, 1, r.stdout);
      // and it is each server's real version: kv's as INFO says it, sql's as VERSION() does
      const { Redis } = await import('ioredis');
      const redis = new Redis(testKvUrl(0), { lazyConnect: true, maxRetriesPerRequest: 0 });
      try {
        await redis.connect();
        const info = await redis.info('server');
        assert.equal(versions[1]![2], /^redis_version:(\S+)/m.exec(info)![1], r.stdout);
      } finally {
        redis.disconnect();
      }
      const { default: mysql } = await import('mysql2/promise');
      const admin = await mysql.createConnection(await testSqlUrl());
      try {
        const [[row]] = (await admin.query('select version() as v')) as unknown as [[{ v: string }]];
        assert.equal(versions[0]![2], row.v, r.stdout);
      } finally {
        await admin.end();
      }
    } finally {
      await mongo.stop();
    }
  });

  test('ping --help lists only the options that apply to it', async () => {
    const r = await runDbx(['ping', '--help']);
    assert.equal(r.code, 0);
    for (const applies of ['--profile', '--config', '--url', '--json', '--connect-timeout', '--verbose']) assert.match(r.stdout, new RegExp(applies));
    for (const not of ['--transaction', '--force', '--param', '--timeout <', '--log-file', '--yes', '--no-pager']) {
      assert.ok(!r.stdout.includes(not), `${not} in ping --help`);
    }
    assert.doesNotMatch(r.stdout, /"csv"/);
  });
});
