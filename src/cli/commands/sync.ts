import type { Command } from 'commander';
import { EXIT } from '../exit.js';
import { parseInteger, withExamples, type Cli } from '../main.js';
import type { Output } from '../output.js';
import { renderDocumentLine, renderSyncSummary } from '../render.js';
import { collectGarbageSooner } from '../memory.js';

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
      collectGarbageSooner();
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
      const progress = await createProgress(output, cli.io.stderr.isTTY === true);
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
            if (event.type === 'document') progress.update(event.done, event.total, event.report.source, event.report.status === 'failed');
            if (event.type === 'warning') progress.interrupt(() => output.warn(event.message));
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
        progress.stop();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      if (output.json) {
        output.printJson({
          documents: result.documents.map(({ id, url, status, commit, error, errorClass, changeType, source, wordsAdded, wordsRemoved }) => ({
            id,
            url,
            source,
            status,
            changeType,
            commit,
            error,
            errorClass,
            wordsAdded,
            wordsRemoved,
          })),
          summary: result.summary,
          sources: result.sources,
          dryRun: result.dryRun,
          interrupted: result.interrupted,
        });
      } else {
        output.print(renderSyncSummary(result, output.chalk));
        for (const source of result.sources) {
          // Only sources with something to say: changes, failures, documents going missing.
          if (source.status === 'ok' && source.new + source.changed + source.removed + source.failed + source.missing === 0) continue;
          const missing = source.missing > 0 ? `, ${source.missing} missing` : '';
          const status = source.status === 'ok' ? '' : ` [${source.status}]`;
          output.info(`source ${source.name} (${source.kind}): ${source.discovered} listed, ${source.new} new, ${source.changed} changed, ${source.removed} removed, ${source.failed} failed${missing}${status}`);
        }
        if (result.interrupted) output.warn('interrupted: the documents not listed were not looked at; run sync again to finish');
      }
      cli.exit(stoppedBy !== undefined ? signalExitCode(stoppedBy) : result.summary.failed > 0 ? EXIT.partial : EXIT.ok);
    });
  withExamples(command, 'leakmirror sync', 'leakmirror sync drafts --dry-run', 'leakmirror sync --shard 2/4', 'leakmirror sync --json > report.json || test $? -eq 3');
}

function signalExitCode(name: NodeJS.Signals): number {
  return name === 'SIGTERM' ? 143 : 130;
}

interface Progress {
  update(done: number, total: number, source: string, failed: boolean): void;
  /** Print a message without tearing the bar. */
  interrupt(print: () => void): void;
  stop(): void;
}

/** A progress bar on an interactive stderr; nothing otherwise (line logs come with --verbose). */
async function createProgress(output: Output, interactive: boolean): Promise<Progress> {
  if (!interactive || output.json || output.quiet || output.verbose) {
    return { update: () => undefined, interrupt: (print) => print(), stop: () => undefined };
  }
  const { SingleBar, Presets } = (await import('cli-progress')).default;
  const bar = new SingleBar(
    { format: 'sync {bar} {value}/{total} documents | {source} | failed: {failed}', hideCursor: true, clearOnComplete: true, stream: process.stderr },
    Presets.shades_classic,
  );
  let started = false;
  let failed = 0;
  return {
    update(done, total, source, didFail) {
      if (didFail) failed += 1;
      if (!started) {
        bar.start(total, 0, { source, failed });
        started = true;
      }
      bar.setTotal(total);
      bar.update(done, { source, failed });
    },
    interrupt(print) {
      if (started) bar.stop();
      print();
      started = false;
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
