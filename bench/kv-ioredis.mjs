// Why the kv engine speaks RESP itself: 100,000 SETs pipelined in batches of 1000, through ioredis
// (pipeline().call(...).exec()) and through the dbx engine (executeBatch), in one process, alternating runs,
// medians. Excludes node start-up and output, so it compares the clients alone.
// Needs the local Redis and `npm run build:support`.   node bench/kv-ioredis.mjs [commands] [runs]
import { Redis } from 'ioredis';
import { createEngine } from '../build/redis-engine.mjs';

const N = Number(process.argv[2] ?? 100_000);
const RUNS = Number(process.argv[3] ?? 5);
const BATCH = 1000;
const DB = 15;
const lines = Array.from({ length: N }, (_, i) => `SET bench:key:${i} value-${i}`);

async function viaIoredis() {
  const r = new Redis({ host: '127.0.0.1', port: 6379, db: DB, lazyConnect: true, maxRetriesPerRequest: 0 });
  await r.connect();
  const t0 = performance.now();
  for (let i = 0; i < N; i += BATCH) {
    const p = r.pipeline();
    for (const line of lines.slice(i, i + BATCH)) p.call(...line.split(' '));
    await p.exec();
  }
  const ms = performance.now() - t0;
  r.disconnect();
  return ms;
}

async function viaDbx() {
  const e = createEngine({
    profile: 'bench', endpoint: `redis://127.0.0.1:6379/${DB}`, connectTimeoutMs: 5000, readonly: false,
    verbose: () => {}, warn: () => {},
  });
  await e.connect();
  const t0 = performance.now();
  const stmts = e.split(lines.join('\n'));
  for (let i = 0; i < stmts.length; i += e.batchSize) {
    for await (const o of e.executeBatch(stmts.slice(i, i + e.batchSize))) if (o.error) throw o.error;
  }
  const ms = performance.now() - t0;
  await e.close();
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const io = [];
const dbx = [];
for (let run = 1; run <= RUNS; run++) {
  io.push(await viaIoredis());
  dbx.push(await viaDbx());
  console.log(`run ${run}  ioredis ${io.at(-1).toFixed(0)} ms   dbx engine ${dbx.at(-1).toFixed(0)} ms`);
}
console.log(`median: ioredis ${median(io).toFixed(0)} ms, dbx engine ${median(dbx).toFixed(0)} ms, ratio ${(median(io) / median(dbx)).toFixed(1)}`);
