// Where the CLI writes: results to stdout (JSON alone with --json), messages to stderr, colour only
// when it can be seen (a TTY, no NO_COLOR, no --no-color, no --json).
import { Chalk, type ChalkInstance } from 'chalk';

export interface CliIO {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  env: Record<string, string | undefined>;
}

export interface GlobalOptions {
  mirror?: string;
  json?: boolean;
  color?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

export class Output {
  readonly chalk: ChalkInstance;
  readonly errChalk: ChalkInstance;
  readonly json: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;

  constructor(
    private readonly io: CliIO,
    options: GlobalOptions,
  ) {
    this.json = options.json === true;
    this.quiet = options.quiet === true;
    this.verbose = options.verbose === true && !this.quiet;
    const colorAllowed = options.color !== false && !this.json && io.env.NO_COLOR === undefined && io.env.TERM !== 'dumb';
    const forced = io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0' && options.color !== false && !this.json;
    this.chalk = new Chalk({ level: (colorAllowed && io.stdout.isTTY === true) || forced ? 1 : 0 });
    this.errChalk = new Chalk({ level: (colorAllowed && io.stderr.isTTY === true) || forced ? 1 : 0 });
  }

  get colored(): boolean {
    return this.chalk.level > 0;
  }

  /** A result for stdout (plain text mode). */
  print(text: string): void {
    this.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** The one JSON document of a --json run. */
  printJson(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** Progress and notes, on stderr; silenced by --quiet. */
  info(text: string): void {
    if (!this.quiet) this.io.stderr.write(`${text}\n`);
  }

  /** Only with --verbose. */
  debug(text: string): void {
    if (this.verbose) this.io.stderr.write(`${this.errChalk.dim(text)}\n`);
  }

  warn(text: string): void {
    this.io.stderr.write(`${this.errChalk.yellow('warning:')} ${text}\n`);
  }

  error(text: string): void {
    this.io.stderr.write(`${this.errChalk.red('error:')} ${text}\n`);
  }

  hint(text: string): void {
    this.io.stderr.write(`${this.errChalk.dim('hint:')} ${text}\n`);
  }
}
