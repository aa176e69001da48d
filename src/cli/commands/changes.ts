import { Option, type Command } from 'commander';
import type { ChangeType } from '../../store/git.js';
import { withExamples, type Cli } from '../main.js';
import { renderChanges } from '../render.js';

export function register(program: Command, cli: Cli): void {
  const command = program
    .command('changes')
    .description('every version recorded across the mirror, newest first')
    .option('--since <date>', 'only versions fetched at or after this ISO date')
    .option('--until <date>', 'only versions fetched at or before this ISO date')
    .addOption(new Option('--type <type>', 'only this kind of change').choices(['content', 'technical', 'removed']))
    .action(async (options: { since?: string; until?: string; type?: ChangeType }, self: Command) => {
      const output = cli.output(self);
      const [{ openMirror }, { listChanges }] = await Promise.all([import('../../core/mirror.js'), import('../../core/list.js')]);
      const changes = await listChanges(await openMirror(cli.mirrorDir(self)), options);
      if (output.json) {
        output.printJson(changes.map(({ documentId, commit, date, status, sha256, message, title, url }) => ({ id: documentId, commit, date, status, sha256, message, title, url })));
      } else {
        output.print(renderChanges(changes, output.chalk));
      }
    });
  withExamples(command, 'leakmirror changes --since 2012-12-01', 'leakmirror changes --since 2012-12-01 --type content --json');
}
