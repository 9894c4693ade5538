/**
 * One command through redis-cli and dbx in every output mode, and the verdict: equal bytes, or the difference
 * README lists as deliberate, asserted as designed.
 *   RESP2 (redis-cli's default):  `redis-cli --no-raw` ↔ dbx's table format, `--raw` ↔ `--format raw`,
 *                                 `--json` (RESP3, as redis-cli's --json) ↔ `--json`.
 *   RESP3 (`redis-cli -3`):       the same against dbx on `redis://…?protocol=3`.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { CASES, fixtures, type Case } from './corpus.js';
import { asciiEscaped, cliJson, dbxJson, firstDifference, isTable, sortedLines, tableCells, ttyScalarsAsCells } from './compare.js';
import { dbxKv, load, redisCliEach, startConformanceServer, type Ran, type Servers } from './harness.js';

export type Protocol = 2 | 3;

/** redis-cli's output for each case of the corpus, in each mode */
export interface CliOutputs {
  tty: Ran[];
  raw: Ran[];
  json: Ran[];
}

export async function cliOutputs(s: Servers, cases: Case[], protocol: Protocol): Promise<CliOutputs> {
  const proto = protocol === 3 ? ['-3'] : [];
  const words = cases.map((c) => c.words);
  const [tty, raw, json] = await Promise.all([
    redisCliEach(s.server, [...proto, '--no-raw'], words),
    redisCliEach(s.server, [...proto, '--raw'], words),
    // redis-cli's --json is RESP3 already: compared once, on the RESP2 run
    protocol === 2 ? redisCliEach(s.server, ['--json'], words) : Promise.resolve([]),
  ]);
  return { tty, raw, json };
}

/** what redis-cli 7.0 cannot print at all (it exits 1: "Unknown reply type: 13", a protocol error on `|`) */
function cliCannot(r: Ran): boolean {
  return r.code !== 0 && /Unknown reply type|Protocol error/.test(r.stderr);
}

const ERROR_LINE = /^\(error\) ([^\n]*)\n$/;

export async function checkCase(s: Servers, c: Case, cli: { tty: Ran; raw: Ran; json?: Ran }, protocol: Protocol): Promise<void> {
  const query = protocol === 3 ? '?protocol=3' : '';
  const label = `${c.words.join(' ')} (RESP${protocol})`;
  const error = ERROR_LINE.exec(cli.tty.stdout.toString('latin1'))?.[1];
  // three dbx runs of their own, at once
  await Promise.all([
    checkDisplay(s, c, cli.tty, error, query, label),
    checkRaw(s, c, cli.raw, error, query, label),
    cli.json ? checkJson(s, c, cli.json, label) : undefined,
  ]);
}

/** The whole corpus on one protocol, against a private server of its own: one test per command. */
export function describeCorpus(protocol: Protocol, title: string): void {
  let s: Servers;
  let cli: CliOutputs;
  beforeAll(async () => {
    s = await startConformanceServer();
    await load(s.server, fixtures());
    cli = await cliOutputs(s, CASES, protocol);
  });
  afterAll(async () => {
    await s?.stop();
  });
  describe(title, () => {
    test.each(CASES.map((c, i) => [c.words.join(' '), c, i] as const))('%s', async (_name, c, i) => {
      await checkCase(s, c, { tty: cli.tty[i]!, raw: cli.raw[i]!, json: cli.json[i] }, protocol);
    });
  });
}

/**
 * deliberate: an error reply goes to stderr with exit 1, nothing on stdout; the server's code and text are kept
 * (redis-cli prints it on stdout and exits 0, or with -e prints it on stderr and exits 1)
 */
function expectError(r: Ran, message: string, label: string, json = false): void {
  expect({ label, code: r.code, stdout: r.stdout.toString() }).toEqual({ label, code: 1, stdout: '' });
  const space = message.indexOf(' ');
  if (json) {
    const e = (JSON.parse(r.stderr) as { error: { code: string; message: string } }).error;
    expect({ label, code: e.code, message: e.message }).toEqual({ label, code: message.slice(0, space), message: message.slice(space + 1) });
  } else {
    expect(r.stderr).toContain(`${message.slice(0, space)}: ${message.slice(space + 1)}`);
  }
}

