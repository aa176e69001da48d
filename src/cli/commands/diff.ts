import { Option, type Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { DiffMode } from '../../diff/types.js';
import type { IgnoreRules } from '../../diff/ignore.js';
import type { HtmlLayout } from '../../diff/format-html.js';
import { EXIT } from '../exit.js';
import { parseInteger, withExamples, type Cli } from '../main.js';
import type { Output } from '../output.js';

export interface DiffFlags {
  from?: string;
  to?: string;
  mode: DiffMode;
  format: 'text' | 'patch' | 'json' | 'html';
  context: number;
  exitCode?: boolean;
  htmlLayout?: HtmlLayout;
  stat?: boolean;
  ignoreWhitespace?: boolean;
  ignoreCase?: boolean;
  ignore?: string[];
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function register(program: Command, cli: Cli): void {
  const command = program
    .command('diff')
    .description('what changed in a document between two versions (default: the last change)')
    .argument('<id>', 'document id (see `leakmirror list`)')
    .option('--from <rev>', 'older version: commit id or prefix, ISO date, or @N (default: the version before the last change)')
    .option('--to <rev>', 'newer version (default: the latest, @0)')
    .addOption(new Option('--mode <mode>', 'granularity: whole lines, words, or characters inside changed words').choices(['line', 'word', 'char']).default('word'))
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'patch', 'json', 'html']).default('text'))
    .addOption(new Option('--html-layout <layout>', 'with --format html: changes inline, or old and new side by side').choices(['inline', 'side-by-side']).default('inline'))
    .option('-U, --context <lines>', 'unchanged lines shown around each change', parseInteger(0, 1000), 3)
    .option('--stat', 'only the summary: words and lines added and removed, share of the words changed')
    .option('-w, --ignore-whitespace', 'whitespace differences are no change (spacing, line breaks, blank lines, CRLF)')
    .option('-i, --ignore-case', 'letter case differences are no change')
    .option('--ignore <regex>', 'text matching this regular expression (per line) is no change; repeatable', collect)
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
    'leakmirror diff drafts/draft-itrs-td64 --mode char --ignore "Printed on \\S+" --ignore-whitespace',
    'leakmirror diff drafts/draft-itrs-td64 --format html --html-layout side-by-side > diff.html',
    'leakmirror diff drafts/draft-itrs-td64 --stat --json',
  );
}

