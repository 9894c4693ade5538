/**
 * The corpus again on RESP3: `redis-cli -3` against dbx on `redis://…?protocol=3`, display and raw (byte for
 * byte). See differential.ts for what is compared how.
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { CASES, fixtures } from './corpus.js';
import { checkCase, cliOutputs, type CliOutputs } from './differential.js';
import { load, startConformanceServer, type Servers } from './harness.js';

let s: Servers;
let cli: CliOutputs;
beforeAll(async () => {
  s = await startConformanceServer();
  await load(s.server, fixtures());
  cli = await cliOutputs(s, CASES, 3);
});
afterAll(async () => {
  await s?.stop();
});

describe('dbx kv vs redis-cli (RESP3, redis-cli -3 and ?protocol=3)', () => {
  test.each(CASES.map((c, i) => [c.words.join(' '), c, i] as const))('%s', async (_name, c, i) => {
    await checkCase(s, c, { tty: cli.tty[i]!, raw: cli.raw[i]!, json: cli.json[i] }, 3);
  });
});
