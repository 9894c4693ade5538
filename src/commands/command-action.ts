/**
 * How a subcommand's action ends: commander's actions return nothing, so each fills the ExitSlot that
 * src/program.ts reads its exit code from.
 */
import type { Deps } from '../runner/deps.js';
import { reportError, type ReportSettings } from '../runner/report-error.js';

/** The slot that the running action fills with its exit code. */
export interface ExitSlot {
  code: number;
}

/**
 * Runs the action of a command that runs no statements (profile, ping, init) and puts its exit code in the slot;
 * whatever it throws is reported here, the one place for those commands (statements report through
 * src/runner/statement-runner.ts).
 */
export async function settle(
  exit: ExitSlot,
  deps: Pick<Deps, 'stderr'>,
  settings: ReportSettings,
  work: () => Promise<number>,
): Promise<void> {
  try {
    exit.code = await work();
  } catch (e) {
    exit.code = reportError(e, deps.stderr, settings);
  }
}
