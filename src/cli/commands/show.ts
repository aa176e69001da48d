import type { Command } from 'commander';
import { withExamples, type Cli } from '../main.js';

export function register(program: Command, cli: Cli): void {
  const command = program
    .command('show')
    .description('print the normalized text of a version of a document (default: the latest)')
    .argument('<id>', 'document id (see `leakmirror list`)')
    .option('--at <rev>', 'a commit id or prefix from `log`, an ISO date (the version in force then), or @N (newest = @0)')
    .action(async (id: string, options: { at?: string }, self: Command) => {
      const output = cli.output(self);
      const [{ openMirror }, history] = await Promise.all([import('../../core/mirror.js'), import('../../core/history.js')]);
      const mirror = await openMirror(cli.mirrorDir(self));
      await history.findDocument(mirror.dir, id);
      const versions = await history.documentVersions(mirror.repo, id);
      const version = history.resolveRevision(versions, options.at ?? '@0');
      const text = await history.textAt(mirror.repo, id, version);
      if (output.json) output.printJson({ id, commit: version.commit, date: version.date, status: version.status, text });
      else cli.io.stdout.write(text);
    });
  withExamples(command, 'leakmirror show drafts/draft-itrs-td64', 'leakmirror show drafts/draft-itrs-td64 --at 2012-11-20');
}
