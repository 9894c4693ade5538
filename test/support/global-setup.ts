/**
 * jest globalSetup: the suite's own MariaDB and Redis, started once on free loopback ports (test/support/
 * private-servers.ts), handed to every test file through DBX_TEST_SQL_URL / DBX_TEST_KV_URL. A developer who sets
 * those variables points the suite at servers of their own instead — the kv tests FLUSHDB databases there.
 */
// .ts, not .js: jest loads its global setup as CommonJS, without the test files' .js → .ts mapping
import { startMariadb, startRedis, type PrivateServer } from './private-servers.ts';

export default async function globalSetup(): Promise<void> {
  const started: PrivateServer[] = [];
  (globalThis as { __dbxTestServers?: PrivateServer[] }).__dbxTestServers = started;
  const jobs: Promise<void>[] = [];
  if (!process.env.DBX_TEST_SQL_URL) {
    jobs.push(startMariadb().then((s) => {
      started.push(s);
      process.env.DBX_TEST_SQL_URL = s.url;
    }));
  }
  if (!process.env.DBX_TEST_KV_URL) {
    jobs.push(startRedis().then((s) => {
      started.push(s);
      process.env.DBX_TEST_KV_URL = s.url;
    }));
  }
  const results = await Promise.allSettled(jobs);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((s) => s.stop()));
    throw failed.reason;
  }
}
