import type { Command } from 'commander';
import { withExamples, type Cli } from '../main.js';
import { table } from '../render.js';

export function register(program: Command, cli: Cli): void {
  const command = program
    .command('sources')
    .description('list the configured sources, with what their last sync found')
    .action(async (_options: unknown, self: Command) => {
      const output = cli.output(self);
      const { openMirror } = await import('../../core/mirror.js');
      const { sourceStatuses } = await import('../../core/source-state.js');
      const mirror = await openMirror(cli.mirrorDir(self));
      const statuses = await sourceStatuses(mirror.dir, mirror.config.sources);
      if (output.json) {
        // The configuration of each source (defaults included), then its last run.
        output.printJson(mirror.config.sources.map((source) => ({ ...source, ...statuses.get(source.name) })));
        return;
      }
      if (mirror.config.sources.length === 0) {
        output.print('no sources yet: add one with `leakmirror add <url>`');
        return;
      }
      const rows = [['NAME', 'KIND', 'URL', 'DOCS', 'LAST RUN', 'STATUS', 'RULES']];
      for (const source of mirror.config.sources) {
        const rules = [
          source.links && `links=${source.links}`,
          source.match && `match=${source.match}`,
          source.exclude && `exclude=${source.exclude}`,
          source.depth !== undefined && source.depth > 1 && `depth=${source.depth}`,
          source.next && `next=${source.next}`,
          source.enclosures && 'enclosures',
          source.maxDocuments !== undefined && `max=${source.maxDocuments}`,
          source.select && `select=${source.select}`,
          source.remove && `remove=${source.remove.join(',')}`,
        ].filter(Boolean);
        const status = statuses.get(source.name);
        const state = status?.status ?? '-';
        const coloured = state === 'failed' ? output.chalk.red(state) : state === 'partial' ? output.chalk.yellow(state) : state;
        const missing = status !== undefined && status.missing > 0 ? ` (${status.missing} missing)` : '';
        rows.push([
          source.name,
          source.kind,
          source.url,
          status?.discovered === null || status?.discovered === undefined ? '-' : `${status.discovered}${missing}`,
          status?.lastRun?.replace(/\.\d+Z$/, 'Z') ?? '-',
          coloured,
          rules.join(' '),
        ]);
      }
      output.print(table(rows, output.chalk));
    });
  withExamples(command, 'leakmirror sources', 'leakmirror sources --json');
}
