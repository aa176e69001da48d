import type { Command } from 'commander';
import { withExamples, type Cli } from '../main.js';

interface PublishFlags {
  site?: string;
  baseUrl?: string;
  push?: string | boolean;
  branch?: string;
}

export function register(program: Command, cli: Cli): void {
  const command = program
    .command('publish')
    .description('build the static site (index, document pages, diff pages, Atom feeds) and/or push the mirror repository')
    .option('--site <dir>', 'build the site here (default: site/ in the mirror, git-ignored); without --push the site is always built')
    .option('--base-url <url>', 'the URL the site will be served from, to make feed links absolute')
    .option('--push [remote]', "push the mirror repository (default remote: the branch's upstream, else origin); rebases and retries when the remote moved")
    .option('--branch <name>', 'the branch to push to on the remote (default: the current branch)')
    .action(async (flags: PublishFlags, self: Command) => {
      const output = cli.output(self);
      const dir = cli.mirrorDir(self);
      const buildSite = flags.site !== undefined || flags.push === undefined;
      const report: Record<string, unknown> = {};
      if (buildSite) {
        const [{ openMirror }, { publishSite }] = await Promise.all([import('../../core/mirror.js'), import('../../publish/site.js')]);
        if (flags.baseUrl !== undefined && !/^https?:\/\/[^/]/i.test(flags.baseUrl)) {
          const { UsageError } = await import('../../errors.js');
          throw new UsageError(`--base-url must be an http(s) URL, not "${flags.baseUrl}"`);
        }
        const started = Date.now();
        const site = await publishSite(await openMirror(dir), { siteDir: flags.site, baseUrl: flags.baseUrl });
        report.site = { ...site, durationMs: Date.now() - started };
        if (!output.json) {
          output.print(`site: ${site.siteDir} (${site.documents} documents, ${site.files} files: ${site.written} written, ${site.unchanged} unchanged${site.deleted > 0 ? `, ${site.deleted} deleted` : ''})`);
        }
      }
      if (flags.push !== undefined) {
        const [{ openMirror }, { pushMirror }] = await Promise.all([import('../../core/mirror.js'), import('../../publish/push.js')]);
        const mirror = await openMirror(dir);
        const pushed = await pushMirror(mirror.dir, { remote: typeof flags.push === 'string' ? flags.push : undefined, branch: flags.branch });
        report.push = pushed;
        if (!output.json) {
          output.print(`pushed ${pushed.commit.slice(0, 10)} to ${pushed.remote} ${pushed.branch}${pushed.rebased > 0 ? ` (the remote had moved: rebased ${pushed.rebased} time${pushed.rebased === 1 ? '' : 's'})` : ''}`);
        }
      }
      if (output.json) output.printJson(report);
    });
  withExamples(command, 'leakmirror publish', 'leakmirror publish --site /var/www/leaks --base-url https://leaks.example.org/', 'leakmirror publish --push', 'leakmirror publish --site public --push origin --branch main');
}
