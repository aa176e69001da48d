import type { Command } from 'commander';
import { withExamples, type Cli } from '../main.js';
import { renderVersions } from '../render.js';

export function register(program: Command, cli: Cli): void {
  const command = program
    .command('log')
    .description('the versions of one document, newest first')
    .argument('<id>', 'document id (see `leakmirror list`)')
    .action(async (id: string, _options: unknown, self: Command) => {
      const output = cli.output(self);
      const [{ openMirror }, history] = await Promise.all([import('../../core/mirror.js'), import('../../core/history.js')]);
      const mirror = await openMirror(cli.mirrorDir(self));
      await history.findDocument(mirror.dir, id);
      const versions = await history.documentVersions(mirror.repo, id);
      if (output.json) output.printJson(versions.map(({ commit, date, status, sha256, message }) => ({ commit, date, status, sha256, message })));
      else output.print(renderVersions(versions, output.chalk));
    });
  withExamples(command, 'leakmirror log drafts/draft-itrs-td64', 'leakmirror log drafts/draft-itrs-td64 --json');
}
