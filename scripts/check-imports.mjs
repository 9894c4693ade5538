// The import structure of src/ (STYLE.md "The shape we want a newcomer to see"), checked in `npm test`:
// - no import cycles between files (type-only imports count: a cycle of types is still a knot to untie);
// - each area imports only the areas below it (ALLOWED): engines know neither writers, commands, the runner nor the
//   shell; only src/engines/index.ts loads a file of an engine's folder; text/ and mongo-syntax/ are neutral;
// - a driver or library is imported only by the area that owns it (PACKAGES);
// - only the entry points (src/cli.ts, src/cli-main.ts, src/snapshot.ts) touch the process (exit code, argv, env,
//   the real streams).
// Usage: node scripts/check-imports.mjs [ROOT]. One line per finding, then "imports: N findings"; exit 1 if any.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const src = resolve(process.argv[2] ?? '.', 'src');

/** What each area may import besides itself. */
const ALLOWED = {
  // snapshot.ts evaluates, at build time, the modules a run loads on demand
  cli: ['program', 'commands', 'runner', 'config', 'engine-list', 'errors', 'text'],
  program: ['commands', 'runner', 'output', 'engine-core', 'errors', 'text'],
  commands: ['runner', 'repl', 'output', 'config', 'engine-list', 'engine-core', 'mongo-syntax', 'errors', 'text'],
  repl: ['runner', 'output', 'config', 'engine-core', 'mongo-syntax', 'errors', 'text'],
  runner: ['output', 'config', 'engine-list', 'engine-core', 'errors', 'text'],
  output: ['engine-core', 'errors', 'text'],
  config: ['engine-core', 'errors', 'text'],
  'engine-list': ['engine', 'engine-core'],
  engine: ['engine-core', 'mongo-syntax', 'errors', 'text'],
  'engine-core': ['errors', 'text'],
  'mongo-syntax': ['engine-core', 'errors', 'text'],
  text: ['errors'],
  errors: [],
};

/** Packages only some areas may import (any other package is free to use). */
const PACKAGES = {
  mysql2: ['engine:mysql'],
  mongodb: ['engine:mongo'],
  bson: ['engine:mongo'],
  ioredis: ['engine:redis'],
  commander: ['program', 'commands'],
  yaml: ['config'],
  acorn: ['mongo-syntax'],
  '@mongodb-js/shell-bson-parser': ['mongo-syntax'],
  chalk: ['text'], // src/text/color.ts decides colour for every stream; nothing else styles text
};

/** The area of a file under src/: its folder, with each engine's folder an area of its own ('engine:mysql'). */
function areaOf(file) {
  const parts = relative(src, file).split('/');
  // the process's entry points: src/cli.ts, the main() it and the start-up snapshot (src/snapshot.ts) run
  if (['cli.ts', 'cli-main.ts', 'snapshot.ts'].includes(parts[0])) return 'cli';
  if (parts.length === 1) return parts[0].replace(/\.ts$/, '');
  if (parts[0] === 'engines') {
    if (parts.length > 2) return `engine:${parts[1]}`;
    return parts[1] === 'index.ts' ? 'engine-list' : 'engine-core';
  }
  return parts[0];
}

const kind = (area) => (area.startsWith('engine:') ? 'engine' : area);

const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) files.push(path);
  }
})(src);

/** Source without comments (a URL's `//` follows a `:`, so only comments that start a line or follow a space go). */
function code(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[\s;{}(),])\/\/.*$/gm, '$1');
}

const findings = [];
const edges = new Map();
for (const file of files) {
  const text = code(readFileSync(file, 'utf8'));
  const from = areaOf(file);
  const name = relative(src, file);
  const targets = new Set();
  const specifiers = [
    ...text.matchAll(/\bfrom\s*['"]([^'"]+)['"]/g),
    ...text.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g),
    ...text.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm),
  ].map((m) => m[1]);
  for (const spec of specifiers) {
    if (spec.startsWith('.')) {
      const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
      if (!files.includes(target)) {
        findings.push(`missing: ${name} imports ${spec}, which is no file of src/`);
        continue;
      }
      targets.add(target);
      const to = areaOf(target);
      if (to === from) continue;
      if (!ALLOWED[kind(from)]) {
        findings.push(`area: ${name} is in '${from}', which scripts/check-imports.mjs does not place (add it to ALLOWED)`);
      } else if (!ALLOWED[kind(from)].includes(kind(to))) {
        findings.push(`direction: ${name} (${from}) imports ${relative(src, target)} (${to})`);
      }
    } else if (!spec.startsWith('node:')) {
      const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
      const owners = PACKAGES[pkg];
      if (owners && !owners.includes(from) && !owners.includes(kind(from))) {
        findings.push(`package: ${name} imports ${pkg} (only ${owners.join(', ')} may)`);
      }
    }
  }
  if (from !== 'cli' && /\bprocess\.(exit|exitCode|argv|env|stdin|stdout|stderr|on)\b/.test(text)) {
    findings.push(`process: ${name} touches the process (only cli.ts does; the rest is given Deps)`);
  }
  edges.set(file, targets);
}

// cycles: strongly connected components of more than one file (Tarjan), or a file that imports itself
let counter = 0;
const stack = [];
const onStack = new Set();
const index = new Map();
const low = new Map();
function visit(v) {
  index.set(v, counter);
  low.set(v, counter);
  counter++;
  stack.push(v);
  onStack.add(v);
  for (const w of edges.get(v)) {
    if (!index.has(w)) {
      visit(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
  }
  if (low.get(v) !== index.get(v)) return;
  const component = [];
  let w;
  do {
    w = stack.pop();
    onStack.delete(w);
    component.push(w);
  } while (w !== v);
  if (component.length > 1 || edges.get(v).has(v)) {
    findings.push(`cycle: ${component.map((f) => relative(src, f)).sort().join(' <-> ')}`);
  }
}
for (const file of files) if (!index.has(file)) visit(file);

for (const line of findings) console.log(line);
console.log(`imports: ${findings.length} findings`);
process.exit(findings.length > 0 ? 1 : 0);
