import type { Command } from 'commander';
import { parseInteger, withExamples, type Cli } from '../main.js';
import { table } from '../render.js';

interface RunsFlags {
  limit: number;
}

export function register(program: Command, cli: Cli): void {
  const command = program
    .command('runs')
    .description('recent sync runs from the run log (runs.jsonl, plus runs not yet committed), newest first; sources failing in several runs stand out')
    .option('--limit <n>', 'how many runs to show', parseInteger(1, 100_000), 20)
    .action(async (flags: RunsFlags, self: Command) => {
      const output = cli.output(self);
      const [{ openHistory }, { readRuns, failingSources }] = await Promise.all([import('../../core/history.js'), import('../../core/runs.js')]);
      const mirror = await openHistory(cli.mirrorDir(self));
      const runs = (await readRuns(mirror.dir)).slice(-flags.limit);
      const failing = failingSources(runs);
      runs.reverse();
      if (output.json) {
        output.printJson({ runs, failingSources: failing });
        return;
      }
      if (runs.length === 0) {
        output.print('no runs recorded yet: `leakmirror sync` records one per run');
        return;
      }
      const { chalk } = output;
      const rows = [['started', 'took', 'new', 'changed', 'removed', 'failed', 'failures', 'sources']];
      for (const run of runs) {
        const failures = Object.entries(run.failures ?? {})
          .map(([failure, count]) => `${failure}×${count}`)
          .join(' ');
        rows.push([
          run.time.slice(0, 19).replace('T', ' '),
          `${(run.durationMs / 1000).toFixed(1)}s`,
          String(run.summary.new),
          String(run.summary.changed),
          String(run.summary.removed),
          run.summary.failed > 0 ? chalk.red(String(run.summary.failed)) : '0',
          failures,
          `${run.sources.join(',')}${run.shard === undefined ? '' : ` (shard ${run.shard})`}${run.interrupted ? ' interrupted' : ''}`,
        ]);
      }
      output.print(table(rows, chalk));
      if (failing.length > 0) {
        output.print('');
        output.print(chalk.bold.red(`sources failing in several of these ${runs.length} runs:`));
        for (const entry of failing) {
          const classes = Object.entries(entry.classes)
            .map(([failure, count]) => `${failure}×${count}`)
            .join(' ');
          output.print(`  ${chalk.red(entry.source)}: failed in ${entry.failedRuns} runs${entry.streak > 1 ? `, the last ${entry.streak} in a row` : ''} (${classes})`);
        }
      }
    });
  withExamples(command, 'leakmirror runs', 'leakmirror runs --limit 100 --json | jq .failingSources');
}
