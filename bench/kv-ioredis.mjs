// What ioredis would cost `dbx kv` (docs/decisions.md), against the engine's own RESP client (src/engines/redis/resp-*.ts),
// on a private redis-server this script starts. Interleaved runs (ioredis, then dbx, alternately), medians.
//   sets     100,000 SETs pipelined in batches of 1000: ioredis pipeline().call().exec() vs the engine's executeBatch
//   lrange   LRANGE of a 1,000,000-item list: ioredis lrangeBuffer (one reply, held whole) vs the engine's execute,
//            which reads it in ranges of 10,000 (what `dbx kv lrange big 0 -1` does), all rows consumed
//   import   a node process that imports the client and exits: `ioredis` vs build/redis-engine.mjs vs nothing
// The in-process figures exclude node start-up and output, so they compare the clients alone.
// Needs `npm run build:support` (bundles the engine to build/redis-engine.mjs).
//   node bench/kv-ioredis.mjs [sets|lrange|import ...] [--runs N]
import { spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { createEngine } from '../build/redis-engine.mjs';
import { median, startPrivateRedis } from './bench-support.mjs';

const argv = process.argv.slice(2);
const runsAt = argv.indexOf('--runs');
const RUNS = runsAt >= 0 ? Number(argv.splice(runsAt, 2)[1]) : 7;
const parts = argv.length ? argv : ['sets', 'lrange', 'import'];
if (process.env.NODE_EXTRA_CA_CERTS) console.log('note: NODE_EXTRA_CA_CERTS is set; unset it for start-up figures');

const server = await startPrivateRedis();
const engine = () =>
  createEngine({
    profile: 'bench', endpoint: `${server.url}/0`, connectTimeoutMs: 5000, readonly: false, verbose: () => {}, warn: () => {},
  });
const ioredis = async () => {
  const r = new Redis({ port: server.port, lazyConnect: true, maxRetriesPerRequest: 0 });
  await r.connect();
  return r;
};

async function interleave(name, a, b) {
  const xs = [];
  const ys = [];
  for (let run = 1; run <= RUNS; run++) {
    xs.push(await a.fn());
    ys.push(await b.fn());
    console.log(`  ${name} run ${run}: ${a.label} ${xs.at(-1).toFixed(0)} ms, ${b.label} ${ys.at(-1).toFixed(0)} ms`);
  }
  const [mx, my] = [median(xs), median(ys)];
  console.log(`${name}: median ${a.label} ${mx.toFixed(0)} ms, ${b.label} ${my.toFixed(0)} ms, ratio ${(mx / my).toFixed(2)} (${RUNS} runs each)\n`);
}

async function sets() {
  const N = 100_000;
  const BATCH = 1000;
  const lines = Array.from({ length: N }, (_, i) => `SET bench:key:${i} value-${i}`);
  await interleave('sets (100,000 pipelined)', {
    label: 'ioredis',
    fn: async () => {
      const r = await ioredis();
      const t0 = performance.now();
      for (let i = 0; i < N; i += BATCH) {
        const p = r.pipeline();
        for (const line of lines.slice(i, i + BATCH)) p.call(...line.split(' '));
        await p.exec();
      }
      const ms = performance.now() - t0;
      r.disconnect();
      return ms;
    },
  }, {
    label: 'dbx engine',
    fn: async () => {
      const e = engine();
      await e.connect();
      const t0 = performance.now();
      const stmts = e.split(lines.join('\n'));
      for await (const outcomes of e.executeBatch(stmts)) for (const o of outcomes) if (o.error) throw o.error;
      const ms = performance.now() - t0;
      await e.close();
      return ms;
    },
  });
}

async function lrange() {
  const N = 1_000_000;
  const r = await ioredis();
  await r.del('big');
  for (let i = 0; i < N; i += 10_000) await r.rpush('big', ...Array.from({ length: 10_000 }, (_, k) => `item-${i + k}`));
  r.disconnect();
  await interleave('lrange (1,000,000 items)', {
    label: 'ioredis',
    fn: async () => {
      const c = await ioredis();
      const t0 = performance.now();
      const items = await c.lrangeBuffer('big', 0, -1);
      if (items.length !== N) throw new Error(`ioredis got ${items.length} items`);
      const ms = performance.now() - t0;
      c.disconnect();
      return ms;
    },
  }, {
    label: 'dbx engine',
    fn: async () => {
      const e = engine();
      await e.connect();
      const t0 = performance.now();
      const result = await e.execute({ text: 'LRANGE big 0 -1', line: 1, args: ['LRANGE', 'big', '0', '-1'] });
      let n = 0;
      for await (const chunk of result.chunks) n += chunk.length;
      if (n !== N) throw new Error(`dbx got ${n} items`);
      const ms = performance.now() - t0;
      await e.close();
      return ms;
    },
  });
}

function nodeRun(code) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { stdio: 'inherit', env: { ...process.env, NODE_EXTRA_CA_CERTS: '' } });
  if (r.status !== 0) throw new Error(`node -e ${code} failed`);
  return performance.now() - t0;
}

async function imports() {
  const cases = {
    'node, nothing imported': 'process.exit(0)',
    'import ioredis': "await import('ioredis'); process.exit(0)",
    'import build/redis-engine.mjs': "await import('./build/redis-engine.mjs'); process.exit(0)",
  };
  const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (let run = 1; run <= RUNS * 3; run++) for (const [k, code] of Object.entries(cases)) times[k].push(nodeRun(code));
  const base = median(times['node, nothing imported']);
  for (const [k, xs] of Object.entries(times)) {
    const m = median(xs);
    console.log(`import: ${k.padEnd(30)} median ${m.toFixed(1)} ms${m === base ? '' : ` (+${(m - base).toFixed(1)} ms over bare node)`}  (${xs.length} runs)`);
  }
}

try {
  for (const part of parts) await { sets, lrange, import: imports }[part]();
} finally {
  await server.stop();
}
