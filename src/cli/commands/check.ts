import type { Command } from 'commander';
import { parseInteger, withExamples, type Cli } from '../main.js';

export function register(program: Command, cli: Cli): void {
  const command = program
    .command('check')
    .description('fetch every document of a source twice, a few seconds apart, and report the ones whose text changes between fetches (noise), with a suggested ignore rule; writes nothing')
    .argument('<source>', 'source name (see `leakmirror sources`)')
    .option('--interval <ms>', 'time between the two fetches', parseInteger(0, 600_000), 5000)
    .option('--delay <ms>', 'minimum delay between requests to one host', parseInteger(0, 600_000))
    .option('--allow-private-network', 'permit loopback and private addresses')
    .action(async (sourceName: string, flags: { interval: number; delay?: number; allowPrivateNetwork?: boolean }, self: Command) => {
      const output = cli.output(self);
      const { check } = await import('../../core/check.js');
      const result = await check({ mirrorDir: cli.mirrorDir(self), source: sourceName, intervalMs: flags.interval, delayMs: flags.delay, allowPrivateNetwork: flags.allowPrivateNetwork, env: cli.io.env });
      if (output.json) {
        output.printJson(result);
        return;
      }
      const { chalk } = output;
      for (const doc of result.documents) {
        if (doc.status === 'failed') output.print(`${chalk.red('failed')} ${doc.id}: ${doc.error ?? ''}`);
        if (doc.status !== 'noisy') continue;
        output.print(`${chalk.yellow('noisy')}  ${doc.id}`);
        for (const line of (doc.lines ?? []).slice(0, 5)) output.print(`  ${chalk.red(`- ${line.before}`)}\n  ${chalk.green(`+ ${line.after}`)}`);
        if ((doc.suggestedDropLines ?? []).length > 0) {
          output.print(`  suggested in leakmirror.yaml, under sources.${result.source} (drop these stamp lines from the text):\n    volatile:\n      dropLines: ${JSON.stringify(doc.suggestedDropLines)}`);
        }
        if ((doc.suggestedPatterns ?? []).length > 0) output.print(`  suggested in leakmirror.yaml, under sources.${result.source}:\n    ignore:\n      patterns: ${JSON.stringify(doc.suggestedPatterns)}`);
      }
      output.print(`${result.documents.length} documents checked: ${result.noisy} noisy`);
    });
  withExamples(command, 'leakmirror check letters', 'leakmirror check drafts --interval 10000 --json');
}
