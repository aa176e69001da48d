import type { Command } from 'commander';
import { withExamples, type Cli } from '../main.js';
import { table } from '../render.js';

export function register(program: Command, cli: Cli): void {
  const command = program
    .command('sources')
    .description('list the configured sources')
    .action(async (_options: unknown, self: Command) => {
      const output = cli.output(self);
      const { openMirror } = await import('../../core/mirror.js');
      const mirror = await openMirror(cli.mirrorDir(self));
      if (output.json) {
        output.printJson(mirror.config.sources);
        return;
      }
      if (mirror.config.sources.length === 0) {
        output.print('no sources yet: add one with `leakmirror add <url>`');
        return;
      }
      const rows = [['NAME', 'KIND', 'URL', 'RULES']];
      for (const source of mirror.config.sources) {
        const rules = [
          source.links && `links=${source.links}`,
          source.match && `match=${source.match}`,
          source.select && `select=${source.select}`,
          source.remove && `remove=${source.remove.join(',')}`,
        ].filter(Boolean);
        rows.push([source.name, source.kind, source.url, rules.join(' ')]);
      }
      output.print(table(rows, output.chalk));
    });
  withExamples(command, 'leakmirror sources', 'leakmirror sources --json');
}
