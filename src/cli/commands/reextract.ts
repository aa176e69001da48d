import type { Command } from 'commander';
import { EXIT } from '../exit.js';
import { withExamples, type Cli } from '../main.js';
import { collectGarbageSooner } from '../memory.js';

export function register(program: Command, cli: Cli): void {
  const command = program
    .command('reextract')
    .description('derive the text again from the stored raw bytes (after an upgrade or a rule change) and commit differences as technical changes; fetches nothing')
    .option('--source <name...>', 'only the documents of these sources (default: all)')
    .option('--dry-run', 'report what would change, write nothing')
    .action(async (flags: { source?: string[]; dryRun?: boolean }, self: Command) => {
      const output = cli.output(self);
      const { reextract } = await import('../../core/reextract.js');
      collectGarbageSooner();
      const result = await reextract({
        mirrorDir: cli.mirrorDir(self),
        sources: flags.source,
        dryRun: flags.dryRun,
        onEvent: (event) => event.type === 'warning' && output.warn(event.message),
      });
      if (output.json) {
        output.printJson(result);
      } else {
        const { chalk } = output;
        for (const doc of result.documents) {
          if (doc.status === 'changed') output.print(`${chalk.cyan('changed  ')} ${doc.id}${doc.commit === undefined ? '' : chalk.dim(` ${doc.commit.slice(0, 8)}`)}  ${chalk.dim(`${doc.from} -> ${doc.to}`)}`);
          else if (doc.status === 'failed') output.print(`${chalk.red('failed   ')} ${doc.id}  ${chalk.red(`${doc.errorClass ?? 'error'}: ${doc.error ?? ''}`)}`);
        }
        const { summary } = result;
        output.print(`${result.dryRun ? chalk.yellow('dry run, nothing written: ') : ''}${result.documents.length} documents: ${summary.changed} changed, ${summary.unchanged} unchanged, ${summary.skipped} skipped, ${summary.failed} failed`);
      }
      cli.exit(result.summary.failed > 0 ? EXIT.partial : EXIT.ok);
    });
  withExamples(command, 'leakmirror reextract --dry-run', 'leakmirror reextract --source drafts');
}
