/**
 * Every reply type and shape of the corpus, dbx against redis-cli in its default protocol (RESP2): display, raw
 * (byte for byte), JSON and exit codes. See differential.ts for what is compared how.
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
  cli = await cliOutputs(s, CASES, 2);
});
afterAll(async () => {
  await s?.stop();
});

describe('dbx kv vs redis-cli (RESP2)', () => {
  test.each(CASES.map((c, i) => [c.words.join(' '), c, i] as const))('%s', async (_name, c, i) => {
    await checkCase(s, c, { tty: cli.tty[i]!, raw: cli.raw[i]!, json: cli.json[i] }, 2);
  });
});
