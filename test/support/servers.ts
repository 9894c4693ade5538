/**
 * Where the test servers are: the private MariaDB and Redis that the jest global setup started (global-setup.ts),
 * or the servers DBX_TEST_SQL_URL / DBX_TEST_KV_URL name.
 */

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the tests through jest (npm test / npx jest), whose global setup starts the servers`);
  return v;
}

/** mysql://… for the test database. */
export async function testSqlUrl(): Promise<string> {
  return required('DBX_TEST_SQL_URL');
}

/** redis://host:port/DB — the test server with the database number a test picks. */
/**
 * Redis databases of the suite's test server: 11–14 each belong to one test file, which empties it and lists its
 * keys (kv.test 11, redis-engine 12, qa-kv-doc 13, golden 14); every other test uses SHARED_KV_DB or 0, and only
 * keys of names of its own (uniqueName), which it removes.
 */
export const SHARED_KV_DB = 15;

export function testKvUrl(db = 0): string {
  const base = required('DBX_TEST_KV_URL').replace(/\/\d*$/, '');
  return `${base}/${db}`;
}

/** host:port of the Redis test server, for assertions on messages */
export function testKvAddress(): string {
  return new URL(required('DBX_TEST_KV_URL')).host;
}

/** A name unique to this test process, for tables/keys/databases that tests create and drop. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}
