// A bug is not a failed statement: whatever an engine throws that is not a DbxError (here a real TypeError from a
// stub engine, through the real program in-process: option parsing, config, session, statement runner, reporter)
// exits 70 with one line that says it is a bug in dbx and how to report it; -v shows the stack, --json one JSON line.
import { beforeAll, describe, expect, jest, test } from '@jest/globals';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { Engine, EngineContext, Result, Statement } from '../../src/engines/engine.js';
import { scratchDir } from '../support/temp-dir.js';

const executed: string[] = [];

function stubEngine(ctx: EngineContext): Engine {
  return {
    name: 'sql',
    endpoint: 'mysql://u@127.0.0.1:3306/test',
    split: (script) => script.split(';').filter((t) => t.trim() !== '').map((text, i) => ({ text: text.trim(), line: i + 1 })),
    connect: async () => ctx.verbose('-- connected (stub)'),
    classify: async () => ({ write: false, destructive: false }),
    execute: async (stmt: Statement): Promise<Result> => {
      executed.push(stmt.text);
      if (stmt.text === 'select 1') return { kind: 'value', value: 1, codec: { text: String, json: (v) => v } };
      // the kind of slip a bug makes: a property of a reply that is not there
      const reply = undefined as unknown as { rows: unknown[] };
      return { kind: 'value', value: reply.rows.length, codec: { text: String, json: (v) => v } };
    },
    cancel: async () => {},
    abandon: () => {},
    close: async () => {},
  };
}

jest.unstable_mockModule('../../src/engines/index.js', () => ({
  loadEngine: async () => ({ createEngine: stubEngine }),
}));

let run: (deps: import('../../src/runner/deps.js').Deps) => Promise<number>;
beforeAll(async () => {
  ({ run } = await import('../../src/program.js'));
});

function collect(): PassThrough & { text: () => string } {
  const stream = new PassThrough() as PassThrough & { text: () => string };
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  stream.text = () => text;
  return stream;
}

async function dbx(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const home = scratchDir('dbx-internal-');
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean };
  stdin.end();
  const stdout = collect();
  const stderr = collect();
  executed.length = 0;
  const code = await run({
    argv: ['--url', 'mysql://u:s3cret@127.0.0.1:3306/test', ...args],
    env: { HOME: home, XDG_CONFIG_HOME: join(home, 'config') },
    cwd: home,
    stdin,
    stdout,
    stderr,
    onInterrupt: () => () => {},
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('an internal error (a bug in dbx)', () => {
  test('exits 70 with one line saying it is a bug and how to report it, no stack, no password', async () => {
    const r = await dbx('sql', 'select 1; select broken');
    expect(r.code).toBe(70);
    expect(r.stdout).toBe('1\n');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ERROR \[sql\] INTERNAL: a bug in dbx, not in your statement or server: TypeError: Cannot read properties of undefined \(reading 'rows'\); please report it .*-v/);
    expect(r.stderr).not.toMatch(/s3cret|\n\s+at /);
  });

  test('-v shows the stack', async () => {
    const r = await dbx('-v', 'sql', 'select broken');
    expect(r.code).toBe(70);
    expect(r.stderr).toMatch(/INTERNAL: a bug in dbx[^\n]*\nTypeError: Cannot read properties of undefined[^\n]*\n\s+at /);
  });

  test('--json: one JSON error line with code INTERNAL', async () => {
    const r = await dbx('--json', 'sql', 'select broken');
    expect(r.code).toBe(70);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const error = (JSON.parse(lines[0]!) as { error: Record<string, unknown> }).error;
    expect(error.code).toBe('INTERNAL');
    expect(error.engine).toBe('sql');
    expect(String(error.message)).toMatch(/^a bug in dbx/);
  });

  test('--force does not go on after a bug: the statements after it are not run', async () => {
    const r = await dbx('--force', 'sql', 'select broken; select 1');
    expect(r.code).toBe(70);
    expect(executed).toEqual(['select broken']);
    expect(r.stderr.match(/ERROR/g)).toHaveLength(1);
  });
});
