// Build step: src → dist as a few ES modules (esbuild), not ~90 files: loading modules one by one cost dbx about
// 40 ms per run (bench/README.md). Engines stay separate chunks, imported only when they run; npm packages stay
// external. Then config/default.yaml is precompiled to dist/default-config.json (src/config/config-precompiled.ts).
import { build } from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
rmSync(new URL('dist', root), { recursive: true, force: true });
await build({
  absWorkingDir: root.pathname,
  entryPoints: ['src/cli.ts', 'src/config/config-parse.ts'],
  outbase: 'src',
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});

const { readConfigYaml } = await import(new URL('dist/config/config-parse.js', root).href);
const text = readFileSync(new URL('config/default.yaml', root), 'utf8');
const { value, lines } = readConfigYaml(text, { path: 'config/default.yaml', displayPath: 'config/default.yaml', builtin: true });
writeFileSync(new URL('dist/default-config.json', root), JSON.stringify({ text, value, lines: [...lines] }));
