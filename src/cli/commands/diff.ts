import { Option, type Command } from 'commander';
import type { DiffMode } from '../../diff/types.js';
import { EXIT } from '../exit.js';
import { parseInteger, withExamples, type Cli } from '../main.js';
import type { Output } from '../output.js';

interface DiffFlags {
  from?: string;
  to?: string;
  mode: DiffMode;
  format: 'text' | 'patch' | 'json';
  context: number;
  exitCode?: boolean;
}

export function register(program: Command, cli: Cli): void {
  const command = program
    .command('diff')
    .description('what changed in a document between two versions (default: the last change)')
    .argument('<id>', 'document id (see `leakmirror list`)')
    .option('--from <rev>', 'older version: commit id or prefix, ISO date, or @N (default: the version before the last change)')
    .option('--to <rev>', 'newer version (default: the latest, @0)')
    .addOption(new Option('--mode <mode>', 'granularity').choices(['line', 'word']).default('word'))
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'patch', 'json']).default('text'))
    .option('-U, --context <lines>', 'unchanged lines shown around each change', parseInteger(0, 1000), 3)
    .option('--exit-code', 'exit 1 when the versions differ, 0 when they do not (like git diff)')
    .action(async (id: string, flags: DiffFlags, self: Command) => {
      const output = cli.output(self);
      const differs = await runDiff(cli, output, id, flags, cli.mirrorDir(self));
      if (flags.exitCode === true && differs) cli.exit(EXIT.fatal);
    });
  withExamples(
    command,
    'leakmirror diff drafts/draft-itrs-td64',
    'leakmirror diff drafts/draft-itrs-td64 --from @2 --to @0 --mode line',
    'leakmirror diff drafts/draft-itrs-td64 --from 2012-12-01 --format patch > changes.patch',
  );
}

/** Print a diff; returns whether the two versions differ. Shared with the demo. */
export async function runDiff(cli: Cli, output: Output, id: string, flags: DiffFlags, mirrorDir: string): Promise<boolean> {
  // Only git, the history module and the diff engine: no fetcher, cheerio or pdf.js on this path.
  const [{ openMirror }, history, diffModule] = await Promise.all([
    import('../../core/mirror.js'),
    import('../../core/history.js'),
    import('../../diff/index.js'),
  ]);
  const mirror = await openMirror(mirrorDir);
  await history.findDocument(mirror.dir, id);
  const versions = await history.documentVersions(mirror.repo, id);
  const defaults = history.defaultDiffPair(versions);
  const from = flags.from === undefined ? defaults.from : history.resolveRevision(versions, flags.from);
  const to = flags.to === undefined ? defaults.to : history.resolveRevision(versions, flags.to);
  const [oldText, newText] = await Promise.all([history.textAt(mirror.repo, id, from), history.textAt(mirror.repo, id, to)]);
  const result = diffModule.diffTexts(oldText, newText, { mode: flags.mode, context: flags.context });
  const format = output.json ? 'json' : flags.format;
  if (format === 'json') {
    output.printJson(diffModule.toJson(result, { id, from: from.commit, to: to.commit }));
  } else if (format === 'patch') {
    const path = `text/${id}.txt`;
    cli.io.stdout.write(diffModule.formatPatch(result, { oldName: path, newName: path }));
  } else {
    const { chalk } = output;
    const painter = output.colored
      ? {
          added: (text: string) => chalk.green(text),
          removed: (text: string) => chalk.red.strikethrough(text),
          hunkHeader: (text: string) => chalk.cyan(text),
          meta: (text: string) => chalk.bold(text),
        }
      : diffModule.plainPainter;
    const header = `${id}: ${from.commit.slice(0, 10)} (${from.date}) -> ${to.commit.slice(0, 10)} (${to.date})`;
    if (result.hunks.length === 0) {
      output.print(`${painter.meta(header)}\nno differences in the text${from.commit === to.commit ? ' (same version)' : ''}`);
    } else {
      cli.io.stdout.write(diffModule.formatText(result, { painter, header }));
      const { stats } = result;
      output.print(painter.meta(`${stats.wordsAdded} words added, ${stats.wordsRemoved} removed; ${stats.linesAdded} lines added, ${stats.linesRemoved} removed${result.degraded ? ' (coarse diff: the texts differ too much for a finer one)' : ''}`));
    }
  }
  return result.hunks.length > 0;
}
