import type { Command } from 'commander';
import { parseInteger, withExamples, type Cli } from '../main.js';
import { collectGarbageSooner } from '../memory.js';

interface WatchFlags {
  every: string;
  jitter?: string;
  publish?: boolean;
  site?: string;
  maxRuns?: number;
  concurrency?: number;
  delay?: number;
  allowPrivateNetwork?: boolean;
}

export function register(program: Command, cli: Cli): void {
  const command = program
    .command('watch')
    .description('sync on a schedule until stopped, one run at a time (the interval counts from the end of a run); SIGINT/SIGTERM stop cleanly')
    .argument('[source...]', 'source names (default: all)')
    .requiredOption('--every <duration>', 'time between the end of a run and the start of the next: 90s, 30m, 6h, 1h30m')
    .option('--jitter <duration>', 'add a random delay up to this before each run')
    .option('--publish', 'rebuild the static site after a run that recorded changes')
    .option('--site <dir>', 'with --publish: where to build the site (default: site/ in the mirror)')
    .option('--max-runs <n>', 'stop after this many runs', parseInteger(1, 1_000_000))
    .option('--concurrency <n>', 'documents fetched at once (default: fetch.concurrency)', parseInteger(1, 64))
    .option('--delay <ms>', 'minimum delay between requests to one host (default: fetch.delayMs)', parseInteger(0, 600_000))
    .option('--allow-private-network', 'permit loopback and private addresses (refused by default)')
    .action(async (sourceNames: string[], flags: WatchFlags, self: Command) => {
      const output = cli.output(self);
      const [{ watch, formatDuration, parseDuration }, { sync }, { UsageError }] = await Promise.all([import('../../core/watch.js'), import('../../core/sync.js'), import('../../errors.js')]);
      collectGarbageSooner();
      // Checked before anything runs: a bad duration is a usage error (exit 2).
      const everyMs = parseDuration(flags.every, '--every');
      const jitterMs = flags.jitter === undefined ? undefined : parseDuration(flags.jitter, '--jitter');
      const dir = cli.mirrorDir(self);
      const controller = new AbortController();
      let stoppedBy: NodeJS.Signals | undefined;
      const onSignal = (name: NodeJS.Signals): void => {
        if (stoppedBy !== undefined) process.exit(name === 'SIGTERM' ? 143 : 130);
        stoppedBy = name;
        output.warn(`${name}: stopping after the run in progress, if any (send it again to stop at once)`);
        controller.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const runs: unknown[] = [];
      const stamp = (): string => new Date().toISOString().slice(0, 19).replace('T', ' ');
      try {
        const result = await watch({
          everyMs,
          jitterMs,
          maxRuns: flags.maxRuns,
          signal: controller.signal,
          isFatal: (error) => error instanceof UsageError,
          run: async (signal) => {
            const synced = await sync({
              mirrorDir: dir,
              sources: sourceNames,
              concurrency: flags.concurrency,
              delayMs: flags.delay,
              allowPrivateNetwork: flags.allowPrivateNetwork,
              signal,
              env: cli.io.env,
              onEvent: (event) => {
                if (event.type === 'warning') output.warn(event.message);
              },
            });
            const changed = synced.summary.new + synced.summary.changed + synced.summary.removed > 0;
            let site: { written: number; unchanged: number } | undefined;
            if (flags.publish === true && changed) {
              const [{ openMirror }, { publishSite }] = await Promise.all([import('../../core/mirror.js'), import('../../publish/site.js')]);
              site = await publishSite(await openMirror(dir), { siteDir: flags.site });
            }
            return { summary: synced.summary, interrupted: synced.interrupted, site, failures: synced.documents.filter((doc) => doc.status === 'failed').map(({ id, errorClass }) => ({ id, errorClass })) };
          },
          onEvent: (event) => {
            if (event.type === 'run-end') {
              const { summary, site } = event.result;
              runs.push({ run: event.run, durationMs: event.durationMs, ...event.result });
              output.info(
                `${stamp()} run ${event.run}: ${summary.new} new, ${summary.changed} changed, ${summary.removed} removed, ${summary.unchanged} unchanged, ${summary.failed} failed (${formatDuration(event.durationMs)})${
                  site === undefined ? '' : `; site: ${site.written} written, ${site.unchanged} unchanged`
                }`,
              );
            } else if (event.type === 'run-error') {
              runs.push({ run: event.run, durationMs: event.durationMs, error: event.error instanceof Error ? event.error.message : String(event.error) });
              output.error(`${stamp()} run ${event.run} failed: ${event.error instanceof Error ? event.error.message : String(event.error)}`);
            } else if (event.type === 'waiting') {
              output.debug(`next run at ${event.until}`);
            }
          },
        });
        if (output.json) output.printJson({ runs, stopped: result.reason });
        else output.info(`watch stopped after ${result.runs} run${result.runs === 1 ? '' : 's'} (${result.reason === 'signal' ? `${stoppedBy ?? 'signal'}` : '--max-runs'})`);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
  withExamples(command, 'leakmirror watch --every 6h', 'leakmirror watch --every 30m --jitter 5m --publish', 'leakmirror watch drafts --every 90s --max-runs 3');
}
