import { Option, type Command } from 'commander';
import type { ChangeType } from '../../store/git.js';
import { withExamples, type Cli } from '../main.js';
import { renderChanges } from '../render.js';

interface ChangesFlags {
  since?: string;
  until?: string;
  type?: ChangeType;
  stats?: boolean;
}

export function register(program: Command, cli: Cli): void {
  const command = program
    .command('changes')
    .description('every version recorded across the mirror, newest first, with the words each added and removed')
    .option('--since <date>', 'only versions fetched at or after this ISO date')
    .option('--until <date>', 'only versions fetched at or before this ISO date')
    .addOption(new Option('--type <type>', 'only this kind of change').choices(['content', 'technical', 'removed']))
    .option('--stats', 'count the words each version added and removed even for more than 10,000 versions')
    .option('--no-stats', 'leave out the words added and removed (faster on very large windows)')
    .action(async (options: ChangesFlags, self: Command) => {
      const output = cli.output(self);
      const [{ openHistory }, { listChanges, CHANGES_STATS_LIMIT }] = await Promise.all([import('../../core/history.js'), import('../../core/list.js')]);
      const changes = await listChanges(await openHistory(cli.mirrorDir(self)), { since: options.since, until: options.until, type: options.type, stats: options.stats });
      if (options.stats === undefined && changes.length > CHANGES_STATS_LIMIT) {
        output.info(`${changes.length} versions: words added and removed not counted above ${CHANGES_STATS_LIMIT} (narrow with --since, or add --stats)`);
      }
      if (output.json) {
        output.printJson(
          changes.map(({ documentId, commit, date, status, sha256, message, title, url, wordsAdded, wordsRemoved }) => ({
            id: documentId,
            commit,
            date,
            status,
            sha256,
            message,
            title,
            url,
            ...(wordsAdded === undefined ? {} : { wordsAdded, wordsRemoved }),
          })),
        );
      } else {
        output.print(renderChanges(changes, output.chalk));
      }
    });
  withExamples(command, 'leakmirror changes --since 2012-12-01', 'leakmirror changes --since 2012-12-01 --type content --json');
}
