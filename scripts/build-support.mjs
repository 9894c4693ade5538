// Bundles TypeScript that runs outside jest — the MongoDB test server, the benches' engine imports — into build/
// (esbuild; npm packages stay external). jest itself needs no build: it compiles tests with @swc/jest.
//   node scripts/build-support.mjs   → build/mongo-test-server.mjs, build/redis-engine.mjs, build/writers.mjs,
//                                    build/parse-speed.mjs
import { build } from 'esbuild';

const root = new URL('..', import.meta.url);
await build({
  absWorkingDir: root.pathname,
  entryPoints: { 'mongo-test-server': 'test/support/mongo-test-server.ts', 'redis-engine': 'src/engines/redis/redis-engine.ts',
    writers: 'src/output/writers.ts', 'parse-speed': 'bench/parse-speed.ts' },
  outdir: 'build',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
