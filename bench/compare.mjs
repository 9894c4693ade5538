// Every row of issue 12's table on the machine it runs on: dbx against the engine's native client and against a
// bare driver script (bench/bare/), each pair run interleaved (A B A B …, so load changes hit both sides alike),
// medians of wall time, peak RSS by GNU time, and the ratios next to the targets. Run through bench/compare.sh
// (`npm run bench`), which installs GNU time, builds, and unsets NODE_EXTRA_CA_CERTS.
//   node bench/compare.mjs [--runs N] [--long-runs N] [--only startup,sql,fanout,doc,kv,rss]
// Data: a uniquely named database on the MariaDB of DBX_BENCH_SQL_URL (default mysql://root@127.0.0.1:3306/, dropped
// at the end), a private redis-server, and a private MongoDB test server (or DBX_BENCH_DOC_URL's server, in a
// uniquely named database, dropped at the end).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, median, startPrivateRedis } from './bench-support.mjs';

const root = new URL('..', import.meta.url).pathname;
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : dflt;
};
const RUNS = Number(opt('--runs', 11));
const LONG_RUNS = Number(opt('--long-runs', 5));
const ONLY = new Set(opt('--only', 'startup,sql,fanout,doc,kv,rss').split(','));
const ROWS = 1_000_000;
const INSERTS = 20_000;
const SETS = 100_000;

