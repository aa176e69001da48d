// `watch --every <duration>`: run a task (sync, then publish when something changed) on a schedule,
// one run at a time: the next run is scheduled only after the previous one finished, so runs never
// overlap however long one takes. A stop signal ends the wait at once, or lets the run in progress
// finish (the task gets the signal and decides how) and then stops. Never prints: events out.
import { UsageError } from '../errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const MAX_MS = 30 * 86_400_000;

/**
 * `90s`, `30m`, `6h`, `1d`, `1h30m`, `500ms`: whole numbers with a unit, largest unit first, no
 * spaces, at least 1 ms and at most 30 days. Anything else is a usage error (exit 2).
 */
export function parseDuration(text: string, what = 'duration'): number {
  const trimmed = text.trim();
  const pattern = /(\d+)(ms|s|m|h|d)/gy;
  let total = 0;
  let matched = 0;
  let lastUnit = Infinity;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(trimmed)) !== null) {
    const unit = UNITS[match[2] as string] as number;
    if (unit >= lastUnit) break;
    lastUnit = unit;
    total += Number(match[1]) * unit;
    matched = pattern.lastIndex;
  }
  if (trimmed === '' || matched !== trimmed.length || total < 1 || total > MAX_MS) {
    throw new UsageError(`invalid ${what} "${text}": use a number with a unit, like 90s, 30m, 6h or 1h30m (ms, s, m, h, d; at most 30 days)`);
  }
  return total;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const parts: string[] = [];
  let rest = Math.round(ms / 1000);
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('');
}

export type WatchEvent<T> =
  | { type: 'run-start'; run: number; at: string }
  | { type: 'run-end'; run: number; result: T; durationMs: number }
  | { type: 'run-error'; run: number; error: unknown; durationMs: number }
  | { type: 'waiting'; run: number; until: string; delayMs: number }
  | { type: 'stopped'; runs: number; reason: 'signal' | 'max-runs' };

export interface WatchOptions<T> {
  everyMs: number;
  /** A random extra delay from 0 to this before each next run (spreads many mirrors' load). */
  jitterMs?: number | undefined;
  /** Stop after this many runs (tests, bounded jobs). */
  maxRuns?: number | undefined;
  /** Stops the schedule: during a wait at once, during a run after it (the run gets the signal). */
  signal?: AbortSignal | undefined;
  run(signal: AbortSignal | undefined, number: number): Promise<T>;
  onEvent?: ((event: WatchEvent<T>) => void) | undefined;
  /** Errors that must end the schedule (a broken configuration) rather than wait for the next run. */
  isFatal?: ((error: unknown) => boolean) | undefined;
  random?: (() => number) | undefined;
}

export interface WatchResult {
  runs: number;
  failedRuns: number;
  reason: 'signal' | 'max-runs';
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export async function watch<T>(options: WatchOptions<T>): Promise<WatchResult> {
  const emit = options.onEvent ?? (() => undefined);
  const random = options.random ?? Math.random;
  let runs = 0;
  let failedRuns = 0;
  // A function, so TypeScript does not narrow `aborted` across the awaits.
  const stopped = (): boolean => options.signal?.aborted === true;
  for (;;) {
    if (stopped()) break;
    runs += 1;
    const started = Date.now();
    emit({ type: 'run-start', run: runs, at: new Date(started).toISOString() });
    try {
      const result = await options.run(options.signal, runs);
      emit({ type: 'run-end', run: runs, result, durationMs: Date.now() - started });
    } catch (error) {
      failedRuns += 1;
      emit({ type: 'run-error', run: runs, error, durationMs: Date.now() - started });
      if (options.isFatal?.(error) === true) throw error;
    }
    if (options.maxRuns !== undefined && runs >= options.maxRuns) {
      emit({ type: 'stopped', runs, reason: 'max-runs' });
      return { runs, failedRuns, reason: 'max-runs' };
    }
    if (stopped()) break;
    // The interval counts from the end of a run: a run longer than the interval never overlaps the next.
    const delayMs = options.everyMs + Math.floor(random() * (options.jitterMs ?? 0));
    emit({ type: 'waiting', run: runs, until: new Date(Date.now() + delayMs).toISOString(), delayMs });
    await sleep(delayMs, options.signal);
  }
  emit({ type: 'stopped', runs, reason: 'signal' });
  return { runs, failedRuns, reason: 'signal' };
}