/** Print a diff; returns whether the two versions differ. Shared with the demo. */
export async function runDiff(cli: Cli, output: Output, id: string, flags: DiffFlags, mirrorDir: string): Promise<boolean> {
  const format = output.json ? 'json' : flags.format;
  if (flags.stat === true && (format === 'patch' || format === 'html')) {
    throw new UsageError(`--stat prints a summary, which --format ${format} cannot hold`, { hint: 'use --stat alone (text) or with --json' });
  }
  // Only the history module (which spawns git itself) and the diff engine: no configuration, no
  // simple-git, no fetcher, cheerio or pdf.js on this path; formatters are loaded when used.
  const [history, engine, ignore] = await Promise.all([import('../../core/history.js'), import('../../diff/engine.js'), import('../../diff/ignore.js')]);
  const rules: IgnoreRules | undefined =
    flags.ignoreWhitespace === true || flags.ignoreCase === true || (flags.ignore?.length ?? 0) > 0
      ? { whitespace: flags.ignoreWhitespace === true, case: flags.ignoreCase === true, patterns: flags.ignore ?? [] }
      : undefined;
  ignore.compileIgnoreRules(rules); // an invalid pattern is a usage error before any work

  const mirror = await history.openHistory(mirrorDir);
  // cat-file starts now and gets its object names once the log has said which versions.
  const reader = history.objectReader(mirror.repo);
  let oldText: string;
  let newText: string;
  let meta: Awaited<ReturnType<typeof history.findDocument>>;
  let lineBlocks: Awaited<ReturnType<typeof history.changedLines>>;
  let from: Awaited<ReturnType<typeof history.documentVersions>>[number];
  let to: typeof from;
  try {
    let versions: Awaited<ReturnType<typeof history.documentVersions>>;
    [meta, versions] = await Promise.all([history.findDocument(mirror.repo, id), history.documentVersions(mirror.repo, id)]);
    const defaults = history.defaultDiffPair(versions);
    from = flags.from === undefined ? defaults.from : history.resolveRevision(versions, flags.from);
    to = flags.to === undefined ? defaults.to : history.resolveRevision(versions, flags.to);
    // git's own line diff of the two stored texts runs beside the read of the texts; the engine
    // then only refines inside the changed lines (under ignore rules it compares lines itself).
    const [texts, blocks] = await Promise.all([
      history.textsAt(mirror.repo, id, from.commit === to.commit ? [from] : [from, to], reader),
      rules === undefined && from.commit !== to.commit ? history.changedLines(mirror.repo, id, from, to) : undefined,
    ]);
    oldText = texts[0] ?? '';
    newText = texts[texts.length - 1] ?? '';
    lineBlocks = blocks;
  } finally {
    reader.close();
  }
  const result = engine.diffTexts(oldText, newText, { mode: flags.mode, context: flags.context, ignore: rules, lineBlocks });
  const differs = result.hunks.length > 0;
  const labels = { id, from: from.commit, to: to.commit, fromDate: from.date, toDate: to.date };

  if (format === 'json') {
    const json = await import('../../diff/format-json.js');
    output.printJson(flags.stat === true ? json.toJsonStat(result, labels) : json.toJson(result, labels));
    return differs;
  }
  if (format === 'patch') {
    const { formatPatch } = await import('../../diff/format-patch.js');
    const path = mirror.repo.layout.documentPaths(id).text;
    cli.io.stdout.write(formatPatch(result, { oldName: path, newName: path }));
    return differs;
  }
  if (format === 'html') {
    const [{ formatHtml }, { VERSION }] = await Promise.all([import('../../diff/format-html.js'), import('../../version.js')]);
    cli.io.stdout.write(
      formatHtml(result, {
        id,
        title: meta.title,
        url: meta.url,
        from: { commit: from.commit, date: from.date },
        to: { commit: to.commit, date: to.date },
        layout: flags.htmlLayout ?? 'inline',
        generator: `leakmirror ${VERSION}`,
      }),
    );
    return differs;
  }

  const text = await import('../../diff/format-text.js');
  const { chalk } = output;
  const painter = output.colored
    ? {
        added: (s: string) => chalk.green(s),
        removed: (s: string) => chalk.red.strikethrough(s),
        hunkHeader: (s: string) => chalk.cyan(s),
        meta: (s: string) => chalk.bold(s),
      }
    : text.plainPainter;
  const header = `${id}: ${from.commit.slice(0, 10)} (${from.date}) -> ${to.commit.slice(0, 10)} (${to.date})`;
  const summary = (): string => {
    const { stats } = result;
    const chars = flags.mode === 'char' ? `; ${stats.charsAdded} characters added, ${stats.charsRemoved} removed` : '';
    return (
      `${stats.wordsAdded} words added, ${stats.wordsRemoved} removed; ${stats.linesAdded} lines added, ${stats.linesRemoved} removed${chars}; ` +
      `${shareText(stats.share)} of words changed${result.degraded ? ' (coarse diff: the texts differ too much for a finer one)' : ''}`
    );
  };
  if (!differs) {
    output.print(`${painter.meta(header)}\nno differences in the text${from.commit === to.commit ? ' (same version)' : result.ignored !== undefined && oldText !== newText ? ' (apart from what is ignored)' : ''}`);
  } else if (flags.stat === true) {
    output.print(`${painter.meta(header)}\n${summary()} (${result.hunks.length} ${result.hunks.length === 1 ? 'place' : 'places'})`);
  } else {
    cli.io.stdout.write(text.formatText(result, { painter, header }));
    output.print(painter.meta(summary()));
  }
  return differs;
}

/** "3.2%" with one decimal ("<0.1%" for a tiny non-zero share). */
function shareText(share: number): string {
  if (share > 0 && share < 0.0005) return '<0.1%';
  return `${(Math.round(share * 1000) / 10).toFixed(1)}%`;
}
