// watch: durations parse strictly; runs never overlap; a stop signal ends the wait; the CLI runs
// sync N times against a local server and logs each run.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../src/cli/main.js';
import type { CliIO } from '../src/cli/output.js';
import { addSource } from '../src/core/add.js';
import { initMirror } from '../src/core/init.js';
import { parseDuration, watch } from '../src/core/watch.js';
import { UsageError } from '../src/errors.js';
import { startServer, type TestServer } from './helpers/http-server.js';
import { tempDir } from './helpers/temp.js';

async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) }, env: { NO_COLOR: '1' } };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

describe('parseDuration', () => {
  for (const [text, ms] of [['90s', 90_000], ['30m', 1_800_000], ['6h', 21_600_000], ['1d', 86_400_000], ['1h30m', 5_400_000], ['250ms', 250], ['2m5s', 125_000]] as const) {
    it(`${text} = ${ms} ms`, () => assert.equal(parseDuration(text), ms));
  }
  for (const bad of ['', '30', 'm', '1.5h', '-5m', '5 m', '30m1h', '0s', '1w', '31d', '5mm', 'h1']) {
    it(`refuses "${bad}"`, () => assert.throws(() => parseDuration(bad), UsageError));
  }
});

describe('watch schedule', () => {
  it('runs one at a time, N times, waiting between runs', async () => {
    let active = 0;
    let maxActive = 0;
    const starts: number[] = [];
    const result = await watch({
      everyMs: 20,
      maxRuns: 3,
      run: async () => {
        active += 1;
        maxActive = Math.max(maxActive, active);
        starts.push(Date.now());
        await new Promise((resolve) => setTimeout(resolve, 30)); // longer than the interval
        active -= 1;
        return 'ok';
      },
    });
    assert.deepEqual(result, { runs: 3, failedRuns: 0, reason: 'max-runs' });
    assert.equal(maxActive, 1);
    for (let i = 1; i < starts.length; i += 1) assert.ok((starts[i] as number) - (starts[i - 1] as number) >= 45, 'the interval counts from the end of a run');
  });

  it('a failed run is logged and the schedule goes on; a fatal one ends it', async () => {
    const events: string[] = [];
    const result = await watch({
      everyMs: 1,
      maxRuns: 2,
      run: (_signal, number) => (number === 1 ? Promise.reject(new Error('lock held')) : Promise.resolve(number)),
      onEvent: (event) => events.push(event.type),
    });
    assert.equal(result.failedRuns, 1);
    assert.deepEqual(events, ['run-start', 'run-error', 'waiting', 'run-start', 'run-end', 'stopped']);
    await assert.rejects(
      watch({ everyMs: 1, run: () => Promise.reject(new UsageError('bad config')), isFatal: (error) => error instanceof UsageError }),
      UsageError,
    );
  });

  it('a stop signal ends the wait at once', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const result = await watch({
      everyMs: 60_000,
      signal: controller.signal,
      run: async () => {
        setTimeout(() => controller.abort(), 10);
        return 1;
      },
    });
    assert.deepEqual(result, { runs: 1, failedRuns: 0, reason: 'signal' });
    assert.ok(Date.now() - started < 5000);
  });
});

describe('leakmirror watch', () => {
  let server: TestServer;
  let mirrorDir: string;
  let hits = 0;

  before(async () => {
    server = await startServer((_req, res) => {
      hits += 1;
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(`Version ${hits}\n`);
    });
    mirrorDir = join(await tempDir(), 'mirror');
    await initMirror({ dir: mirrorDir, name: 'watch' });
    await addSource({ mirrorDir, url: `${server.url}/doc.txt`, name: 'doc' });
  });
  after(() => server.close());

  it('syncs N times, logs every run and publishes after runs with changes', async () => {
    const run = await runCli(['-C', mirrorDir, '--json', 'watch', '--every', '50ms', '--jitter', '10ms', '--max-runs', '3', '--publish', '--allow-private-network', '--delay', '0']);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stderr.split('\n').filter((line) => / run \d+: /.test(line));
    assert.equal(lines.length, 3, run.stderr);
    assert.match(lines[0] ?? '', /run 1: 1 new, 0 changed/);
    assert.match(lines[1] ?? '', /run 2: 0 new, 1 changed.*site: \d+ written/);
    const report = JSON.parse(run.stdout) as { runs: Array<{ run: number; summary: Record<string, number> }>; stopped: string };
    assert.equal(report.runs.length, 3);
    assert.equal(report.stopped, 'max-runs');
  });

  it('a bad duration is a usage error (exit 2) and nothing runs', async () => {
    const before = hits;
    for (const args of [['--every', '10'], ['--every', '5 minutes'], ['--every', '1m', '--jitter', 'x']]) {
      const run = await runCli(['-C', mirrorDir, 'watch', ...args, '--max-runs', '1']);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /invalid --(every|jitter)/);
    }
    assert.equal((await runCli(['-C', mirrorDir, 'watch', '--max-runs', '1'])).code, 2, '--every is required');
    assert.equal(hits, before);
  });
});
