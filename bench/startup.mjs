// Start-up time of the built CLI: `dbx --help`, `dbx kv ping` (a private redis-server) and a `dbx kv ping` that
// fails to connect (the error path, coloured with FORCE_COLOR=1), each as a fresh node process, interleaved
// between builds, medians of wall time and of CPU time (user + system; /usr/bin/time). Pass other checkouts (built with `npm run build`) to compare them with this one:
//   node bench/startup.mjs [--runs N] [DIR ...]        e.g. git worktree add /tmp/before HEAD~1 && (cd /tmp/before &&
//                                                      ln -s "$OLDPWD/node_modules" && node scripts/bundle.mjs)
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { median, startPrivateRedis } from './bench-support.mjs';

const argv = process.argv.slice(2);
const runsAt = argv.indexOf('--runs');
const RUNS = runsAt >= 0 ? Number(argv.splice(runsAt, 2)[1]) : 21;
const builds = [resolve(new URL('..', import.meta.url).pathname), ...argv.map((d) => resolve(d))];

const server = await startPrivateRedis();
const env = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', XDG_CONFIG_HOME: '/nonexistent' };
const cases = {
  'dbx --help': { args: ['--help'], env },
  'dbx kv ping': { args: ['kv', 'ping'], env: { ...env, DBX_KV_URL: `${server.url}/0` }, code: 0 },
  'dbx kv ping, refused, FORCE_COLOR=1': { args: ['kv', 'ping'], env: { ...env, DBX_KV_URL: 'redis://127.0.0.1:1/0', FORCE_COLOR: '1' }, code: 3 },
};

/** wall time, and CPU time (user + system, by /usr/bin/time: steadier than wall time on a busy machine) */
function once(dir, c) {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'cpu %U %S', `${dir}/bin/dbx`, ...c.args], { env: c.env, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== (c.code ?? 0)) throw new Error(`${dir}: dbx ${c.args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const [, user, sys] = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  return { ms, cpu: (Number(user) + Number(sys)) * 1000 };
}

try {
  for (const [name, c] of Object.entries(cases)) {
    const times = builds.map(() => []);
    for (let run = 0; run < RUNS; run++) builds.forEach((dir, i) => times[i].push(once(dir, c)));
    const wall = times.map((xs) => median(xs.map((x) => x.ms)));
    const cpu = times.map((xs) => median(xs.map((x) => x.cpu)));
    builds.forEach((dir, i) => {
      const vs = i === 0 ? '' : `  (this checkout / it: wall ${(wall[0] / wall[i]).toFixed(2)}, cpu ${(cpu[0] / cpu[i]).toFixed(2)})`;
      console.log(`${name.padEnd(36)} ${dir.padEnd(16)} median wall ${wall[i].toFixed(0)} ms, cpu ${cpu[i].toFixed(0)} ms${vs}`);
    });
  }
} finally {
  await server.stop();
}
