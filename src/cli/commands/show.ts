import type { Command } from 'commander';
import { FatalError, UsageError } from '../../errors.js';
import { withExamples, type Cli } from '../main.js';

interface ShowFlags {
  at?: string;
  raw?: boolean;
  output?: string;
  force?: boolean;
}

export function register(program: Command, cli: Cli): void {
  const command = program
    .command('show')
    .description('print the normalized text of a version of a document (default: the latest), or its raw bytes')
    .argument('<id>', 'document id (see `leakmirror list`)')
    .option('--at <rev>', 'a commit id or prefix from `log`, an ISO date (the version in force then), or @N (newest = @0)')
    .option('--raw', 'the bytes as fetched (PDF, HTML…) instead of the normalized text')
    .option('-o, --output <file>', 'write to this file (atomically) instead of stdout')
    .option('-f, --force', 'with --output: replace the file if it exists')
    .action(async (id: string, flags: ShowFlags, self: Command) => {
      const output = cli.output(self);
      if (flags.force === true && flags.output === undefined) throw new UsageError('--force only applies with --output <file>');
      if (flags.raw === true && output.json && flags.output === undefined) {
        throw new UsageError('--raw with --json needs --output <file>: the bytes cannot go into the JSON document');
      }
      const history = await import('../../core/history.js');
      const mirror = await history.openHistory(cli.mirrorDir(self));
      const [, versions] = await Promise.all([history.findDocument(mirror.repo, id), history.documentVersions(mirror.repo, id)]);
      const version = history.resolveRevision(versions, flags.at ?? '@0');
      const rev = flags.at ?? '@0';

      let data: Buffer;
      let rawPath: string | null = null;
      if (flags.raw === true) {
        const meta = await history.metaAt(mirror.repo, id, version);
        rawPath = meta?.raw ?? null;
        if (rawPath === null) {
          throw new UsageError(`no raw copy of ${id} was kept at ${rev} (${version.commit.slice(0, 10)})`, {
            hint: 'raw copies are off in this mirror (rawCopies: false); `leakmirror show` prints the text',
          });
        }
        // cat-file is binary-safe: the bytes come back exactly as stored.
        const [bytes] = await history.readObjects(mirror.repo, [`${version.commit}:${rawPath}`]);
        if (bytes === undefined) throw new UsageError(`the raw file ${rawPath} is not in the mirror at ${rev} (${version.commit.slice(0, 10)})`);
        data = bytes;
      } else {
        data = Buffer.from(await history.textAt(mirror.repo, id, version), 'utf8');
      }

      if (flags.output !== undefined) {
        const { resolve } = await import('node:path');
        const target = resolve(cli.cwd, flags.output);
        await writeOutput(target, data, flags.force === true, flags.output);
        if (output.json) {
          const { createHash } = await import('node:crypto');
          output.printJson({
            id,
            commit: version.commit,
            date: version.date,
            status: version.status,
            ...(flags.raw === true ? { raw: rawPath } : {}),
            output: target,
            bytes: data.length,
            sha256: createHash('sha256').update(data).digest('hex'),
          });
        } else output.info(`wrote ${data.length} bytes (${flags.raw === true ? rawPath : `text of ${id}`} at ${version.commit.slice(0, 10)}) to ${flags.output}`);
        return;
      }

      if (flags.raw === true) {
        const { isUtf8 } = await import('node:buffer');
        const binary = data.subarray(0, 8000).includes(0) || !isUtf8(data);
        if (binary && cli.io.stdout.isTTY === true) {
          throw new UsageError(`the raw bytes of ${id} (${rawPath}) are binary and stdout is a terminal`, {
            hint: `write them to a file: leakmirror show ${id}${flags.at === undefined ? '' : ` --at ${flags.at}`} --raw --output <file> (or redirect stdout)`,
          });
        }
        (cli.io.stdout as unknown as { write(data: Uint8Array): unknown }).write(data);
        return;
      }
      if (output.json) output.printJson({ id, commit: version.commit, date: version.date, status: version.status, text: data.toString('utf8') });
      else cli.io.stdout.write(data.toString('utf8'));
    });
  withExamples(
    command,
    'leakmirror show drafts/draft-itrs-td64',
    'leakmirror show drafts/draft-itrs-td64 --at 2012-11-20',
    'leakmirror show drafts/draft-itrs-td64 --at @1 --raw --output td64-v1.pdf',
  );
}

/**
 * Write `data` to `target` atomically: a temporary file beside it, then a rename (with `force`) or
 * a hard link that fails if the target exists (without), so an existing file is never replaced by
 * accident, even by a race.
 */
async function writeOutput(target: string, data: Uint8Array, force: boolean, shown: string): Promise<void> {
  const [{ link, rename, rm, writeFile, stat }, { dirname, basename, join }, { randomBytes }] = await Promise.all([
    import('node:fs/promises'),
    import('node:path'),
    import('node:crypto'),
  ]);
  const dir = dirname(target);
  const info = await stat(dir).catch(() => undefined);
  if (info === undefined || !info.isDirectory()) throw new UsageError(`cannot write ${shown}: ${dir} is not a directory`);
  if (!force && (await stat(target).catch(() => undefined)) !== undefined) {
    throw new UsageError(`${shown} already exists`, { hint: 'add --force to replace it' });
  }
  const temp = join(dir, `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, data, { flag: 'wx' });
    if (force) await rename(temp, target);
    else {
      try {
        await link(temp, target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`${shown} already exists`, { hint: 'add --force to replace it' });
        // A filesystem without hard links: the existence check above has to do.
        if ((error as NodeJS.ErrnoException).code === 'EPERM' || (error as NodeJS.ErrnoException).code === 'ENOTSUP') await rename(temp, target);
        else throw error;
      }
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new FatalError(`cannot write ${shown}: ${(error as Error).message}`, { cause: error });
  } finally {
    await rm(temp, { force: true });
  }
}
