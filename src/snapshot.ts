/**
 * The start-up snapshot's entry (scripts/snapshot.mjs builds dist/dbx.blob from it; bin/dbx starts Node with it).
 * At build time every module a run may load is evaluated here, so the snapshot holds their code and state; the
 * main function runs at each start, with the arguments bin/dbx passes: the path of dist/cli.js (where the files
 * next to the bundle are found at run time), then the run's arguments.
 */
import { Readable, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { startupSnapshot } from 'node:v8';
import { main } from './cli-main.js';
import { run } from './program.js';
import { loadEngine } from './engines/index.js';
import './runner/session.js';
import './config/config-file.js';
import './config/profile.js';
import './config/profile-selection.js';
import './commands/run-script.js';
import './commands/kv-habits.js';

declare global {
  // the URL import.meta.url stands for in the snapshot's bundle (scripts/snapshot.mjs defines it)
  var __dbxModuleUrl: string | undefined;
}

// The engines evaluated into this snapshot: scripts/snapshot.mjs makes two, dist/dbx.blob with sql and kv (any
// command) and dist/kv.blob with kv alone (bin/dbx takes it for a command line with the word `kv`: 7 ms less to
// read for each `dbx kv …`). Either runs every command; the other engines' code is there, evaluated when used.
// mongodb is in neither: evaluating it and its packages grows the snapshot by 2.6 MB and every run's start with it.
for (const engine of (process.env.DBX_SNAPSHOT_ENGINES ?? 'sql,kv').split(',')) void loadEngine(engine as 'sql' | 'kv');

// V8 keeps the compiled code of what ran while the snapshot was made: building the whole command line once
// (`dbx --version`, into a stream that drops it) spares each run compiling commander and the command definitions
const drop = new Writable({ write: (_chunk, _encoding, done) => done() });
void run({ argv: ['--version'], env: {}, cwd: '/', stdin: Readable.from([]), stdout: drop, stderr: drop, onInterrupt: () => () => {} });

startupSnapshot.setDeserializeMainFunction(() => {
  // `node --snapshot-blob dist/dbx.blob dist/cli.js ARGS…`: process.argv is what `node dist/cli.js ARGS…` has
  globalThis.__dbxModuleUrl = pathToFileURL(process.argv[1]!).href;
  void main(process.argv.slice(2));
});
