// A MongoDB wire-protocol server over in-memory data, for dbx's tests on machines without mongod.
// Run directly (`npm run mongo-test-server -- --port 27017`) it serves until SIGINT/SIGTERM.
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { MongoWireServer } from './mongo/tcp-server.js';

export interface MongoTestServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts a server with its own empty data on 127.0.0.1; port 0 or omitted picks a free port. `replicaSet`: the
 * primary of a one-member replica set of that name (hello says so, and it has transactions), else a standalone.
 */
export async function startMongoTestServer(opts: { port?: number; replicaSet?: string } = {}): Promise<MongoTestServer> {
  const server = new MongoWireServer({ replicaSet: opts.replicaSet });
  const port = await server.listen(opts.port ?? 0, '127.0.0.1');
  return { url: `mongodb://127.0.0.1:${port}`, port, stop: () => server.close() };
}

/** The test server's URL with `db` as its database, its options kept (`?replicaSet=…` of a DBX_TEST_MONGO_URL). */
export function mongoDatabaseUrl(url: string, db: string): string {
  const m = /^(mongodb(?:\+srv)?:\/\/[^/?#]*)(?:\/[^?#]*)?(\?.*)?$/.exec(url);
  if (!m) throw new Error(`cannot read the MongoDB test URL ${url}`);
  return `${m[1]}/${db}${m[2] ?? ''}`;
}

/**
 * The MongoDB a test should use: DBX_TEST_MONGO_URL when set (a real mongod, left running), otherwise a
 * fresh test server that `stop()` shuts down.
 */
export async function mongoTestUrl(): Promise<{ url: string; stop(): Promise<void>; real: boolean }> {
  const url = process.env.DBX_TEST_MONGO_URL;
  if (url !== undefined && url !== '') return { url, stop: async () => {}, real: true };
  const server = await startMongoTestServer();
  return { url: server.url, stop: server.stop, real: false };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '27017' }, 'replica-set': { type: 'string' } } });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0–65535, got ${values.port}`);
  const server = await startMongoTestServer({ port, replicaSet: values['replica-set'] });
  console.log(`mongo test server listening on ${server.url}`);
  const shutdown = (): void => {
    void server.stop();
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(`mongo test server: ${(error as Error).message}`);
    process.exitCode = 1;
  });
}
