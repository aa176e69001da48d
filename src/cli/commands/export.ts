import { Option, type Command } from 'commander';
import { UsageError } from '../../errors.js';
import { withExamples, type Cli } from '../main.js';

interface ExportFlags {
  format: 'jsonl' | 'zip';
  output?: string;
}

export function register(program: Command, cli: Cli): void {
  const command = program
    .command('export')
    .description('every recorded version as one JSON record per line (id, url, date, status, commit, sha256, textSha256, text), oldest first; or a zip of text files with an index')
    .argument('[id...]', 'only these documents (default: all)')
    .addOption(new Option('--format <format>', 'output format').choices(['jsonl', 'zip']).default('jsonl'))
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action(async (ids: string[], flags: ExportFlags, self: Command) => {
      const output = cli.output(self);
      const [{ openMirror }, { exportVersions }, { createWriteStream }, { once }, { resolve }] = await Promise.all([
        import('../../core/mirror.js'),
        import('../../core/export.js'),
        import('node:fs'),
        import('node:events').then((events) => ({ once: events.EventEmitter.once })),
        import('node:path'),
      ]);
      const mirror = await openMirror(cli.mirrorDir(self));
      if (flags.format === 'zip') {
        if (flags.output === undefined) throw new UsageError('--format zip writes a file: give it with --output <file.zip>');
        const { exportZip } = await import('../../core/export-zip.js');
        const result = await exportZip(mirror, { ids, output: resolve(cli.cwd, flags.output) });
        output.info(`exported ${result.versions} version${result.versions === 1 ? '' : 's'} to ${flags.output}`);
        return;
      }
      if (flags.output === undefined) {
        await exportVersions(mirror, { ids, write: (line) => void cli.io.stdout.write(line) });
        return;
      }
      const stream = createWriteStream(resolve(cli.cwd, flags.output));
      const result = await exportVersions(mirror, {
        ids,
        write: async (line) => {
          if (!stream.write(line)) await once(stream, 'drain');
        },
      });
      stream.end();
      await once(stream, 'finish');
      output.info(`exported ${result.versions} version${result.versions === 1 ? '' : 's'} to ${flags.output}`);
    });
  withExamples(command, 'leakmirror export > versions.jsonl', 'leakmirror export drafts/td-64 --output td-64.jsonl', 'leakmirror export --format zip --output mirror-texts.zip');
}
