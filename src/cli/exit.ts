// The one place where errors become exit codes (see CONTRACT.md).
import { FatalError, UsageError } from '../errors.js';

export const EXIT = { ok: 0, fatal: 1, usage: 2, partial: 3, interrupted: 130 } as const;

export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof FatalError) return EXIT.fatal;
  // Anything unexpected is a failure to do the job, not a usage problem.
  return EXIT.fatal;
}
