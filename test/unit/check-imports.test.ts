// scripts/check-imports.mjs guards the structure of src/ in npm test: it must find what it is there to find.
import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const script = join(process.cwd(), 'scripts/check-imports.mjs');

function check(tree: Record<string, string>): { code: number; lines: string[] } {
  const root = mkdtempSync(join(tmpdir(), 'dbx-imports-'));
  try {
    for (const [path, text] of Object.entries(tree)) {
      mkdirSync(dirname(join(root, 'src', path)), { recursive: true });
      writeFileSync(join(root, 'src', path), text);
    }
    try {
      return { code: 0, lines: execFileSync('node', [script, root], { encoding: 'utf8' }).trim().split('\n') };
    } catch (e) {
      const err = e as { status: number; stdout: string };
      return { code: err.status, lines: err.stdout.trim().split('\n') };
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe('scripts/check-imports.mjs', () => {
  test('the tree of src/ passes', () => {
    const out = execFileSync('node', [script, process.cwd()], { encoding: 'utf8' });
    expect(out.trim()).toBe('imports: 0 findings');
  });

  test('a cycle, an engine importing a writer, a reach into an engine folder, a driver outside its engine', () => {
    const { code, lines } = check({
      'errors.ts': 'export const x = 1;\n',
      'output/a.ts': "import { b } from './b.js';\nexport const a = b;\n",
      'output/b.ts': "import type { a } from './a.js';\nexport const b = 1;\n",
      'engines/mysql/mysql-result.ts': "import { a } from '../../output/a.js';\nexport const r = a;\n",
      'commands/script-input.ts': "import { r } from '../engines/mysql/mysql-result.js';\nexport const s = r;\n",
      'runner/session.ts': "import mysql from 'mysql2';\nexport const m = mysql;\n",
      'repl/repl.ts': '// process.exit is only named in this comment\nexport const quit = () => process.exit(1);\n',
    });
    expect(code).toBe(1);
    expect(lines).toEqual(
      expect.arrayContaining([
        'cycle: output/a.ts <-> output/b.ts',
        'direction: engines/mysql/mysql-result.ts (engine:mysql) imports output/a.ts (output)',
        'direction: commands/script-input.ts (commands) imports engines/mysql/mysql-result.ts (engine:mysql)',
        'package: runner/session.ts imports mysql2 (only engine:mysql may)',
        'process: repl/repl.ts touches the process (only cli.ts does; the rest is given Deps)',
      ]),
    );
    expect(lines.at(-1)).toBe('imports: 5 findings');
  });

  test('the engine list may load an engine, an engine its own files, the shell the runner', () => {
    const { code, lines } = check({
      'engines/engine.ts': 'export interface Engine { name: string }\n',
      'engines/index.ts': "export const load = () => import('./redis/redis-engine.js');\n",
      'engines/redis/redis-engine.ts': "import type { Engine } from '../engine.js';\nimport { w } from './redis-words.js';\nexport const e: Engine = { name: w };\n",
      'engines/redis/redis-words.ts': "export const w = 'kv';\n",
      'runner/statement-runner.ts': "import type { Engine } from '../engines/engine.js';\nexport type R = Engine;\n",
      'repl/repl.ts': "import type { R } from '../runner/statement-runner.js';\nexport type S = R;\n",
    });
    expect(lines).toEqual(['imports: 0 findings']);
    expect(code).toBe(0);
  });
});