const tmp = mkdtempSync(join(tmpdir(), 'dbx-bench-'));
const unique = `dbx_bench_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
const env = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', XDG_CONFIG_HOME: join(tmp, 'no-config') };
if (process.env.MYSQL_PWD !== undefined) env.MYSQL_PWD = process.env.MYSQL_PWD;
const node = process.execPath;
// bin/dbx itself, as a user runs it: the shell script that starts Node from the build's start-up snapshot
const dbx = (...args) => [join(root, 'bin/dbx'), ...args];
const have = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;

/** one run: wall time (ms), peak RSS (MB), CPU (ms); stdout to /dev/null, stdin from a file if given */
function once(side) {
  const stdin = side.stdin ? openSync(side.stdin, 'r') : 'ignore';
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '@@ %M %U %S', ...side.cmd], {
    env: side.env ?? env,
    stdio: [stdin, 'ignore', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const ms = performance.now() - t0;
  if (typeof stdin === 'number') closeSync(stdin);
  const m = /@@ (\d+) ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`${side.label} failed (exit ${r.status}): ${r.stderr.slice(-2000)}`);
  return { ms, rss: Number(m[1]) / 1024, cpu: (Number(m[2]) + Number(m[3])) * 1000 };
}

const results = [];
const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

/**
 * A row of the table: the sides run interleaved `runs` times (each side's setup before each of its runs, untimed);
 * ratios of the first side (dbx) against each other one, checked against `targets` ({ label: maxRatio }).
 */
function row(name, sides, { runs = RUNS, targets = {}, rssMax } = {}) {
  const xs = sides.map(() => []);
  for (let run = 0; run < runs; run++) {
    sides.forEach((side, i) => {
      side.setup?.();
      xs[i].push(once(side));
    });
  }
  const med = xs.map((runsOf) => ({ ms: median(runsOf.map((x) => x.ms)), rss: median(runsOf.map((x) => x.rss)), cpu: median(runsOf.map((x) => x.cpu)) }));
  console.log(`\n${name}  (${runs} interleaved runs, medians)`);
  sides.forEach((side, i) => console.log(`  ${side.label.padEnd(44)} ${fmtMs(med[i].ms).padStart(9)}  cpu ${fmtMs(med[i].cpu).padStart(9)}  peak RSS ${med[i].rss.toFixed(1).padStart(6)} MB`));
  const checks = [];
  sides.slice(1).forEach((side, j) => {
    const ratio = med[0].ms / med[j + 1].ms;
    const target = targets[side.label];
    const verdict = target === undefined ? '' : ratio <= target ? `  target ≤ ${target}×: met` : `  target ≤ ${target}×: NOT met`;
    console.log(`  ratio dbx / ${side.label}: ${ratio.toFixed(2)}×${verdict}`);
    checks.push({ anchor: side.label, ratio, target });
  });
  if (rssMax !== undefined) console.log(`  dbx peak RSS ${med[0].rss.toFixed(1)} MB, target < ${rssMax} MB: ${med[0].rss < rssMax ? 'met' : 'NOT met'}`);
  results.push({ name, med, sides: sides.map((s) => s.label), checks, rss: rssMax === undefined ? undefined : { value: med[0].rss, max: rssMax } });
}

const cleanups = [];
async function cleanup() {
  for (const f of cleanups.reverse()) await Promise.resolve(f()).catch((e) => console.error(`cleanup: ${e.message}`));
  rmSync(tmp, { recursive: true, force: true });
}
process.on('SIGINT', () => cleanup().then(() => process.exit(130)));

try {
  if (ONLY.has('startup')) {
    row('dbx --help vs node -e 0', [
      { label: 'dbx --help', cmd: dbx('--help') },
      { label: 'node -e 0', cmd: [node, '-e', '0'] },
    ], { targets: { 'node -e 0': 1.5 } });
  }

  // ---- sql: a database of our own on the MariaDB server
  if (ONLY.has('sql') || ONLY.has('rss') || ONLY.has('fanout')) {
    const u = new URL(process.env.DBX_BENCH_SQL_URL ?? 'mysql://root@127.0.0.1:3306/');
    const myArgs = ['-h', u.hostname || '127.0.0.1', '-P', u.port || '3306', '-u', decodeURIComponent(u.username || 'root')];
    const sqlEnv = { ...env };
    if (u.password) sqlEnv.MYSQL_PWD = decodeURIComponent(u.password);
    const mariadb = (...args) => {
      const r = spawnSync('mariadb', [...myArgs, ...args], { env: sqlEnv, encoding: 'utf8', maxBuffer: 1 << 30 });
      if (r.status !== 0) throw new Error(`mariadb ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    mariadb('-e', `create database ${unique}`);
    cleanups.push(() => mariadb('-e', `drop database if exists ${unique}`));
    const base = `mysql://${u.username || 'root'}${u.password ? `:${u.password}` : ''}@${u.hostname || '127.0.0.1'}:${u.port || 3306}`;
    const url = `${base}/${unique}`;
    console.log(`sql: database ${unique} on ${u.hostname || '127.0.0.1'}:${u.port || 3306}`);
    if (ONLY.has('sql') || ONLY.has('rss')) {
      console.log(`sql: filling ${ROWS.toLocaleString('en')} rows…`);
      mariadb(unique, '-e', `create table big(id int primary key, name varchar(40), amount decimal(10,2), created datetime, ratio double);
        insert into big select seq, concat('name-', seq), seq / 100, '2018-08-15 20:53:20' + interval seq second, seq / 7 from seq_1_to_${ROWS}`);
    }
    if (ONLY.has('sql')) {
      row('dbx sql "select 1" vs a bare mysql2 script / mariadb -e', [
        { label: 'dbx sql "select 1"', cmd: dbx('--url', url, 'sql', 'select 1'), env: sqlEnv },
        { label: 'bare mysql2 connect + select 1', cmd: [node, join(root, 'bench/bare/sql-select1.mjs'), url], env: sqlEnv },
        { label: 'mariadb -e "select 1"', cmd: ['mariadb', ...myArgs, unique, '-e', 'select 1'], env: sqlEnv },
      ], { targets: { 'bare mysql2 connect + select 1': 0.9 } });

      row(`${ROWS.toLocaleString('en')}-row select * to /dev/null, --format tsv vs mariadb -B --quick`, [
        { label: 'dbx --format tsv sql "select * from big"', cmd: dbx('--url', url, '--format', 'tsv', 'sql', 'select * from big'), env: sqlEnv },
        { label: 'mariadb -B --quick', cmd: ['mariadb', ...myArgs, '-B', '--quick', unique, '-e', 'select * from big'], env: sqlEnv },
      ], { runs: LONG_RUNS, targets: { 'mariadb -B --quick': 1.3 }, rssMax: 120 });

      const file = join(tmp, 'inserts.sql');
      let text = 'start transaction;\n';
      for (let i = 1; i <= INSERTS; i++) text += `insert into ins values (${i}, 'name-${i}', ${i / 100});\n`;
      writeFileSync(file, `${text}commit;\n`);
      const fresh = () => mariadb(unique, '-e', 'drop table if exists ins; create table ins(id int primary key, name varchar(40), amount decimal(10,2))');
      row(`${INSERTS.toLocaleString('en')} single-row INSERTs in one transaction from a file`, [
        { label: 'dbx sql -q -f FILE', cmd: dbx('--url', url, '-q', 'sql', '-f', file), env: sqlEnv, setup: fresh },
        { label: 'mariadb < FILE', cmd: ['mariadb', ...myArgs, unique], stdin: file, env: sqlEnv, setup: fresh },
        // the server's own time for the script: the floor under any client
        { label: 'bare mysql2, 2,000-statement queries', cmd: [node, join(root, 'bench/bare/sql-insert-batches.mjs'), url, file], env: sqlEnv, setup: fresh },
      ], { runs: LONG_RUNS, targets: { 'mariadb < FILE': 0.25 } });
      const count = mariadb(unique, '-N', '-e', 'select count(*) from ins').trim();
      if (count !== String(INSERTS)) throw new Error(`the INSERT script left ${count} rows, not ${INSERTS}`);
    }
    if (ONLY.has('fanout')) {
      // issue 13: one statement that only waits, on ten profiles of the same server at once, against one profile
      const config = join(tmp, 'fan-out.yaml');
      let yaml = 'profiles:\n';
      for (let i = 1; i <= 10; i++) yaml += `  p${String(i).padStart(2, '0')}:\n    sql: "${url}"\n`;
      writeFileSync(config, yaml, { mode: 0o600 });
      row('fan-out: select sleep(0.5) on 10 profiles vs on one', [
        { label: "dbx -p 'p*' sql 'select sleep(0.5)'", cmd: dbx('--config', config, '-q', '-p', 'p*', 'sql', 'select sleep(0.5)'), env: sqlEnv },
        { label: 'dbx -p p01 (one profile)', cmd: dbx('--config', config, '-q', '-p', 'p01', 'sql', 'select sleep(0.5)'), env: sqlEnv },
      ], { runs: LONG_RUNS, targets: { 'dbx -p p01 (one profile)': 1.5 } });
      // the contract's --parallel default is 8: ten profiles run in two waves (two sleeps); all ten at once
      row('fan-out: the same with --parallel 10', [
        { label: "dbx --parallel 10 -p 'p*' sql …", cmd: dbx('--config', config, '-q', '--parallel', '10', '-p', 'p*', 'sql', 'select sleep(0.5)'), env: sqlEnv },
        { label: 'dbx -p p01 (one profile)', cmd: dbx('--config', config, '-q', '-p', 'p01', 'sql', 'select sleep(0.5)'), env: sqlEnv },
      ], { runs: LONG_RUNS, targets: { 'dbx -p p01 (one profile)': 1.5 } });
    }
    if (ONLY.has('rss')) {
      for (const format of ['table', 'vertical', 'csv', 'tsv', 'json', 'ndjson', 'raw']) {
        row(`peak RSS: ${ROWS.toLocaleString('en')} rows, --format ${format}`, [
          { label: `dbx --format ${format} sql "select * from big"`, cmd: dbx('--url', url, '--format', format, 'sql', 'select * from big'), env: sqlEnv },
        ], { runs: 1, rssMax: 120 });
      }
    }
  }

  // ---- kv: a redis-server of our own
  if (ONLY.has('kv') || ONLY.has('rss')) {
    const redis = await startPrivateRedis();
    cleanups.push(() => redis.stop());
    const cli = (...args) => ['redis-cli', '-h', '127.0.0.1', '-p', String(redis.port), ...args];
    const run = (args, stdin) => {
      const r = spawnSync(args[0], args.slice(1), { input: stdin, encoding: 'utf8', maxBuffer: 1 << 30 });
      if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    run(cli('set', 'k', 'value'));
    let items = '';
    for (let i = 0; i < ROWS; i += 1000) {
      items += `RPUSH big${Array.from({ length: 1000 }, (_, j) => ` item-${i + j}`).join('')}\n`;
    }
    run(cli('--pipe'), items);
    if (ONLY.has('kv')) {
      row('dbx kv get k vs a bare ioredis script / redis-cli get', [
        { label: 'dbx kv get k', cmd: dbx('--url', `${redis.url}/0`, 'kv', 'get', 'k') },
        { label: 'bare ioredis connect + GET', cmd: [node, join(root, 'bench/bare/kv-get.mjs'), String(redis.port), 'k'] },
        { label: 'redis-cli get k', cmd: cli('get', 'k') },
      ], { targets: { 'bare ioredis connect + GET': 0.6 } });

      const file = join(tmp, 'sets.txt');
      let text = '';
      for (let i = 0; i < SETS; i++) text += `SET bench:key:${i} value-${i}\n`;
      writeFileSync(file, text);
      const flush = () => run(cli('-n', '2', 'flushdb'));
      row(`${SETS.toLocaleString('en')} SETs from a file`, [
        { label: 'dbx kv -q -f FILE', cmd: dbx('--url', `${redis.url}/2`, '-q', 'kv', '-f', file), setup: flush },
        { label: 'redis-cli --pipe < FILE', cmd: cli('-n', '2', '--pipe'), stdin: file, setup: flush },
      ], { runs: RUNS, targets: { 'redis-cli --pipe < FILE': 1.5 } });
      const size = run(cli('-n', '2', 'dbsize')).trim();
      if (size !== String(SETS)) throw new Error(`the SET script left ${size} keys, not ${SETS}`);

      row(`LRANGE of ${ROWS.toLocaleString('en')} items, --format ndjson vs redis-cli lrange`, [
        { label: 'dbx --format ndjson kv lrange big 0 -1', cmd: dbx('--url', `${redis.url}/0`, '-q', '--format', 'ndjson', 'kv', 'lrange', 'big', '0', '-1') },
        { label: 'redis-cli lrange big 0 -1', cmd: cli('lrange', 'big', '0', '-1') },
      ], { runs: LONG_RUNS, targets: { 'redis-cli lrange big 0 -1': 1.5 }, rssMax: 100 });
    }
    if (ONLY.has('rss')) {
      for (const format of ['table', 'vertical', 'csv', 'tsv', 'json', 'ndjson', 'raw']) {
        row(`peak RSS: LRANGE of ${ROWS.toLocaleString('en')} items, --format ${format}`, [
          { label: `dbx --format ${format} kv lrange big 0 -1`, cmd: dbx('--url', `${redis.url}/0`, '-q', '--format', format, 'kv', 'lrange', 'big', '0', '-1') },
        ], { runs: 1, rssMax: 120 });
      }
    }
  }

  // ---- doc: a MongoDB test server of our own (or DBX_BENCH_DOC_URL's server)
  if (ONLY.has('doc')) {
    let base = process.env.DBX_BENCH_DOC_URL?.replace(/\/[^/]*$/, '');
    if (!base) {
      const port = await freePort();
      const server = spawn(node, [join(root, 'build/mongo-test-server.mjs'), '--port', String(port)], { stdio: 'ignore' });
      cleanups.push(() => server.kill());
      for (let i = 0; i < 100; i++) {
        const up = await new Promise((r) => net.connect({ host: '127.0.0.1', port }).once('connect', function () { this.destroy(); r(true); }).once('error', () => r(false)));
        if (up) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      base = `mongodb://127.0.0.1:${port}`;
    }
    const url = `${base}/${unique}`;
    const { MongoClient } = await import('mongodb');
    const client = new MongoClient(url);
    await client.connect();
    await client.db().collection('x').insertOne({ name: 'one', n: 1, at: new Date(0) });
    cleanups.push(async () => {
      await client.db().dropDatabase();
      await client.close();
    });
    const sides = [
      { label: 'dbx doc "db.x.findOne()"', cmd: dbx('--url', url, 'doc', 'db.x.findOne()') },
      { label: 'bare mongodb connect + findOne', cmd: [node, join(root, 'bench/bare/doc-findone.mjs'), url] },
    ];
    const targets = { 'bare mongodb connect + findOne': 1.0 };
    if (have('mongosh')) {
      sides.push({ label: 'mongosh --nodb --eval 1', cmd: ['mongosh', '--nodb', '--eval', '1'] });
      targets['mongosh --nodb --eval 1'] = 0.25;
    }
    row('dbx doc "db.x.findOne()" vs a bare mongodb script' + (have('mongosh') ? ' / mongosh' : ' (mongosh not installed here)'), sides, { targets });
  }
} finally {
  await cleanup();
}

console.log('\nsummary (ratio = dbx wall / anchor wall, medians)');
let missed = 0;
for (const r of results) {
  for (const c of r.checks) {
    if (c.target === undefined) continue;
    const ok = c.ratio <= c.target;
    missed += ok ? 0 : 1;
    console.log(`  ${ok ? 'met    ' : 'NOT met'}  ${c.ratio.toFixed(2)}× (≤ ${c.target}×)  ${r.name}: vs ${c.anchor}`);
  }
  if (r.rss) {
    const ok = r.rss.value < r.rss.max;
    missed += ok ? 0 : 1;
    console.log(`  ${ok ? 'met    ' : 'NOT met'}  ${r.rss.value.toFixed(1)} MB (< ${r.rss.max} MB)  ${r.name}`);
  }
}
const load = (await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ');
console.log(`\n${new Date().toISOString()}, node ${process.version}, load average now ${load}; ${missed} target(s) not met`);
