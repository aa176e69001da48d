import type { Command } from 'commander';
import { EXIT } from '../exit.js';
import { parseInteger, withExamples, type Cli } from '../main.js';
import { renderDocumentLine, renderSyncSummary } from '../render.js';

interface SyncFlags {
  dryRun?: boolean;
  concurrency?: number;
  delay?: number;
  allowPrivateNetwork?: boolean;
  shard?: string;
}

export function register(program: Command, cli: Cli): void {
  const command = program
    .command('sync')
    .description('fetch every document of the named sources (all by default), extract, normalize and commit what changed')
    .argument('[source...]', 'source names (default: all)')
    .option('--dry-run', 'fetch and extract, report what would change, write nothing')
    .option('--concurrency <n>', 'documents fetched at once (default: fetch.concurrency, 4)', parseInteger(1, 64))
    .option('--delay <ms>', 'minimum delay between requests to one host (default: fetch.delayMs, 1000)', parseInteger(0, 600_000))
    .option('--allow-private-network', 'permit loopback and private addresses (refused by default)')
    .option('--shard <k/n>', 'only the documents of shard k of n (split by a hash of the id; every document is in exactly one shard)')
    .action(async (sourceNames: string[], flags: SyncFlags, self: Command) => {
      const output = cli.output(self);
      const [{ sync }, { parseShard }] = await Promise.all([import('../../core/sync.js'), import('../../core/shard.js')]);
      const shard = flags.shard === undefined ? undefined : parseShard(flags.shard);
      // SIGINT/SIGTERM: finish the documents in progress, record them, then stop (130/143).
      // A second signal stops at once; the next run cleans up after it.
      const controller = new AbortController();
      let stoppedBy: NodeJS.Signals | undefined;
      const onSignal = (name: NodeJS.Signals): void => {
        if (stoppedBy !== undefined) process.exit(signalExitCode(name));
        stoppedBy = name;
        output.warn(`${name}: stopping after the documents in progress (send it again to stop at once)`);
        controller.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      let result;
      try {
        result = await sync({
          mirrorDir: cli.mirrorDir(self),
          sources: sourceNames,
          dryRun: flags.dryRun,
          concurrency: flags.concurrency,
          delayMs: flags.delay,
          allowPrivateNetwork: flags.allowPrivateNetwork,
          shard,
          signal: controller.signal,
          env: cli.io.env,
          onEvent: (event) => {
            if (event.type === 'warning') output.warn(event.message);
            else if (event.type === 'source') {
              if (event.error !== undefined) output.info(`source ${event.source}: ${output.errChalk.red(event.error)}`);
              else output.debug(`source ${event.source}: ${event.discovered} document(s)`);
            } else if (output.verbose) {
              // The summary on stdout lists what changed; per-document progress is for --verbose.
              output.info(`[${event.done}/${event.total}] ${renderDocumentLine(event.report, output.errChalk)}`);
            }
          },
        });
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      if (output.json) {
        output.printJson({
          documents: result.documents.map(({ id, url, status, commit, error, errorClass, changeType, source }) => ({ id, url, source, status, changeType, commit, error, errorClass })),
          summary: result.summary,
          dryRun: result.dryRun,
          interrupted: result.interrupted,
        });
      } else {
        output.print(renderSyncSummary(result, output.chalk));
        if (result.interrupted) output.warn('interrupted: the documents not listed were not looked at; run sync again to finish');
      }
      cli.exit(stoppedBy !== undefined ? signalExitCode(stoppedBy) : result.summary.failed > 0 ? EXIT.partial : EXIT.ok);
    });
  withExamples(command, 'leakmirror sync', 'leakmirror sync drafts --dry-run', 'leakmirror sync --shard 2/4', 'leakmirror sync --json > report.json || test $? -eq 3');
}

function signalExitCode(name: NodeJS.Signals): number {
  return name === 'SIGTERM' ? 143 : 130;
}
