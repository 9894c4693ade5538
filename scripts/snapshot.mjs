// Build step (scripts/bundle.mjs calls it): the start-up snapshots, dist/dbx.blob and dist/kv.blob. src/snapshot.ts
// and what it imports, bundled into one CommonJS script (dist/snapshot.cjs), run by `node --build-snapshot` once
// for each; V8 saves the heap it leaves — the modules' code and state — and bin/dbx starts Node from it, which
// spares each run compiling and evaluating the program and its drivers (bench/README.md).
// - Node's modules that hold native state a snapshot cannot keep (sockets, TLS, the crypto engine …) are required on
//   first use, through a stand-in whose properties are getters.
// - import.meta.url is a global the snapshot's main function sets from the path bin/dbx passes (dist/cli.js).
// - dist/snapshot.key names the `node` it was built by (inode, size, modification time) and the dist directory;
//   bin/dbx uses the snapshot only when both are still the same, as a snapshot runs only on the Node that made it.
// - A snapshot runs only with the V8 flags it was built with (Node refuses it otherwise): NODE_FLAGS, which bin/dbx
//   passes too. The snapshot's heap is there from the start (≈ 8 MB more than the ES module path's) and V8 lets the
//   old generation grow in proportion to what is live, so big results peaked higher: 1,000,000 rows to table at
//   119–123 MB, over the 120 MB bound. A young generation of at most 8 MB a semi-space (V8's is 16) and an old one
//   that grows by 20 % at a time: table 95 MB, json 86, kv LRANGE vertical 98, raw 94, in the same time. (8 MB
//   alone raised kv vertical to 133 MB; --optimize-for-size was lower still but 1.6× slower.)
// A Node that cannot build it only loses the speed: bin/dbx then runs dist/cli.js.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';

const require = createRequire(import.meta.url);
const NATIVE = ['tls', 'crypto', 'zlib', 'dns', 'child_process', 'http', 'https', 'http2', 'readline',
  'worker_threads', 'dgram'];
/** Node's flags for building and running the snapshot (bin/dbx has them too) */
const NODE_FLAGS = ['--max-semi-space-size=8', '--heap-growing-percent=20'];
const nativeFilter = new RegExp(`^(node:)?(${NATIVE.join('|')})$`);

/** a stand-in for one of Node's modules that requires it on first use of any of its properties (getters) */
export function lazyBuiltin(name) {
  return `let real; const get = () => (real ??= require('node:${name}'));
for (const key of ${JSON.stringify(Object.keys(require(`node:${name}`)))}) Object.defineProperty(module.exports, key, { get: () => get()[key], enumerable: true });`;
}

const lazyBuiltins = {
  name: 'dbx-lazy-builtins',
  setup(b) {
    // and every import() of one of Node's modules: a snapshot's script has no dynamic import()
    const lazy = (args) => {
      if (args.namespace === 'dbx-lazy-builtin') return { path: args.path, external: true };
      const name = args.path.replace(/^node:/, '');
      if (!nativeFilter.test(name) && !(args.kind === 'dynamic-import' && isBuiltin(name))) return undefined;
      return { path: name, namespace: 'dbx-lazy-builtin' };
    };
    b.onResolve({ filter: /^[a-z_:/]+$/ }, lazy);
    b.onLoad({ filter: /.*/, namespace: 'dbx-lazy-builtin' }, (args) => ({ contents: lazyBuiltin(args.path), loader: 'js' }));
  },
};

/**
 * bson allocates the 17 MB buffer serialize() writes into when it loads: in a snapshot that is 17 MB more to read
 * at every start, for `dbx doc` alone. Here it starts empty and grows to the same size on the first serialize, as
 * setInternalBufferSize() grows it; each rewrite must still find its text, or the build stops.
 */
