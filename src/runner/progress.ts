/**
 * The progress line of a long script (`dbx sql -f big.sql`, `dbx kv -f bulk.txt`): one line on stderr, rewritten at
 * most 10 times a second — statements done of total, elapsed time, rate — and erased when the script ends.
 *
 * Only when stderr is a terminal, never with -q or --json/ndjson (whose stderr carries JSON lines), and only once the
 * script has run for half a second (a short one never flashes it). Everything else the run writes goes to the
 * streams this hands out: each write first erases the line, and the line is drawn again only after a write that
 * ended its own line, so results and status lines on the same terminal are never cut or overwritten.
 */
import { clearLine, cursorTo } from 'node:readline';
import type { EngineName } from '../engines/engine.js';
import type { Deps } from './deps.js';
import { wantsJson, type GlobalOptions } from './options.js';

/** how often the line may change */
const INTERVAL_MS = 100;
/** a script that ends sooner shows no line at all */
const DELAY_MS = 500;

const NOUN: Record<EngineName, string> = { sql: 'statements', kv: 'commands', doc: 'statements' };

export interface Progress {
  /** `done` statements of `total` have finished (total may change: sql splits the rest again after a sql_mode change) */
  update(done: number, total: number): void;
  /** erase the line and stop */
  stop(): void;
}

const NONE: Progress = { update() {}, stop() {} };

/** "1,234/10,000 statements  12%  3.2 s  385/s" */
function progressText(noun: string, done: number, total: number, seconds: number): string {
  const n = (v: number) => v.toLocaleString('en-US');
  const percent = total > 0 ? Math.floor((done / total) * 100) : 0;
  const rate = seconds > 0 ? done / seconds : 0;
  const perSecond = rate >= 100 ? n(Math.round(rate)) : rate.toFixed(1);
  return `${n(done)}/${n(total)} ${noun}  ${percent}%  ${seconds.toFixed(1)} s  ${perSecond}/s`;
}

type Stream = Deps['stderr'];

/**
 * A write-through view of `stream` that erases the progress line first; `ended` learns whether the text written
 * ends its line (the line may be drawn again after it).
 */
function erasingBefore<T extends Stream>(stream: T, erase: () => void, ended: (lineEnded: boolean) => void): T {
  return new Proxy(stream, {
    get(target, prop) {
      if (prop === 'write') {
        return (chunk: string | Uint8Array, ...rest: unknown[]) => {
          erase();
          const length = chunk.length;
          if (length > 0) ended(typeof chunk === 'string' ? chunk.endsWith('\n') : chunk[length - 1] === 0x0a);
          return (target.write as (...args: unknown[]) => boolean)(chunk, ...rest);
        };
      }
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * The progress line for a script of `total` statements, and the deps the run must write through (unchanged when no
 * line is shown). `tagged`: a fan-out profile, whose output lanes are no terminal.
 */
export function startProgress(
  engine: EngineName, total: number, opts: Pick<GlobalOptions, 'quiet' | 'format'>, deps: Deps,
): { progress: Progress; deps: Deps } {
  if (total < 2 || !deps.stderr.isTTY || opts.quiet || wantsJson(opts)) return { progress: NONE, deps };
  const terminal = deps.stderr;
  const started = performance.now();
  let done = 0;
  let all = total;
  let shown = '';
  let lineEnded = true;
  let stopped = false;
  const erase = (): void => {
    if (shown === '') return;
    shown = '';
    cursorTo(terminal, 0);
    clearLine(terminal, 0);
  };
  const draw = (): void => {
    if (stopped || !lineEnded) return;
    const seconds = (performance.now() - started) / 1000;
    if (seconds * 1000 < DELAY_MS) return;
    const columns = (terminal as { columns?: number }).columns || 80; // 0: a terminal that does not say
    // one line, never wrapped: a wrapped line could not be erased by going back to column 0
    const text = progressText(NOUN[engine], done, all, seconds).slice(0, Math.max(0, columns - 1));
    if (text === shown) return;
    cursorTo(terminal, 0);
    terminal.write(text);
    clearLine(terminal, 1);
    shown = text;
  };
  const timer = setInterval(draw, INTERVAL_MS);
  timer.unref();
  const ended = (value: boolean): void => {
    lineEnded = value;
  };
  const wrapped: Deps = { ...deps, stderr: erasingBefore(deps.stderr, erase, ended) };
  // results on the same terminal are erased around too; redirected ones cannot disturb it
  if (deps.stdout.isTTY) wrapped.stdout = erasingBefore(deps.stdout, erase, ended);
  const progress: Progress = {
    update(n, t) {
      done = n;
      all = t;
    },
    stop() {
      stopped = true;
      clearInterval(timer);
      erase();
    },
  };
  return { progress, deps: wrapped };
}
