import type { Command } from 'commander';
import { withExamples, type Cli } from '../main.js';
import { renderList } from '../render.js';

export function register(program: Command, cli: Cli): void {
  const command = program
    .command('list')
    .description('the documents of the mirror with their paths, versions and status')
    .action(async (_options: unknown, self: Command) => {
      const output = cli.output(self);
      const [{ openMirror }, { listDocuments }] = await Promise.all([import('../../core/mirror.js'), import('../../core/list.js')]);
      const documents = await listDocuments(await openMirror(cli.mirrorDir(self)));
      if (output.json) output.printJson(documents);
      else output.print(renderList(documents, output.chalk));
    });
  withExamples(command, 'leakmirror list', "leakmirror list --json | jq -r '.[].path'");
}
