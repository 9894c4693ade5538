/**
 * Habits a new user brings (redis-cli's options, dbx's options typed after the command, an unquoted `keys *`):
 * each gets the dbx spelling in its message, and nothing unintended reaches the server unannounced.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dbxIn, dbxKv, load, redisCli, startConformanceServer, type Servers } from './harness.js';

let s: Servers;
let url: string;
beforeAll(async () => {
  s = await startConformanceServer();
  url = `redis://127.0.0.1:${s.server.port}/0`;
  await load(s.server, [['FLUSHALL']]);
});
afterAll(async () => {
  await s?.stop();
});

const connections = async (): Promise<number> =>
  Number(/total_connections_received:(\d+)/.exec((await redisCli(s.server, ['info', 'stats'])).stdout.toString())![1]);

describe("redis-cli's options get the dbx spelling (exit 2, nothing sent)", () => {
  const cases: [string[], string][] = [
    [['kv', '-n', '13', 'get', 'x'], '-n 13 → --url redis://127.0.0.1:6379/13'],
    [['-n', '13', 'kv', 'get', 'x'], '-n 13 → --url redis://127.0.0.1:6379/13'],
    [['kv', '-h', '10.0.0.9', '-p', '7000', '-n', '2', 'get', 'x'], '-h 10.0.0.9 -p 7000 -n 2 → --url redis://10.0.0.9:7000/2'],
    [['kv', '--raw', 'get', 'x'], '--raw → --format raw'],
    [['kv', '-3', 'get', 'x'], "-3 → --url 'redis://127.0.0.1:6379/0?protocol=3'"],
    [['kv', '-2', 'get', 'x'], "-2 → --url 'redis://127.0.0.1:6379/0?protocol=2'"],
    [['kv', '-c', 'get', 'x'], '-c → a profile\'s kv: { cluster: [ "redis://HOST:PORT" ] }'],
    [['kv', '--tls', '-h', 'h.example', 'ping'], '--tls -h h.example → --url rediss://h.example:6379/0'],
  ];
  test.each(cases)('dbx %j', async (args, spelling) => {
    const before = await connections();
    const r = await dbxIn(['--url', url, ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(spelling);
    expect(r.stderr).toContain("dbx's -p names a profile");
    expect(await connections()).toBe(before + 1); // only this check's own redis-cli
  });

  test('a password given with -a is never repeated', async () => {
    const r = await dbxIn(['kv', '-a', 's3cret-pw', '-h', '10.0.0.9', 'get', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--url redis://:<password>@10.0.0.9:6379/0');
    expect(r.stderr).not.toContain('s3cret-pw');
  });

  test('-p stays dbx\'s profile: a port number there gets the URL that means it', async () => {
    const r = await dbxIn(['kv', '-p', '6380', 'get', 'x'], { env: { XDG_CONFIG_HOME: '/nonexistent' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('UNKNOWN_PROFILE');
    expect(r.stderr).toContain('-p 6380 → --url redis://127.0.0.1:6380/0');
  });

  test('-h alone is still the help', async () => {
    const r = await dbxIn(['kv', '-h']);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toContain('Usage: dbx kv');
  });

  test('under --json the message is one JSON line', async () => {
    const r = await dbxIn(['--json', 'kv', '-n', '1', 'get', 'x']);
    expect(JSON.parse(r.stderr).error.hint).toContain('-n 1 → --url redis://127.0.0.1:6379/1');
  });
});

describe("dbx's options after the command are sent verbatim, and the output says so", () => {
  test('the server rejects the command: the error says which words were dbx\'s', async () => {
    const r = await dbxKv(s, ['get', 'nope', '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("hint: `--json` was sent to Redis as an argument: put dbx's options before the command: dbx --json kv get nope; usage: GET key");
  });

  test('several options, with values', async () => {
    const r = await dbxKv(s, ['set', 'k', 'v', '--format', 'raw', '-q']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('`--format raw -q` were sent to Redis as arguments: put dbx\'s options before the command: dbx --format raw -q kv set k v');
  });

  test('the command ran with them: a warning, and the data holds the word', async () => {
    const r = await dbxKv(s, ['rpush', 'opts', 'a', '--json']);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe('(integer) 2\n');
    expect(r.stderr).toContain('warning: `--json` was sent to Redis as an argument (the command ran with it)');
    expect((await redisCli(s.server, ['lrange', 'opts', '0', '-1'])).stdout.toString()).toBe('a\n--json\n');
  });

  test('words that only look like options are no dbx options: lrem l1 -1 4 says nothing', async () => {
    const r = await dbxKv(s, ['lrem', 'l1', '-1', '4']);
    expect(r.stderr).toBe('');
  });
});

describe('a KEYS / SCAN pattern the shell expanded', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dbx-glob-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('several file names where one pattern goes: the error says to quote it', async () => {
    writeFileSync(join(dir, 'a.txt'), '');
    writeFileSync(join(dir, 'b.txt'), '');
    const keys = await dbxKv(s, ['keys', 'a.txt', 'b.txt'], { cwd: dir });
    expect(keys.code).toBe(1);
    expect(keys.stderr).toContain("the shell expanded the pattern into the names of files here (a.txt b.txt): quote the pattern: dbx kv keys '*'");
    const scan = await dbxKv(s, ['scan', '0', 'match', 'a.txt', 'b.txt'], { cwd: dir });
    expect(scan.stderr).toContain("quote the pattern: dbx kv scan 0 match '*'");
  });

  test('one file name: it ran, and a warning says what probably happened', async () => {
    const r = await dbxKv(s, ['keys', 'a.txt'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("warning: 'a.txt' is the name of a file here: if you typed an unquoted * or ?, the shell expanded it");
    const quoted = await dbxKv(s, ['keys', '*'], { cwd: dir });
    expect(quoted.stderr).toBe('');
  });
});
