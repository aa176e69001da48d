import type { Command } from 'commander';
import { withExamples, type Cli } from '../main.js';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function register(program: Command, cli: Cli): void {
  const command = program
    .command('add')
    .description('add a source (one document, or an index page whose links are documents) and commit the config change')
    .argument('<url>', 'the document URL, or the index page URL with --links/--match')
    .option('--name <name>', 'source name, used as the document id prefix (default: from the URL)')
    .option('--links <css>', 'the URL is an index page: these links are the documents')
    .option('--match <regex>', 'index page: keep only links whose absolute URL matches')
    .option('--select <css>', 'HTML documents: keep only this part')
    .option('--remove <css>', 'HTML documents: drop this part before extraction (repeatable)', collect)
    .action(async (url: string, options: { name?: string; links?: string; match?: string; select?: string; remove?: string[] }, self: Command) => {
      const output = cli.output(self);
      const { addSource } = await import('../../core/add.js');
      const result = await addSource({ mirrorDir: cli.mirrorDir(self), url, ...options });
      if (output.json) output.printJson(result);
      else output.print(`added source "${result.name}" (${result.source.kind ?? 'page'}): ${result.source.url}\nnext: leakmirror sync ${result.name}`);
    });
  withExamples(
    command,
    'leakmirror add https://example.org/letter.html --name letter --select main --remove .share',
    'leakmirror add https://example.org/wcit/ --name drafts --links "ul.documents a" --match "\\.pdf$"',
  );
}
