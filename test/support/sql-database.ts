/**
 * A database of a test file's own on the suite's MariaDB: created with a unique name, reached through an admin
 * connection (mysql2) and a URL for dbx, dropped with everything named after it when the file is done.
 */
import mysql from 'mysql2/promise';
import { testSqlUrl, uniqueName } from './servers.js';

export interface TestDatabase {
  name: string;
  /** mysql://… with the database as its path, for `dbx --url` */
  url: string;
  /** the server's URL without a database */
  baseUrl: string;
  admin: mysql.Connection;
  /** a URL for another database of the same server */
  urlOf(database: string): string;
  /** drops the database and those named `<name>_…` listed, then closes the admin connection */
  drop(...alsoDrop: string[]): Promise<void>;
}

export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const baseUrl = await testSqlUrl();
  const u = new URL(baseUrl);
  const admin = await mysql.createConnection({ host: u.hostname, port: Number(u.port || 3306), user: u.username, password: decodeURIComponent(u.password) });
  const name = uniqueName(prefix);
  await admin.query(`CREATE DATABASE \`${name}\``);
  const urlOf = (database: string) => {
    const v = new URL(baseUrl);
    v.pathname = `/${database}`;
    return v.toString();
  };
  return {
    name,
    url: urlOf(name),
    baseUrl,
    admin,
    urlOf,
    async drop(...alsoDrop) {
      for (const db of [name, ...alsoDrop]) await admin.query(`DROP DATABASE IF EXISTS \`${db}\``);
      await admin.end();
    },
  };
}
