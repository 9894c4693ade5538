/**
 * Where the real test servers are. Overridable with environment variables; by default the local MariaDB
 * (root with an empty password, as on CI machines, or the note's qwe123 as after `npm run up` on a fresh machine)
 * and Redis.
 */
import mysql from 'mysql2/promise';

let sqlUrlCache: Promise<string> | undefined;

async function canLogin(password: string): Promise<boolean> {
  try {
    const conn = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', password, connectTimeout: 3000 });
    await conn.end();
    return true;
  } catch {
    return false;
  }
}

/** mysql://… for the test database; DBX_TEST_SQL_URL wins. */
export function testSqlUrl(): Promise<string> {
  sqlUrlCache ??= (async () => {
    if (process.env.DBX_TEST_SQL_URL) return process.env.DBX_TEST_SQL_URL;
    if (await canLogin('')) return 'mysql://root:@127.0.0.1:3306/test';
    return 'mysql://root:qwe123@127.0.0.1:3306/test';
  })();
  return sqlUrlCache;
}

/** redis://… ; DBX_TEST_KV_URL wins. Tests pick their own database number or key prefix. */
export function testKvUrl(db = 0): string {
  return process.env.DBX_TEST_KV_URL ?? `redis://127.0.0.1:6379/${db}`;
}

/** A name unique to this test process, for tables/keys/databases that tests create and drop. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}
