import type { Command } from 'commander';
import { withExamples, type Cli } from '../main.js';
import { renderVersions } from '../render.js';

export function register(program: Command, cli: Cli): void {
  const command = program
    .command('log')
    .description('the versions of one document, newest first, with the words each version added and removed')
    .argument('<id>', 'document id (see `leakmirror list`)')
    .action(async (id: string, _options: unknown, self: Command) => {
      const output = cli.output(self);
      const history = await import('../../core/history.js');
      const mirror = await history.openHistory(cli.mirrorDir(self));
      const [, versions] = await Promise.all([history.findDocument(mirror.repo, id), history.documentVersions(mirror.repo, id)]);
      const changes = await history.versionChanges(mirror.repo, versions);
      if (output.json) {
        output.printJson(
          versions.map(({ commit, date, status, sha256, message }, index) => ({
            commit,
            date,
            status,
            sha256,
            message,
            wordsAdded: changes[index]?.wordsAdded ?? 0,
            wordsRemoved: changes[index]?.wordsRemoved ?? 0,
          })),
        );
      } else output.print(renderVersions(versions, output.chalk, changes));
    });
  withExamples(command, 'leakmirror log drafts/draft-itrs-td64', 'leakmirror log drafts/draft-itrs-td64 --json');
}
