// The CLI entry: builds the commander program, runs one command, and turns errors into exit codes.
// Only the module of the command being run is loaded (all of them for help or an unknown name), and
// command modules import the core lazily, so `diff` never loads the fetcher, cheerio or pdf.js.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { errorMessage, isLeakmirrorError } from '../errors.js';
import { VERSION } from '../version.js';
import { EXIT, exitCodeFor } from './exit.js';
import { Output, type CliIO, type GlobalOptions } from './output.js';

interface CommandModule {
  register(program: Command, cli: Cli): void;
}

/** Every command, in the order help lists them, and how to load the module that defines it. */
const COMMANDS: ReadonlyArray<readonly [name: string, load: () => Promise<CommandModule>]> = [
  ['init', () => import('./commands/init.js')],
  ['add', () => import('./commands/add.js')],
  ['sources', () => import('./commands/sources.js')],
  ['sync', () => import('./commands/sync.js')],
  ['check', () => import('./commands/check.js')],
  ['list', () => import('./commands/list.js')],
  ['log', () => import('./commands/log.js')],
  ['show', () => import('./commands/show.js')],
  ['diff', () => import('./commands/diff.js')],
  ['changes', () => import('./commands/changes.js')],
  ['publish', () => import('./commands/publish.js')],
  ['reextract', () => import('./commands/reextract.js')],
  ['verify', () => import('./commands/verify.js')],
  ['watch', () => import('./commands/watch.js')],
  ['runs', () => import('./commands/runs.js')],
  ['export', () => import('./commands/export.js')],
  ['demo', () => import('./commands/demo.js')],
];

/**
 * The command an argument list names: its first word that is neither a global option nor the value
 * of `-C`/`--mirror`. Undefined when there is none (then every command is loaded, for help).
 */
export function commandNameOf(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') return argv[i + 1];
    if (arg === '--mirror' || /^-[A-Za-z]*C$/.test(arg)) {
      i++; // -C <dir>, -qC <dir>, --mirror <dir>: the next word is the directory
      continue;
    }
    if (arg.startsWith('-')) continue;
    return arg;
  }
  return undefined;
}

/** The modules to register for a run: the named command's alone when it is one, else all. */
async function commandModules(argv: readonly string[]): Promise<CommandModule[]> {
  const name = commandNameOf(argv);
  if (name === undefined && argv.some((arg) => arg === '-V' || arg === '--version')) return [];
  const named = COMMANDS.find(([command]) => command === name);
  if (named !== undefined) return [await named[1]()];
  return Promise.all(COMMANDS.map(([, load]) => load()));
}

export interface Cli {
  io: CliIO;
  /** The output for a command, honouring the global options. */
  output(command: Command): Output;
  /** The mirror directory: -C/--mirror, else the current directory. */
  mirrorDir(command: Command): string;
  /** Set the exit code a command ended with (errors are thrown instead). */
  exit(code: number): void;
  cwd: string;
}

export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

/** Add an example line to a command's help. */
export function withExamples(command: Command, ...examples: string[]): Command {
  return command.addHelpText('after', `\nExamples:\n${examples.map((example) => `  $ ${example}`).join('\n')}\n`);
}

export function parseInteger(min: number, max: number): (value: string) => number {
  return (value: string) => {
    const number = Number(value);
    if (!/^\d+$/.test(value) || number < min || number > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    }
    return number;
  };
}

const defaultIO: CliIO = { stdout: process.stdout, stderr: process.stderr, env: process.env };

/** `leakmirror log x | head`: the reader went away, which is not an error worth a stack trace. */
function exitQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
  }
}

export async function main(argv: readonly string[], io: CliIO = defaultIO, cwd: string = process.cwd()): Promise<number> {
  if (io === defaultIO) exitQuietlyOnClosedPipe();
  let exitCode: number = EXIT.ok;
  let lastOutput: Output | undefined;
  const cli: Cli = {
    io,
    cwd,
    output(command) {
      lastOutput = new Output(io, globalOptions(command));
      return lastOutput;
    },
    mirrorDir(command) {
      return globalOptions(command).mirror ?? cwd;
    },
    exit(code) {
      exitCode = code;
    },
  };

  const program = new Command('leakmirror')
    .description('Keep a faithful, versioned public mirror of documents that matter: fetch, extract, commit every version to git, diff, publish.')
    .version(VERSION, '-V, --version', 'print the version')
    .option('-C, --mirror <dir>', 'the mirror repository to work on (default: the current directory)')
    .option('--json', 'one JSON document on stdout, nothing else there; messages go to stderr')
    .option('--no-color', 'no ANSI colour (also off with NO_COLOR or when stdout is not a terminal)')
    .addOption(new Option('-q, --quiet', 'less on stderr').conflicts('verbose'))
    .option('-v, --verbose', 'more on stderr, with stack traces on errors')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });
  withExamples(program, 'leakmirror init my-mirror', 'leakmirror -C my-mirror add https://example.org/leaks/ --links "a.doc" --match "\\.pdf$"', 'leakmirror -C my-mirror sync', 'leakmirror -C my-mirror diff <id>');

  for (const module of await commandModules(argv)) module.register(program, cli);

  try {
    if (argv.length === 0) {
      program.outputHelp({ error: true });
      return EXIT.usage;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end with 0; every other commander complaint is a usage error.
      if (error.exitCode === 0) return EXIT.ok;
      return EXIT.usage;
    }
    const output = lastOutput ?? new Output(io, {});
    output.error(errorMessage(error));
    if (isLeakmirrorError(error) && error.hint !== undefined) output.hint(error.hint);
    if (output.verbose && error instanceof Error && error.stack !== undefined) io.stderr.write(`${error.stack}\n`);
    else if (!isLeakmirrorError(error)) output.hint('this looks like a bug in leakmirror; run again with --verbose for the stack trace');
    return exitCodeFor(error);
  }
}
