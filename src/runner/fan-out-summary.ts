/**
 * The end of a fan-out: one summary line on stderr ("3 profiles: 2 ok, 1 failed (b: cannot connect)"; under
 * --json one JSON line), and the exit code, the most severe of all profiles' (CONTRACT "Errors and exit codes").
 */
import { ExitCode } from '../errors.js';

export interface ProfileOutcome {
  profile: string;
  /** 'cancelled': --fail-fast stopped it after another failed; 'not run': it had not started then (or Ctrl-C) */
  state: 'ok' | 'failed' | 'cancelled' | 'not run';
  exitCode: number;
  /** the error's code, when an error decided the outcome */
  code?: string;
}

/** Most severe first: a signal, a bug, then the contract's order (3 before 1 before 4). */
const SEVERITY: readonly number[] = [
  ExitCode.terminated, ExitCode.hangup, ExitCode.interrupted, ExitCode.internal, ExitCode.connect, ExitCode.usage, ExitCode.statement, ExitCode.safety,
];

const REASONS: Record<number, string> = {
  [ExitCode.statement]: 'statement failed',
  [ExitCode.usage]: 'usage error',
  [ExitCode.connect]: 'cannot connect',
  [ExitCode.safety]: 'refused by safety',
  [ExitCode.internal]: 'internal error',
  [ExitCode.interrupted]: 'interrupted',
  [ExitCode.terminated]: 'terminated',
  [ExitCode.hangup]: 'hung up',
};

/** At most this many failures are named on the human line; the JSON line names them all. */
const NAMED = 5;

export function fanOutExitCode(outcomes: readonly ProfileOutcome[]): number {
  const codes = outcomes.filter((o) => o.state === 'failed').map((o) => o.exitCode);
  return SEVERITY.find((code) => codes.includes(code)) ?? (codes.length > 0 ? codes[0]! : ExitCode.ok);
}

export function summaryLine(outcomes: readonly ProfileOutcome[], json: boolean): string {
  const count = (state: ProfileOutcome['state']) => outcomes.filter((o) => o.state === state).length;
  const failed = outcomes.filter((o) => o.state === 'failed');
  if (json) {
    const summary = {
      profiles: outcomes.length,
      ok: count('ok'),
      failed: failed.length,
      cancelled: count('cancelled'),
      notRun: count('not run'),
      exitCode: fanOutExitCode(outcomes),
      results: outcomes.map((o) => ({
        profile: o.profile,
        outcome: o.state,
        exitCode: o.exitCode,
        ...(o.code === undefined ? {} : { code: o.code }),
      })),
    };
    return `${JSON.stringify({ summary })}\n`;
  }
  const named = failed.slice(0, NAMED).map((o) => `${o.profile}: ${REASONS[o.exitCode] ?? `exit ${o.exitCode}`}`);
  if (failed.length > NAMED) named.push(`${failed.length - NAMED} more`);
  const parts = [`${count('ok')} ok`];
  if (failed.length > 0) parts.push(`${failed.length} failed (${named.join(', ')})`);
  if (count('cancelled') > 0) parts.push(`${count('cancelled')} cancelled`);
  if (count('not run') > 0) parts.push(`${count('not run')} not run`);
  return `${outcomes.length} profiles: ${parts.join(', ')}\n`;
}
