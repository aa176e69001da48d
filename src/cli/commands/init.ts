import { Option, type Command } from 'commander';
import { withExamples, type Cli } from '../main.js';

export function register(program: Command, cli: Cli): void {
  const command = program
    .command('init')
    .description('create a mirror: directory, git repository, leakmirror.yaml and a first commit (does nothing on an existing mirror)')
    .argument('[dir]', 'where to create it (default: -C or the current directory)')
    .option('--name <name>', 'a name for the mirror (default: the directory name)')
    .addOption(new Option('--ci <kind>', 'also write a scheduled CI workflow (sync, publish, push)').choices(['github', 'gitlab']))
    .action(async (dir: string | undefined, options: { name?: string; ci?: 'github' | 'gitlab' }, self: Command) => {
      const output = cli.output(self);
      const { initMirror } = await import('../../core/init.js');
      const result = await initMirror({ dir: dir ?? cli.mirrorDir(self), name: options.name, ci: options.ci });
      if (output.json) output.printJson(result);
      else if (result.created) output.print(`created mirror "${result.name}" in ${result.dir}\nnext: leakmirror -C ${result.dir} add <url>`);
      else if (result.ciFile === undefined || result.commit === undefined) output.print(`${result.dir} is already a mirror ("${result.name}"): nothing changed`);
      if (!output.json && result.ciFile !== undefined) output.print(`CI workflow: ${result.ciFile} (review its schedule and secrets, then push)`);
    });
  withExamples(command, 'leakmirror init wcit-mirror --name "WCIT-12 documents"', 'leakmirror init wcit-mirror --ci github');
}
