/**
 * The profile's `safety` setting, applied before anything of a script runs: under readonly every write is
 * refused (exit 4); under confirm every destructive statement must be confirmed (a TTY answer of "yes", or --yes).
 */
import type { Engine, Statement } from '../engines/engine.js';
import { SafetyError } from '../errors.js';
import { statementLabel } from './statement-runner.js';

export type SafetyMode = 'off' | 'confirm' | 'readonly';

export interface SafetyIO {
  yes: boolean;
  /** asks a question on the TTY and returns the answer; undefined when there is no TTY */
  ask?: (question: string) => Promise<string>;
  profile: string;
}

/** the statement on one line, secrets masked, cut at 80 characters */
export function shortLabel(engine: Pick<Engine, 'name' | 'redact'>, stmt: Statement): string {
  const one = statementLabel(engine, stmt).replace(/\s+/g, ' ').trim();
  return one.length > 80 ? one.slice(0, 77) + '...' : one;
}

export async function checkSafety(engine: Engine, statements: Statement[], mode: SafetyMode, io: SafetyIO): Promise<void> {
  // an engine that reaches a replica (kv role: replica) is read-only whatever the profile's safety says
  const readOnly = mode === 'readonly' || engine.readOnlyReason !== undefined;
  // and some statements are confirmed whatever it says (kv: FLUSHALL on every master of a cluster)
  const always = new Map<Statement, string>();
  if (engine.confirmAlways) {
    for (const stmt of statements) {
      const why = engine.confirmAlways(stmt);
      if (why !== undefined) always.set(stmt, why);
    }
  }
  if (mode === 'off' && !readOnly && always.size === 0) return;
  const destructive: Statement[] = [];
  for (const stmt of statements) {
    const c = await engine.classify(stmt);
    if (readOnly && c.write) {
      const why = mode === 'readonly' ? `profile '${io.profile}' is read-only` : engine.readOnlyReason!;
      throw new SafetyError(`refused: ${why} and this statement writes: ${shortLabel(engine, stmt)}`, {
        engine: engine.name,
        endpoint: engine.endpoint,
        statement: statementLabel(engine, stmt),
        code: 'READ_ONLY',
        hint: mode === 'readonly' ? 'use a profile whose safety is not readonly to change data' : 'writes go to the master: role: master (the default)',
      });
    }
    if ((mode === 'confirm' && c.destructive) || always.has(stmt)) destructive.push(stmt);
  }
  if (destructive.length === 0 || io.yes) return;
  const list = destructive.map((s) => `  ${shortLabel(engine, s)}`).join('\n');
  const reasons = [...new Set(destructive.map((s) => always.get(s)).filter((r): r is string => r !== undefined))];
  const because = reasons.length > 0 ? ` (${reasons.join('; ')})` : '';
  const refuse = (why: string) =>
    new SafetyError(`refused: ${why}:\n${list}`, {
      engine: engine.name,
      endpoint: engine.endpoint,
      statement: statementLabel(engine, destructive[0]!),
      code: 'NOT_CONFIRMED',
      hint: 'run again with --yes to confirm',
    });
  if (!io.ask) {
    const who = mode === 'confirm' ? `profile '${io.profile}' asks to confirm destructive statements` : `these must be confirmed${because}`;
    throw refuse(`${who} and there is no TTY to ask`);
  }
  const answer = await io.ask(`Profile '${io.profile}' (${engine.endpoint}): about to run${because}\n${list}\nType yes to continue: `);
  if (answer.trim().toLowerCase() !== 'yes') throw refuse('not confirmed');
}
