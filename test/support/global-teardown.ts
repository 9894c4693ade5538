/** jest globalTeardown: stops the servers global-setup.ts started. */
import type { PrivateServer } from './private-servers.ts';

export default async function globalTeardown(): Promise<void> {
  const started = (globalThis as { __dbxTestServers?: PrivateServer[] }).__dbxTestServers ?? [];
  await Promise.all(started.map((s) => s.stop()));
}
