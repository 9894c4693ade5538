/**
 * The entry point: the only place that touches process.argv, process.env, the real streams and the exit code.
 */
import { run } from './program.js';
import { reportError } from './runner/report-error.js';

function onInterrupt(handler: () => void): () => void {
  let count = 0;
  const listener = () => {
    count += 1;
    if (count > 1) process.exit(130); // a second Ctrl-C while the server is still cancelling
    handler();
  };
  process.on('SIGINT', listener);
  return () => process.off('SIGINT', listener);
}

// a closed pipe (dbx … | head) is not an error
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
});

try {
  process.exitCode = await run({
    argv: process.argv.slice(2),
    env: process.env,
    cwd: process.cwd(),
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    onInterrupt,
  });
} catch (e) {
  process.exitCode = reportError(e, process.stderr, { json: false, verbose: process.argv.includes('-v') || process.argv.includes('--verbose') });
}
