// The anchor of `dbx kv get k` in bench/compare.mjs: a bare Node script, ioredis connect + GET + quit.
//   node bench/bare/kv-get.mjs PORT KEY
import { Redis } from 'ioredis';

const redis = new Redis({ host: '127.0.0.1', port: Number(process.argv[2]) });
process.stdout.write(`${await redis.get(process.argv[3])}\n`);
await redis.quit();
