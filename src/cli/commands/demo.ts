import { mkdtemp, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { EXIT } from '../exit.js';
import { withExamples, type Cli } from '../main.js';
import { renderChanges, renderSyncSummary } from '../render.js';
import { runDiff } from './diff.js';

export function register(program: Command, cli: Cli): void {
  const command = program
    .command('demo')
    .description('serve the bundled sample site on 127.0.0.1, mirror it, publish a revision, mirror again, print the changes and diffs')
    .argument('[dir]', 'a new or empty directory for the demo mirror (default: a new temporary directory)')
    .action(async (dirArgument: string | undefined, _options: unknown, self: Command) => {
      const output = cli.output(self);
      const [{ startSiteServer, defaultSampleSiteRoot }, { initMirror }, { addSource }, { sync }, { listChanges }, { openMirror }] = await Promise.all([
        import('../../demo/site-server.js'),
        import('../../core/init.js'),
        import('../../core/add.js'),
        import('../../core/sync.js'),
        import('../../core/list.js'),
        import('../../core/mirror.js'),
      ]);
      const dir = dirArgument === undefined ? await mkdtemp(join(tmpdir(), 'leakmirror-demo-')) : resolve(cli.cwd, dirArgument);
      if (dirArgument !== undefined && (await stat(dir).catch(() => undefined)) !== undefined && (await readdir(dir)).length > 0) {
        throw new UsageError(`${dirArgument} is not empty: the demo needs a new or empty directory`);
      }
      const { chalk } = output;
      const say = (text: string): void => (output.json ? output.info(text) : output.print(text));
      const step = (text: string): void => say(`\n${chalk.bold.blue('==>')} ${chalk.bold(text)}`);

      const server = await startSiteServer({ root: defaultSampleSiteRoot(), revision: 'rev1' });
      try {
        step(`Serving the sample site (revision 1) at ${server.url}`);
        const init = await initMirror({ dir, name: 'sample-leaks' });
        say(`$ leakmirror init ${dir}\ncreated mirror "${init.name}"`);
        const added = await addSource({ mirrorDir: dir, url: server.url, name: 'sample', links: 'main a', match: '/docs/' });
        say(`$ leakmirror add ${server.url} --name sample --links "main a" --match /docs/\nadded index source "${added.name}"`);

        const syncOptions = { mirrorDir: dir, allowPrivateNetwork: true, delayMs: 0 };
        step('First sync: every document is new');
        const first = await sync(syncOptions);
        say(renderSyncSummary(first, chalk));

        server.setRevision('rev2');
        step('The site publishes revision 2 (a revised draft, a letter with a new paragraph, one document taken down)');
        const second = await sync(syncOptions);
        say(renderSyncSummary(second, chalk));

        step('What changed: leakmirror changes --since <start of the second sync>');
        const mirror = await openMirror(dir);
        const changes = await listChanges(mirror, { since: second.startedAt });
        say(renderChanges(changes, chalk));

        for (const id of ['sample/draft-itrs-td64', 'sample/civil-society-letter']) {
          step(`leakmirror diff ${id}`);
          if (!output.json) await runDiff(cli, output, id, { mode: 'word', format: 'text', context: 2 }, dir);
        }
        if (output.json) output.printJson({ mirror: dir, first: first.summary, second: second.summary, changes: changes.length });
        step('Explore the mirror yourself');
        say(
          [
            `  leakmirror -C ${dir} list`,
            `  leakmirror -C ${dir} log sample/draft-itrs-td64`,
            `  leakmirror -C ${dir} diff sample/draft-itrs-td64 --mode line`,
            `  git -C ${dir} log --stat`,
          ].join('\n'),
        );
        cli.exit(first.summary.failed + second.summary.failed > 0 ? EXIT.partial : EXIT.ok);
      } finally {
        await server.close();
      }
    });
  withExamples(command, 'leakmirror demo', 'leakmirror demo ./demo-mirror');
}
