/**
 * dbx kv under faults: one row per fault (test/faults/fault-matrix.ts runs them), against private redis-servers with
 * --requirepass, one of them TLS-only (test/faults/engine-kits.ts); after each, redis-cli checks the server.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { faultMatrix, PASSWORD, WRONG_PASSWORD, type FaultRow, type RowContext } from './fault-matrix.js';
import { kvKit, redisCli } from './engine-kits.js';
import { waitFor } from '../support/private-servers.js';

const kit = kvKit();

let keys = 0;
const key = (): string => `fault_k${++keys}`;

function script(ctx: RowContext, lines: string[]): string {
  const file = join(ctx.dir, 'script.redis');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** a list of 200 000 items of 200 bytes on the row's server: an LRANGE of it is about 40 MB */
async function bigList(ctx: RowContext, name: string): Promise<void> {
  await redisCli(ctx.server!, 'eval', "for i = 1, 200000 do redis.call('rpush', KEYS[1], string.rep('x', 200) .. i) end", '1', name);
}

async function gone(ctx: RowContext, command: string): Promise<void> {
  await waitFor(async () => !(await kit.running!(ctx.server!, command)), `the server to end ${command}`, 10_000);
}

const rows: FaultRow[] = [
  { fault: 'connection refused', place: 'refused', args: () => ['kv', 'ping'], expect: { code: 3, stderr: /connection refused/ } },
  {
    fault: 'a port that accepts and never answers: given up after --connect-timeout',
    place: 'never-answers',
    args: () => ['--connect-timeout', '500', 'kv', 'ping'],
    expect: { code: 3, stderr: /500 ms|ETIMEDOUT/ },
  },
  { fault: 'an SSH server on the port', place: 'ssh', args: () => ['--connect-timeout', '3000', 'kv', 'ping'], expect: { code: 3, stderr: /cannot connect|protocol error/ } },
  { fault: 'an HTTP server on the port', place: 'http', args: () => ['--connect-timeout', '3000', 'kv', 'ping'], expect: { code: 3, stderr: /cannot connect|protocol error/ } },
  {
    fault: 'TLS to a plain server',
    place: 'shared',
    url: (u) => u.replace(/^redis:/, 'rediss:'),
    args: () => ['--connect-timeout', '1000', 'kv', 'ping'],
    expect: { code: 3, stderr: /no answer within 1000 ms[^]*hint: rediss:\/\/ needs a server that speaks TLS/ },
  },
  {
    fault: 'plain to a TLS-only server',
    place: 'tls',
    args: () => ['kv', 'ping'],
    expect: { code: 3, stderr: /hint: .*if this port speaks TLS, use rediss:\/\// },
  },
  {
    fault: 'TLS to a server whose certificate is not trusted',
    place: 'tls',
    url: (u) => u.replace(/^redis:/, 'rediss:'),
    args: () => ['kv', 'ping'],
    expect: { code: 3, stderr: /self-signed certificate[^]*hint: .*NODE_EXTRA_CA_CERTS/ },
  },
  {
    fault: '(control) TLS to the same server, its CA trusted',
    place: 'tls',
    url: (u) => u.replace(/^redis:/, 'rediss:'),
    env: (ctx) => ({ NODE_EXTRA_CA_CERTS: ctx.server!.ca! }),
    args: () => ['kv', 'ping'],
    expect: { code: 0, stdout: /^PONG\n$/ },
  },
  {
    fault: 'wrong password',
    place: 'shared',
    url: (u) => u.replace(PASSWORD, WRONG_PASSWORD),
    args: () => ['-v', 'kv', 'ping'],
    expect: { code: 3, stderr: /WRONGPASS/ },
  },
  {
    fault: 'no password for a server that needs one',
    place: 'shared',
    url: (u) => u.replace(`:${PASSWORD}@`, ''),
    args: () => ['--json', 'kv', 'ping'],
    expect: { code: 3, stderr: /^\{"error":\{"engine":"kv","code":"NOAUTH",/ },
  },
  {
    fault: 'server SIGKILLed before the command',
    place: 'own',
    strike: { to: 'server', signal: 'SIGKILL', when: 'before' },
    args: () => ['kv', 'ping'],
    expect: { code: 3, stderr: /connection refused/ },
  },
  {
    fault: 'server SIGKILLed during the command',
    place: 'own',
    strike: { to: 'server', signal: 'SIGKILL', when: { running: 'blpop' } },
    args: () => ['kv', 'blpop', key(), '30'],
    expect: { code: 3, stderr: /closed|reset/ },
  },
  (() => {
    const k = key();
    return {
      fault: 'server SIGKILLed while a script\'s replies stream',
      place: 'own',
      strike: { to: 'server', signal: 'SIGKILL', when: 'streaming' },
      args: (ctx) => ['kv', '-f', script(ctx, Array.from({ length: 20_000 }, (_, i) => `set ${k} ${'v'.repeat(100)}${i}`).flatMap((l) => [l, `get ${k}`]))],
      expect: { code: 3, stderr: /closed|reset|refused/ },
    } satisfies FaultRow;
  })(),
  (() => {
    const k = key();
    return {
      fault: 'network cut in the middle of a reply',
      place: { proxy: { kind: 'cut', after: 256 * 1024 } },
      before: (ctx) => bigList(ctx, k),
      args: () => ['kv', 'lrange', k, '0', '-1'],
      expect: { code: 3, stderr: /closed|reset/ },
      after: (ctx) => redisCli(ctx.server!, 'del', k).then(() => {}),
    } satisfies FaultRow;
  })(),
  (() => {
    const k = key();
    return {
      fault: 'network cut (RST) in the middle of a reply, --json',
      place: { proxy: { kind: 'cut', reset: true, after: 256 * 1024 } },
      before: (ctx) => bigList(ctx, k),
      args: () => ['--format', 'ndjson', 'kv', 'lrange', k, '0', '-1'],
      expect: { code: 3, stderr: /closed|reset/ },
      after: (ctx) => redisCli(ctx.server!, 'del', k).then(() => {}),
    } satisfies FaultRow;
  })(),
  (() => {
    const k = key();
    const done = key();
    return {
      fault: 'stdout closed after the first line (| head -1): the script still runs to its end',
      place: 'shared',
      before: (ctx) => bigList(ctx, k),
      args: (ctx) => ['kv', '-f', script(ctx, [`lrange ${k} 0 -1`, `set ${done} yes`])],
      firstLineOnly: true,
      expect: { code: 0 },
      async after(ctx) {
        assert.equal((await redisCli(ctx.server!, 'get', done)).trim(), 'yes');
        await redisCli(ctx.server!, 'del', k, done);
      },
    } satisfies FaultRow;
  })(),
  {
    fault: '--log-file on a full disk (/dev/full)',
    place: 'shared',
    args: () => ['--log-file', '/dev/full', 'kv', 'ping'],
    expect: { code: 1, stderr: /cannot write the audit log \/dev\/full: ENOSPC/ },
  },
  (() => {
    const prefix = key();
    return {
      fault: '--transaction script, dbx SIGKILLed mid-script: nothing set',
      place: { proxy: { kind: 'stall', direction: 'up', after: 64 * 1024 } },
      strike: { to: 'dbx', signal: 'SIGKILL', when: 'faulted' },
      args: (ctx) => ['--transaction', 'kv', '-f', script(ctx, Array.from({ length: 3000 }, (_, i) => `set ${prefix}:${i} ${'v'.repeat(100)}`))],
      expect: { code: 'killed' },
      async after(ctx) {
        await ctx.proxy!.close();
        // the server drops the MULTI of a connection that went away; until then nothing is visible anyway
        await waitFor(async () => !/multi=(?!-1)\d+/.test(await redisCli(ctx.server!, 'client', 'list')), 'the MULTI to be dropped', 10_000);
        assert.equal((await redisCli(ctx.server!, 'keys', `${prefix}:*`)).trim(), '');
      },
    } satisfies FaultRow;
  })(),
  {
    fault: 'bytes corrupted in the server\'s first reply',
    place: { proxy: { kind: 'corrupt', after: 0, length: 1 } },
    args: () => ['kv', 'ping'],
    expect: { code: 3, stderr: /protocol error/ },
  },
  {
    fault: '(control) a slow network (every chunk 300 ms late) still gives the reply',
    place: { proxy: { kind: 'delay', ms: 300, after: 0, direction: 'both' } },
    args: () => ['kv', 'ping'],
    expect: { code: 0, stdout: /^PONG\n$/ },
  },
  {
    fault: '--timeout: the command is cancelled on the server',
    place: 'shared',
    args: () => ['--timeout', '700', 'kv', 'blpop', key(), '30'],
    expect: { code: 1, stderr: /timed out|timeout/i },
    after: (ctx) => gone(ctx, 'blpop'),
  },
  {
    fault: 'Ctrl-C during the command: cancelled on the server',
    place: 'shared',
    strike: { to: 'dbx', signal: 'SIGINT', when: { running: 'blpop' } },
    args: () => ['kv', 'blpop', key(), '30'],
    expect: { code: 130, stderr: /interrupted/ },
    after: (ctx) => gone(ctx, 'blpop'),
  },
];

// Hangs and signals (defects 2–7): test/e2e/cancel-bounds.test.ts holds a blocked command under --timeout --json
// and a stall mid-LRANGE under --timeout; the rows below are the rest.
rows.push(
  {
    fault: 'server SIGSTOPped before the command: given up after --connect-timeout',
    place: 'shared',
    strike: { to: 'server', signal: 'SIGSTOP', when: 'before' },
    args: () => ['--connect-timeout', '1500', 'kv', 'ping'],
    limitMs: 10_000,
    expect: { code: 3, stderr: /1500 ms|ETIMEDOUT|timeout/i },
  },
  {
    fault: 'server SIGSTOPped during the command, --timeout: exit 1',
    place: 'shared',
    strike: { to: 'server', signal: 'SIGSTOP', when: { running: 'blpop' } },
    args: () => ['--timeout', '1000', 'kv', 'blpop', key(), '30'],
    limitMs: 10_000,
    expect: { code: 1, stderr: /TIMEOUT|timed out/ },
  },
  {
    fault: 'server SIGSTOPped during the command, then Ctrl-C: exit 130',
    place: 'shared',
    strike: { to: 'server', signal: 'SIGSTOP', when: { running: 'blpop' }, then: 'SIGINT' },
    args: () => ['kv', 'blpop', key(), '30'],
    limitMs: 10_000,
    expect: { code: 130, stderr: /interrupted/ },
  },
  (() => {
    const k = key();
    return {
      fault: 'network stalled in the middle of a reply, Ctrl-C: exit 130',
      place: { proxy: { kind: 'stall', after: 256 * 1024 } },
      before: (ctx) => bigList(ctx, k),
      strike: { to: 'dbx', signal: 'SIGINT', when: 'faulted' },
      args: () => ['--json', 'kv', 'lrange', k, '0', '-1'],
      limitMs: 10_000,
      expect: { code: 130, stderr: /INTERRUPTED/ },
      after: (ctx) => redisCli(ctx.server!, 'del', k).then(() => {}),
    } satisfies FaultRow;
  })(),
  {
    fault: 'SIGTERM during the command: exit 143, gone from the server',
    place: 'shared',
    strike: { to: 'dbx', signal: 'SIGTERM', when: { running: 'blpop' } },
    args: () => ['kv', 'blpop', key(), '30'],
    limitMs: 10_000,
    expect: { code: 143, stderr: /interrupted/i },
    after: (ctx) => gone(ctx, 'blpop'),
  },
  {
    fault: 'SIGHUP during the command: exit 129, gone from the server',
    place: 'shared',
    strike: { to: 'dbx', signal: 'SIGHUP', when: { running: 'blpop' } },
    args: () => ['kv', 'blpop', key(), '30'],
    limitMs: 10_000,
    expect: { code: 129, stderr: /interrupted/i },
    after: (ctx) => gone(ctx, 'blpop'),
  },
);

faultMatrix(kit, rows);