async function checkDisplay(s: Servers, c: Case, tty: Ran, error: string | undefined, query: string, label: string): Promise<void> {
  const shown = await dbxKv(s, c.words, { query });
  if (cliCannot(tty)) {
    // deliberate: dbx prints what redis-cli 7.0 cannot (a RESP3 big number as quoted digits, a reply after an attribute)
    expect({ label, code: shown.code }).toEqual({ label, code: 0 });
    expect(shown.stdout.length).toBeGreaterThan(0);
    return;
  }
  if (error !== undefined) return expectError(shown, error, label);
  expect({ label, code: shown.code, stderr: shown.stderr }).toEqual({ label, code: 0, stderr: '' });
  if (isTable(shown.stdout)) {
    // deliberate: a collection is a table; its cells are redis-cli's values, in redis-cli's order
    const want = ttyScalarsAsCells(tty.stdout.toString('latin1'));
    const got = tableCells(shown.stdout.toString('utf8'));
    if (c.unordered) expect({ label, cells: got.sort() }).toEqual({ label, cells: want.sort() });
    else expect({ label, cells: got }).toEqual({ label, cells: want });
  } else {
    // deliberate: valid UTF-8 prints as characters where redis-cli writes \xHH for every byte above 0x7f
    const display = Buffer.from(asciiEscaped(shown.stdout.toString('utf8')), 'latin1');
    expect({ label, display: firstDifference(display, tty.stdout) }).toEqual({ label, display: undefined });
  }
}

/** --format raw against redis-cli --raw: byte for byte */
async function checkRaw(s: Servers, c: Case, raw: Ran, error: string | undefined, query: string, label: string): Promise<void> {
  const rawDbx = await dbxKv(s, c.words, { query, before: ['--format', 'raw'] });
  if (cliCannot(raw)) {
    expect({ label, code: rawDbx.code }).toEqual({ label, code: 0 });
    return;
  }
  if (error !== undefined) return expectError(rawDbx, error, label);
  expect({ label, code: rawDbx.code }).toEqual({ label, code: 0 });
  if (c.unordered) expect({ label, raw: sortedLines(rawDbx.stdout) }).toEqual({ label, raw: sortedLines(raw.stdout) });
  else expect({ label, raw: firstDifference(rawDbx.stdout, raw.stdout) }).toEqual({ label, raw: undefined });
}

/** --json against redis-cli --json (both RESP3), read as values: see compare.ts for what is normalised */
async function checkJson(s: Servers, c: Case, json: Ran, label: string): Promise<void> {
  const jsonDbx = await dbxKv(s, c.words, { before: ['--json'] });
  if (cliCannot(json)) {
    expect({ label, code: jsonDbx.code }).toEqual({ label, code: 0 });
    JSON.parse(jsonDbx.stdout.toString());
    return;
  }
  const error = /^error:"(.*)"\n$/.exec(json.stdout.toString('latin1'))?.[1];
  if (error !== undefined) return expectError(jsonDbx, error, label, true);
  expect({ label, code: jsonDbx.code }).toEqual({ label, code: 0 });
  let want: unknown;
  try {
    want = cliJson(json.stdout);
  } catch {
    // deliberate: a report redis-cli prints as text even under --json (INFO, LATENCY DOCTOR…) is a JSON string
    want = json.stdout.toString('latin1');
  }
  const got = dbxJson(jsonDbx.stdout);
  if (c.unordered) {
    const sorted = (v: unknown) => (Array.isArray(v) ? [...v].sort() : v);
    expect({ label, json: sorted(got) }).toEqual({ label, json: sorted(want) });
  } else {
    expect({ label, json: got }).toEqual({ label, json: want });
  }
}
