import { Option, type Command } from 'commander';
import { parseInteger, withExamples, type Cli } from '../main.js';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

interface AddFlags {
  name?: string;
  kind?: string;
  links?: string;
  match?: string;
  exclude?: string;
  depth?: number;
  next?: string;
  anySite?: boolean;
  maxDocuments?: number;
  enclosures?: boolean;
  stripParam?: string[];
  removeAfterMissingRuns?: number;
  select?: string;
  remove?: string[];
}

export function register(program: Command, cli: Cli): void {
  const command = program
    .command('add')
    .description('add a source (a document, an index page, a feed, a sitemap or the Internet Archive\'s captures) and commit the config change')
    .argument('<url>', 'the document URL; the index, feed or sitemap URL; or wayback:<url or prefix*>')
    .option('--name <name>', 'source name, used as the document id prefix (default: from the URL)')
    .addOption(
      new Option('--kind <kind>', 'page, index, feed or sitemap (default: wayback for wayback:, index with --links/--match, else page)').choices([
        'page',
        'index',
        'feed',
        'sitemap',
        'wayback',
      ]),
    )
    .option('--links <css>', 'the URL is an index page: these links are the documents')
    .option('--match <regex>', 'index, feed, sitemap, wayback: keep only documents whose absolute URL matches')
    .option('--exclude <regex>', 'index, feed, sitemap, wayback: leave out documents whose absolute URL matches')
    .option('--depth <n>', 'index: pages read, 1 (the URL alone) to 3, following --next links', parseInteger(1, 3))
    .option('--next <css>', 'index: links to further index pages (pagination, sub-indexes; default rel="next")')
    .option('--any-site', 'index, sitemap: also follow index pages and child sitemaps on other sites')
    .option('--max-documents <n>', 'the most documents taken from the listing per run', parseInteger(1, 1_000_000))
    .option('--enclosures', 'feed: also mirror each item\'s enclosures (attached PDFs)')
    .option('--strip-param <name>', 'drop this query parameter from document URLs besides utm_*, fbclid... (repeatable; name* for a prefix)', collect)
    .option('--remove-after-missing-runs <n>', 'index, feed, sitemap: runs a document may be missing from the listing before it is removed (default 2, feed 0: never)', parseInteger(0, 1000))
    .option('--select <css>', 'HTML documents: keep only this part')
    .option('--remove <css>', 'HTML documents: drop this part before extraction (repeatable)', collect)
    .action(async (url: string, flags: AddFlags, self: Command) => {
      const output = cli.output(self);
      const { addSource } = await import('../../core/add.js');
      const { anySite, stripParam, ...options } = flags;
      const result = await addSource({
        mirrorDir: cli.mirrorDir(self),
        url,
        ...options,
        sameSite: anySite === true ? false : undefined,
        stripParams: stripParam,
      });
      if (output.json) output.printJson(result);
      else {
        const kind = result.source.kind ?? (result.source.url.startsWith('wayback:') ? 'wayback' : 'page');
        output.print(`added source "${result.name}" (${kind}): ${result.source.url}\nnext: leakmirror sync ${result.name}`);
      }
    });
  withExamples(
    command,
    'leakmirror add https://example.org/letter.html --name letter --select main --remove .share',
    'leakmirror add https://example.org/wcit/ --name drafts --links "ul.documents a" --match "\\.pdf$"',
    'leakmirror add https://example.org/docs/ --links "td a" --match "\\.pdf$" --depth 2 --next ".pager a"',
    'leakmirror add https://example.org/feed/ --kind feed --name statements --enclosures',
    'leakmirror add https://example.org/sitemap.xml --kind sitemap --match "/documents/"',
    'leakmirror add "wayback:wcitleaks.org/*" --match "\\.pdf$"',
  );
}
