/**
 * What dbx asks the server for its own purposes (learner hints, the shell's completion) goes over a connection of
 * its own, opened only when first needed and closed with the engine: on the user's connection, any statement
 * resets the diagnostics area (SHOW ERRORS, GET DIAGNOSTICS), FOUND_ROWS(), ROW_COUNT(), and could touch
 * LAST_INSERT_ID(), user variables or an open transaction.
 */
import type { Connection } from 'mysql2';

export class SideConnection {
  private conn?: Promise<Connection>;
  /** the database the side connection is in, to follow the user's `use` */
  private schema?: string;

  constructor(private readonly open: () => Promise<Connection>) {}

  private run(conn: Connection, sql: string, values?: unknown[]): Promise<unknown> {
    return new Promise((resolve, reject) => conn.query(sql, values, (err, res) => (err ? reject(err) : resolve(res))));
  }

  /** Runs a query of dbx's own in `schema` (the user's current database). Rejects when it cannot: callers treat that as "no answer". */
  async query(sql: string, values: unknown[], schema: string | undefined): Promise<unknown> {
    if (!this.conn) {
      this.conn = this.open();
      this.conn.catch(() => (this.conn = undefined)); // the next question tries again
    }
    const conn = await this.conn;
    if (schema !== undefined && schema !== this.schema) {
      await this.run(conn, `USE \`${schema.replace(/`/g, '``')}\``);
      this.schema = schema;
    }
    return this.run(conn, sql, values);
  }

  /** The connection is gone (the engine destroyed every socket): the next question opens a new one. */
  forget(): void {
    this.conn = undefined;
    this.schema = undefined;
  }

  async close(): Promise<void> {
    const pending = this.conn;
    this.conn = undefined;
    const conn = await pending?.catch(() => undefined);
    if (!conn) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => (conn.destroy(), resolve()), 1000);
      conn.end(() => (clearTimeout(timer), resolve()));
    });
  }
}
