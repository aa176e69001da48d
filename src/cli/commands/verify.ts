import type { Command } from 'commander';
import { withExamples, type Cli } from '../main.js';

export function register(program: Command, cli: Cli): void {
  const command = program
    .command('verify')
    .description('re-hash every text and raw file against its metadata and the trailers of the commit that recorded it; exit 1 on any mismatch')
    .action(async (_options: unknown, self: Command) => {
      const output = cli.output(self);
      const [{ openMirror }, { verifyMirror, VerifyError }] = await Promise.all([import('../../core/mirror.js'), import('../../core/verify.js')]);
      const result = await verifyMirror(await openMirror(cli.mirrorDir(self)));
      if (output.json) output.printJson(result);
      else {
        for (const problem of result.problems) output.print(`${output.chalk.red('✗')} ${problem.id}: ${problem.message}`);
        if (result.ok) output.print(`${output.chalk.green('✓')} ${result.documents} documents, ${result.files} files: every hash matches`);
      }
      if (!result.ok) throw new VerifyError(result.problems);
    });
  withExamples(command, 'leakmirror verify', 'leakmirror verify --json | jq .problems');
}
