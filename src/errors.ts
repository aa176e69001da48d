// One error hierarchy for the whole program. The core throws these; only the CLI entry maps them to
// exit codes (see exitCodeFor in src/cli/exit.ts), so library users get typed errors, not exits.

export interface ErrorDetails {
  cause?: unknown;
  /** A next step for the user, printed after the message. */
  hint?: string;
}

export class LeakmirrorError extends Error {
  readonly hint: string | undefined;
  constructor(message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.hint = details.hint;
  }
}

// ---- Usage and configuration errors: the user must change the command or the config (exit 2). ----

export class UsageError extends LeakmirrorError {}

export class ConfigError extends UsageError {
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly key: string | undefined;
  constructor(message: string, where: { file?: string; line?: number; key?: string } = {}, details: ErrorDetails = {}) {
    super(message, details);
    this.file = where.file;
    this.line = where.line;
    this.key = where.key;
  }
}

export class NotAMirrorError extends UsageError {
  constructor(dir: string) {
    super(`${dir} is not a leakmirror mirror (no leakmirror.yaml found)`, {
      hint: `run \`leakmirror init ${dir}\` to create one, or pass the mirror with -C <dir>`,
    });
  }
}

export class UnknownDocumentError extends UsageError {
  readonly id: string;
  readonly suggestions: string[];
  constructor(id: string, suggestions: string[]) {
    super(`unknown document id: ${id}`, {
      hint: suggestions.length > 0 ? `did you mean: ${suggestions.join(', ')}` : 'run `leakmirror list` to see the document ids',
    });
    this.id = id;
    this.suggestions = suggestions;
  }
}

export class UnknownSourceError extends UsageError {
  constructor(name: string, known: string[]) {
    super(`unknown source: ${name}`, {
      hint: known.length > 0 ? `configured sources: ${known.join(', ')}` : 'no sources configured yet: add one with `leakmirror add <url>`',
    });
  }
}

export class UnknownRevisionError extends UsageError {}

// ---- Fatal errors: nothing or not everything could be stored (exit 1). ----

export class FatalError extends LeakmirrorError {}

/** The mirror's git repository or files could not be written or read. */
export class StoreError extends FatalError {}

/** Another run holds the mirror's lock. */
export class LockError extends FatalError {}

// ---- Operational errors of one document: recorded in the report, the run goes on. ----

/**
 * Why a document failed, stable strings that scripts can match on. `http-<code>` carries the status.
 */
export type FailureClass =
  | 'bad-url'
  | 'blocked-address'
  | 'blocked-by-robots'
  | 'blocked-redirect'
  | 'dns'
  | 'connect'
  | 'timeout'
  | 'network'
  | `http-${number}`
  | 'too-big'
  | 'too-many-redirects'
  | 'bad-content'
  | 'encrypted'
  | 'extract-timeout';

export class DocumentError extends LeakmirrorError {
  readonly failure: FailureClass;
  constructor(failure: FailureClass, message: string, details: ErrorDetails = {}) {
    super(message, details);
    this.failure = failure;
  }
}

export class FetchError extends DocumentError {}

export class ExtractError extends DocumentError {}

export function isLeakmirrorError(error: unknown): error is LeakmirrorError {
  return error instanceof LeakmirrorError;
}

/** A message for any thrown value, without a stack. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
