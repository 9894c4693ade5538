// Build step: src → dist as a few ES modules (esbuild), not ~90 files: loading modules one by one cost dbx about
// 40 ms per run (bench/README.md). Engines stay separate chunks, imported only when they run; npm packages stay
// external, but for chalk: bundled, it costs no package resolution at start-up (bench/README.md "start-up").
// Then config/default.yaml is precompiled to dist/default-config.json (src/config/config-precompiled.ts).
import { build } from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const BUNDLED = new Set(['chalk']);
const external = Object.keys(pkg.dependencies).filter((name) => !BUNDLED.has(name)).flatMap((name) => [name, `${name}/*`]);

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
  external,
  sourcemap: true,
  logLevel: 'warning',
});

const { readConfigYaml } = await import(new URL('dist/config/config-parse.js', root).href);
const text = readFileSync(new URL('config/default.yaml', root), 'utf8');
const { value, lines } = readConfigYaml(text, { path: 'config/default.yaml', displayPath: 'config/default.yaml', builtin: true });
writeFileSync(new URL('dist/default-config.json', root), JSON.stringify({ text, value, lines: [...lines] }));