const BSON_REWRITES = [
  ['let buffer = ByteUtils.allocate(MAXSIZE);', 'let buffer = ByteUtils.allocate(0);'],
  ['function serialize(object, options = {}) {', 'function serialize(object, options = {}) {\n    if (buffer.length < MAXSIZE) buffer = ByteUtils.allocate(MAXSIZE);'],
  ['function serializeWithBufferAndIndex(object, finalBuffer, options = {}) {',
    'function serializeWithBufferAndIndex(object, finalBuffer, options = {}) {\n    if (buffer.length < MAXSIZE) buffer = ByteUtils.allocate(MAXSIZE);'],
];
const lazyBsonBuffer = {
  name: 'dbx-lazy-bson-buffer',
  setup(b) {
    b.onLoad({ filter: /[\\/]bson[\\/]lib[\\/]bson\.cjs$/ }, (args) => {
      let text = readFileSync(args.path, 'utf8');
      for (const [from, to] of BSON_REWRITES) {
        if (text.split(from).length !== 2) throw new Error(`${args.path}: "${from}" is not there once (a bson upgrade?)`);
        text = text.replace(from, to);
      }
      return { contents: text, loader: 'js' };
    });
  },
};

/** the snapshots and the engines each holds evaluated (src/snapshot.ts); bin/dbx picks one by the command line */
const BLOBS = { 'dbx.blob': 'sql,kv', 'kv.blob': 'kv' };

/** builds the BLOBS and dist/snapshot.key; false (and no snapshot) when this Node cannot */
export async function buildSnapshot(root, { external, plugins }) {
  const dist = new URL('dist/', root);
  for (const f of [...Object.keys(BLOBS), 'snapshot.key']) rmSync(new URL(f, dist), { force: true });
  const { metafile } = await build({
    absWorkingDir: root.pathname,
    metafile: true,
    entryPoints: ['src/snapshot.ts'],
    inject: ['scripts/snapshot-warm.mjs'],
    outfile: 'dist/snapshot.cjs',
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external,
    plugins: [lazyBuiltins, lazyBsonBuffer, ...plugins],
    define: { 'import.meta.url': 'globalThis.__dbxModuleUrl' },
    // the require a snapshot's script gets loads Node's modules only: a package left outside the bundle is
    // required from the dist directory of the run
    banner: { js: `const __dbxBuiltinRequire = require; require = Object.assign((id) => __dbxPackageRequire(id)(id), { resolve: (id, o) => __dbxPackageRequire(id).resolve(id, o) });
function __dbxPackageRequire(id) { return id.startsWith('node:') || __dbxBuiltinRequire('node:module').isBuiltin(id) ? __dbxBuiltinRequire : __dbxBuiltinRequire('node:module').createRequire(globalThis.__dbxModuleUrl); }` },
    minifyWhitespace: true,
    minifySyntax: true,
    // V8 keeps a script's source for lazy compilation: ASCII text is held at one byte per character, a single
    // wider character makes it two (5.5 MB of the snapshot's 11)
    charset: 'ascii',
    logLevel: 'warning',
  });
  const dynamic = Object.values(metafile.outputs).flatMap((o) => o.imports).filter((i) => i.kind === 'dynamic-import');
  if (dynamic.length > 0) throw new Error(`import() left in the snapshot's script (it cannot run there): ${dynamic.map((i) => i.path).join(', ')}`);
  for (const [blob, engines] of Object.entries(BLOBS)) {
    const r = spawnSync(process.execPath, [...NODE_FLAGS, '--no-warnings', '--snapshot-blob', `dist/${blob}`, '--build-snapshot', 'dist/snapshot.cjs'],
      { cwd: root, encoding: 'utf8', env: { ...process.env, DBX_SNAPSHOT_ENGINES: engines } });
    if (r.status !== 0) {
      process.stderr.write(`warning: no start-up snapshot (dbx runs without it, slower to start): ${r.stderr}\n`);
      return false;
    }
  }
  const node = statSync(process.execPath);
  writeFileSync(new URL('snapshot.key', dist), `${node.ino} ${node.size} ${Math.floor(node.mtimeMs / 1000)} ${dist.pathname.replace(/\/$/, '')}\n`);
  return true;
}

