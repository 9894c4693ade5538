/**
 * Replica sets, mongos and mongodb+srv for doc (issue 13, part 4): the URL and a profile's driver options reach the
 * driver as written, and -v says which server answered each command. Here the server is the MongoDB test server, a
 * standalone; with DBX_TEST_MONGO_URL pointing at a real replica set or mongos the same assertions run unchanged:
 * each one holds for any topology (the member that answered is one the topology line lists, of the kind it lists).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { mongoTestUrl } from '../support/mongo-test-server.js';
import { runDbx, type DbxRun } from '../support/run-dbx.js';
import { uniqueName } from '../support/servers.js';

let mongo: Awaited<ReturnType<typeof mongoTestUrl>>;
let dir: string;
const db = uniqueName('dbx_topo');

/** The test URL on `db`, with `set` options added or replaced (and `drop` ones removed). */
function urlWith(set: Record<string, string> = {}, drop: string[] = []): string {
  const m = /^(mongodb(?:\+srv)?:\/\/[^/?#]*)(?:\/[^?#]*)?(?:\?(.*))?$/.exec(mongo.url)!;
  const params = new URLSearchParams(m[2] ?? '');
  for (const key of [...drop, ...Object.keys(set)]) {
    for (const k of [...params.keys()]) if (k.toLowerCase() === key.toLowerCase()) params.delete(k);
  }
  for (const [k, v] of Object.entries(set)) params.set(k, v);
  const query = params.toString();
  return `${m[1]}/${db}${query ? `?${query}` : ''}`;
}

function hostsOf(url: string): string[] {
  return /^mongodb(?:\+srv)?:\/\/(?:[^@/]*@)?([^/?#]*)/.exec(url)![1]!.split(',');
}

beforeAll(async () => {
  mongo = await mongoTestUrl();
  dir = await mkdtemp(join(tmpdir(), 'dbx-topo-'));
  const r = await runDbx(['--url', urlWith(), 'doc', "db.people.insertOne({_id: 1, name: 'Sam'})"]);
  assert.equal(r.code, 0, r.stderr);
});

afterAll(async () => {
  await runDbx(['--url', urlWith(), '-y', 'doc', 'db.dropDatabase()']);
  await mongo.stop();
  await rm(dir, { recursive: true, force: true });
});

interface Topology {
  type: string;
  members: Map<string, string>;
  readPreference: string;
}

/** `-- topology Single: 127.0.0.1:1234 (standalone); read preference primary` */
function topologyOf(r: DbxRun): Topology {
  const m = /^-- topology (\S+)(?: \S+)?: (.*); read preference (\S+)$/m.exec(r.stderr);
  assert.ok(m, `no topology line in:\n${r.stderr}`);
  const members = new Map<string, string>();
  for (const part of m[2]!.split(', ')) {
    const pm = /^(\S+) \((.*)\)$/.exec(part);
    if (pm) members.set(pm[1]!, pm[2]!);
  }
  return { type: m[1]!, members, readPreference: m[3]! };
}

/** The `-- find answered by host:port (kind) in N ms` lines. */
function answers(r: DbxRun, command: string): Array<{ address: string; kind: string }> {
  return [...r.stderr.matchAll(new RegExp(`^-- ${command} answered by (\\S+) \\((.*)\\) in \\d+ ms$`, 'gm'))].map((m) => ({ address: m[1]!, kind: m[2]! }));
}

describe('doc: which member answered (-v)', () => {
  test('every command names the server that served it, one the topology lists, of the kind it lists', async () => {
    const r = await runDbx(['-v', '--url', urlWith(), 'doc', 'db.people.find()']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Sam/);
    const topology = topologyOf(r);
    const found = answers(r, 'find');
    assert.equal(found.length, 1, r.stderr);
    assert.equal(topology.members.get(found[0]!.address), found[0]!.kind, r.stderr);
    assert.match(found[0]!.kind, /^(standalone|primary|secondary|mongos)$/);
    if (!mongo.real) assert.equal(found[0]!.kind, 'standalone');
    // nothing of the sort without -v
    const quiet = await runDbx(['--url', urlWith(), 'doc', 'db.people.find()']);
    assert.doesNotMatch(quiet.stderr, /answered by/);
  });

  test('readPreference in the URL reaches the driver; a secondary answers where there is one', async () => {
    const r = await runDbx(['-v', '--url', urlWith({ readPreference: 'secondaryPreferred' }), 'doc', 'db.people.findOne()']);
    assert.equal(r.code, 0, r.stderr);
    const topology = topologyOf(r);
    assert.equal(topology.readPreference, 'secondaryPreferred');
    const [answer] = answers(r, 'find');
    assert.ok(answer, r.stderr);
    const hasSecondary = [...topology.members.values()].includes('secondary');
    if (hasSecondary) assert.equal(answer.kind, 'secondary');
    else assert.equal(topology.members.get(answer.address), answer.kind);
  });

  test('a profile\'s driver options (the map form) reach the driver too', async () => {
    const config = join(dir, 'dbx.yaml');
    await writeFile(config, `profiles:\n  rs:\n    doc: { url: "${urlWith()}", readPreference: nearest }\n`);
    const r = await runDbx(['--config', config, '-v', 'doc', 'db.people.countDocuments()']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(topologyOf(r).readPreference, 'nearest');
    assert.equal(answers(r, 'aggregate').length, 1, r.stderr);
  });

  test('directConnection=true to one seed: a Single topology, that server answers', async () => {
    const url = urlWith({ directConnection: 'true' });
    if (hostsOf(url).length !== 1 || url.startsWith('mongodb+srv')) return; // directConnection takes one host
    const r = await runDbx(['-v', '--url', url, 'doc', 'db.people.find()']);
    assert.equal(r.code, 0, r.stderr);
    const topology = topologyOf(r);
    assert.equal(topology.type, 'Single');
    assert.deepEqual(answers(r, 'find').map((a) => a.address), [...topology.members.keys()]);
  });

  test('replicaSet=NAME that no seed belongs to: exit 3 at once, saying what the server is', async () => {
    const started = performance.now();
    const r = await runDbx(['--connect-timeout', '20000', '--url', urlWith({ replicaSet: 'dbx_no_such_set' }), 'doc', 'db.people.find()']);
    const seconds = (performance.now() - started) / 1000;
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /REPLICA_SET_MISMATCH: cannot connect: \S+ is (a standalone server|a mongos|a member of replica set \S+), not (a member of replica set )?dbx_no_such_set/);
    assert.ok(seconds < 15, `took ${seconds.toFixed(1)} s: it waited for the timeout`); // generous: the limit is 20 s
  });
});
