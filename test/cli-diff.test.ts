// diff, log, show and changes end to end: the built CLI as a child process on a mirror built with the
// core API (the bundled sample site rev1 -> rev2, and a notice whose versions carry noise: a print
// date, letter case), every new option, revisions by position, commit and date, and bad input.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { addSource } from '../src/core/add.js';
import { initMirror } from '../src/core/init.js';
import { sync } from '../src/core/sync.js';
import { main } from '../src/cli/main.js';
import { defaultSampleSiteRoot, startSiteServer, type SiteServer } from '../src/demo/site-server.js';
import { startServer, type TestServer } from './helpers/http-server.js';
import { tempDir } from './helpers/temp.js';
import { textPath, rawPath } from './helpers/layout.js';

const launcher = new URL('../../bin/leakmirror.js', import.meta.url).pathname;
const exec = promisify(execFile);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], options: { cwd?: string; encoding?: 'buffer' } = {}): Promise<Run & { bytes: Buffer }> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  return new Promise((resolve) => {
    execFile(process.execPath, [launcher, ...args], { cwd: options.cwd, env, timeout: 60_000, maxBuffer: 50 * 1024 * 1024, encoding: 'buffer' }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout: stdout.toString('utf8'), stderr: stderr.toString('utf8'), bytes: stdout });
    });
  });
}

function json<T>(run: Run): T {
  assert.equal(run.code === 0 || run.code === 1, true, `exit ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

interface LogEntry {
  commit: string;
  date: string;
  status: string;
  sha256: string;
  message: string;
  wordsAdded: number;
  wordsRemoved: number;
}

interface JsonDiff {
  id: string;
  from: string;
  to: string;
  mode: string;
  ignore?: { whitespace: boolean; case: boolean; patterns: string[] };
  stats: Record<string, number>;
  hunks?: Array<{ page?: number; heading?: string; oldStart: number; oldLines: number; newStart: number; newLines: number; parts: Array<{ op: string; text: string }> }>;
}

const TD64 = 'sample/draft-itrs-td64';
const NOTICE = 'notice';
const HOSTILE = `<script>alert("x")</script> & 'quoted'`;
const notices = [
  'Printed on 2012-12-10\nNOTICE TO DELEGATES\nComments are due within 90 days.\n',
  // Noise only: the print date and the letter case of the title.
  'Printed on 2012-12-11\nNotice to delegates\nComments are due within 90 days.\n',
  // A real change, plus noise, plus text that must be escaped in HTML.
  `Printed on 2012-12-12\nNotice to Delegates\nComments are due within 30 days.\n${HOSTILE}\n`,
];

describe('diff, log, show and changes end to end', () => {
  let site: SiteServer;
  let noticeServer: TestServer;
  let mirror: string;
  let notice = notices[0] as string;

  before(async () => {
    site = await startSiteServer({ root: defaultSampleSiteRoot(), revision: 'rev1' });
    noticeServer = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(notice);
    });
    mirror = join(await tempDir(), 'mirror');
    await initMirror({ dir: mirror, name: 'cli-diff' });
    await addSource({ mirrorDir: mirror, url: site.url, name: 'sample', links: 'main a', match: '/docs/' });
    await addSource({ mirrorDir: mirror, url: `${noticeServer.url}/notice.txt`, name: 'notice' });
    const options = { mirrorDir: mirror, allowPrivateNetwork: true, delayMs: 0, retries: 0 };
    const first = await sync(options);
    assert.equal(first.summary.failed, 0, JSON.stringify(first.documents));
    // Versions a second apart, so that each has its own date (git keeps seconds).
    await sleep(1100);
    site.setRevision('rev2');
    notice = notices[1] as string;
    await sync(options);
    await sleep(1100);
    notice = notices[2] as string;
    await sync(options);
  });
  after(async () => {
    await site.close();
    await noticeServer.close();
  });

  describe('revisions', () => {
    it('by position, commit prefix and date (the version in force then)', async () => {
      const log = json<LogEntry[]>(await cli(['-C', mirror, 'log', NOTICE, '--json']));
      assert.equal(log.length, 3);
      const [v0, v1, v2] = log as [LogEntry, LogEntry, LogEntry];
      const pair = async (from: string, to: string): Promise<[string, string]> => {
        const d = json<JsonDiff>(await cli(['-C', mirror, 'diff', NOTICE, '--from', from, '--to', to, '--json']));
        return [d.from, d.to];
      };
      assert.deepEqual(await pair('@2', '@0'), [v2.commit, v0.commit]);
      assert.deepEqual(await pair(v2.commit.slice(0, 7), v1.commit), [v2.commit, v1.commit]);
      assert.deepEqual(await pair(v1.date, v0.date), [v1.commit, v0.commit]);
      // Between two versions: the older one is in force.
      const between = new Date(Date.parse(v1.date) + 500).toISOString();
      assert.deepEqual(await pair(between, '@0'), [v1.commit, v0.commit]);
      // A bare date is the end of that day: the latest version of the day.
      assert.deepEqual(await pair('@2', v0.date.slice(0, 10)), [v2.commit, v0.commit]);
      // Default: the last change.
      const d = json<JsonDiff>(await cli(['-C', mirror, 'diff', NOTICE, '--json']));
      assert.deepEqual([d.from, d.to], [v1.commit, v0.commit]);
    });

    it('show --at by position, commit and date', async () => {
      const log = json<LogEntry[]>(await cli(['-C', mirror, 'log', NOTICE, '--json']));
      for (const rev of ['@2', log[2]?.commit.slice(0, 8) ?? '', log[2]?.date ?? '']) {
        const run = await cli(['-C', mirror, 'show', NOTICE, '--at', rev]);
        assert.equal(run.code, 0, run.stderr);
        assert.equal(run.stdout, notices[0]);
      }
    });
  });

  describe('modes and formats', () => {
    it('char mode shows the digit that changed', async () => {
      const run = await cli(['-C', mirror, 'diff', TD64, '--mode', 'char']);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /within \[-9-\]\{\+3\+\}0 days/);
      assert.match(run.stdout, /Revision \[-1-\]\{\+2\+\} — \[-3-\]\{\+7\+\} December 2012/);
      assert.match(run.stdout, /characters added/);
      const data = json<JsonDiff>(await cli(['-C', mirror, 'diff', TD64, '--mode', 'char', '--json']));
      assert.equal(data.mode, 'char');
      assert.equal(data.stats.added, data.stats.charsAdded);
      const words = json<JsonDiff>(await cli(['-C', mirror, 'diff', TD64, '--json']));
      assert.equal(words.stats.added, words.stats.wordsAdded);
      assert.equal(data.stats.wordsAdded, words.stats.wordsAdded);
      const lines = json<JsonDiff>(await cli(['-C', mirror, 'diff', TD64, '--mode', 'line', '--json']));
      assert.equal(lines.stats.added, lines.stats.linesAdded);
    });

    it('json keeps the contract shape, with page, ranges and word parts in hunks', async () => {
      const data = json<JsonDiff>(await cli(['-C', mirror, 'diff', TD64, '--format', 'json']));
      for (const key of ['id', 'from', 'to', 'stats', 'hunks']) assert.ok(key in data, key);
      for (const key of ['added', 'removed', 'share', 'oldWords', 'newWords']) assert.equal(typeof data.stats[key], 'number', key);
      assert.ok((data.stats.share ?? 0) > 0 && (data.stats.share ?? 1) < 0.2);
      const hunk = data.hunks?.find((h) => h.parts.some((p) => p.op === 'removed' && p.text === '90'));
      assert.ok(hunk, 'the hunk where 90 days became 30');
      assert.ok(hunk.parts.some((p) => p.op === 'added' && p.text === '30'));
      assert.equal(hunk.page, 3);
      assert.match(hunk.heading ?? '', /^Article \d/);
      assert.ok(hunk.oldStart > 0 && hunk.oldLines > 0 && hunk.newStart > 0 && hunk.newLines > 0);
    });

    it('html: a self-contained page, inline or side by side, everything escaped', async () => {
      for (const layout of ['inline', 'side-by-side']) {
        const run = await cli(['-C', mirror, 'diff', NOTICE, '--format', 'html', '--html-layout', layout]);
        assert.equal(run.code, 0, run.stderr);
        const page = run.stdout;
        assert.ok(page.startsWith('<!DOCTYPE html>'));
        assert.match(page, /<h1>notice\.txt<\/h1>|<h1>[^<]*<\/h1>/);
        assert.match(page, /<p class="lm-id">notice<\/p>|<h1>notice<\/h1>/);
        assert.match(page, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; &#39;quoted&#39;/);
        assert.doesNotMatch(page, /<script/i);
        assert.doesNotMatch(page, /\bsrc=|href=/i);
        assert.match(page, /of words changed/);
        assert.match(page, layout === 'inline' ? /<pre class="lm-text">/ : /<table class="lm-sbs"/);
      }
    });

    it('patch applies with git apply and gives the new text', async () => {
      const run = await cli(['-C', mirror, 'diff', TD64, '--format', 'patch', '-U', '1']);
      assert.equal(run.code, 0, run.stderr);
      const work = await tempDir();
      await exec('git', ['init', '--quiet'], { cwd: work });
      const path = textPath(TD64);
      const oldText = (await cli(['-C', mirror, 'show', TD64, '--at', '@1'])).stdout;
      const newText = (await cli(['-C', mirror, 'show', TD64])).stdout;
      await exec('mkdir', ['-p', dirname(join(work, path))]);
      await writeFile(join(work, path), oldText);
      await writeFile(join(work, 'change.patch'), run.stdout);
      await exec('git', ['apply', 'change.patch'], { cwd: work });
      assert.equal(await readFile(join(work, path), 'utf8'), newText);
    });

    it('--stat: the summary only, in text and JSON', async () => {
      const text = await cli(['-C', mirror, 'diff', TD64, '--stat']);
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, /^sample\/draft-itrs-td64: [0-9a-f]{10} \(.*\) -> [0-9a-f]{10} \(.*\)\n\d+ words added, \d+ removed; \d+ lines added, \d+ removed; \d+\.\d% of words changed \(\d+ places\)\n$/);
      const data = json<JsonDiff>(await cli(['-C', mirror, 'diff', TD64, '--stat', '--json']));
      assert.equal(data.hunks, undefined);
      assert.equal(typeof data.stats.share, 'number');
      const withExit = await cli(['-C', mirror, 'diff', TD64, '--stat', '--exit-code']);
      assert.equal(withExit.code, 1);
    });
  });

  describe('ignore rules', () => {
    it('noise alone is no difference; the real change still shows, with the real text', async () => {
      const noisy = await cli(['-C', mirror, 'diff', NOTICE, '--from', '@2', '--to', '@1', '--exit-code']);
      assert.equal(noisy.code, 1);
      const args = ['-C', mirror, 'diff', NOTICE, '--from', '@2', '--to', '@1', '--ignore', 'Printed on \\S+', '--ignore-case', '--exit-code'];
      const quiet = await cli(args);
      assert.equal(quiet.code, 0, quiet.stderr);
      assert.match(quiet.stdout, /no differences in the text \(apart from what is ignored\)/);
      const quietJson = json<JsonDiff>(await cli([...args, '--json']));
      assert.deepEqual(quietJson.hunks, []);
      assert.deepEqual(quietJson.ignore, { whitespace: false, case: true, patterns: ['Printed on \\S+'] });

      const real = await cli(['-C', mirror, 'diff', NOTICE, '--from', '@1', '--to', '@0', '--ignore', 'Printed on \\S+', '-i', '-w', '--exit-code']);
      assert.equal(real.code, 1);
      assert.match(real.stdout, /within \[-90-\]\{\+30\+\} days/);
      // The ignored lines are shown as they are, not as a change.
      assert.doesNotMatch(real.stdout, /\[-Printed|\{\+Printed|\[-Notice|\[-NOTICE/);
    });

    it('an invalid pattern is a usage error naming it', async () => {
      const run = await cli(['-C', mirror, 'diff', NOTICE, '--ignore', 'ok', '--ignore', '(unclosed']);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /invalid ignore pattern "\(unclosed"/);
      assert.equal(run.stdout, '');
    });
  });

  describe('exit code', () => {
    it('1 when the versions differ, 0 when they do not', async () => {
      assert.equal((await cli(['-C', mirror, 'diff', TD64, '--exit-code'])).code, 1);
      assert.equal((await cli(['-C', mirror, 'diff', TD64, '--from', '@0', '--to', '@0', '--exit-code'])).code, 0);
      assert.equal((await cli(['-C', mirror, 'diff', 'sample/itu-press-release', '--exit-code', '--format', 'html'])).code, 0);
      assert.equal((await cli(['-C', mirror, 'diff', TD64])).code, 0, 'without --exit-code a difference is a success');
    });
  });

  describe('log and changes', () => {
    it('log: words added and removed per version, in text and JSON', async () => {
      const log = json<LogEntry[]>(await cli(['-C', mirror, 'log', TD64, '--json']));
      assert.deepEqual(Object.keys(log[0] ?? {}), ['commit', 'date', 'status', 'sha256', 'message', 'wordsAdded', 'wordsRemoved']);
      const diff = json<JsonDiff>(await cli(['-C', mirror, 'diff', TD64, '--json']));
      assert.equal(log[0]?.wordsAdded, diff.stats.wordsAdded);
      assert.equal(log[0]?.wordsRemoved, diff.stats.wordsRemoved);
      assert.ok((log[1]?.wordsAdded ?? 0) > 500 && log[1]?.wordsRemoved === 0, 'the first version adds all its words');
      const text = await cli(['-C', mirror, 'log', TD64]);
      assert.match(text.stdout, /^#\s+COMMIT\s+DATE\s+CHANGE\s+WORDS\s+MESSAGE$/m);
      assert.match(text.stdout, new RegExp(`^@0 .* content +\\+${diff.stats.wordsAdded} -${diff.stats.wordsRemoved} +Update `, 'm'));
      const removed = json<LogEntry[]>(await cli(['-C', mirror, 'log', 'sample/proposal-summary', '--json']));
      assert.deepEqual(removed.map((v) => [v.status, v.wordsAdded, v.wordsRemoved]).slice(0, 1), [['removed', 0, 0]]);
    });

    it('changes: words per version, window, type, --no-stats', async () => {
      type Change = { id: string; commit: string; date: string; status: string; title: string | null; url: string | null; wordsAdded?: number; wordsRemoved?: number };
      const all = json<Change[]>(await cli(['-C', mirror, 'changes', '--json']));
      assert.equal(all.length, 5 + 3 + 1 + 1);
      const td = all.find((c) => c.id === TD64);
      const diff = json<JsonDiff>(await cli(['-C', mirror, 'diff', TD64, '--json']));
      assert.deepEqual([td?.wordsAdded, td?.wordsRemoved], [diff.stats.wordsAdded, diff.stats.wordsRemoved]);
      for (const key of ['id', 'commit', 'date', 'status', 'sha256', 'message', 'title', 'url', 'wordsAdded', 'wordsRemoved']) assert.ok(td !== undefined && key in td, key);
      const log = json<LogEntry[]>(await cli(['-C', mirror, 'log', NOTICE, '--json']));
      const last = json<JsonDiff>(await cli(['-C', mirror, 'diff', NOTICE, '--json']));
      const windowed = json<Change[]>(await cli(['-C', mirror, 'changes', '--since', log[0]?.date ?? '', '--type', 'content', '--json']));
      // Its previous version is outside the window: counted against it all the same.
      assert.deepEqual(windowed.map((c) => [c.id, c.wordsAdded, c.wordsRemoved]), [[NOTICE, last.stats.wordsAdded, last.stats.wordsRemoved]]);
      // The first sync's versions, up to its notice: as many as have a date up to it. (Not "5": a run
      // that crosses a second's boundary dates the documents fetched after the notice a second later.)
      const cutoff = log[2]?.date ?? '';
      const until = json<Change[]>(await cli(['-C', mirror, 'changes', '--until', cutoff, '--json']));
      const upToCutoff = all.filter((c) => Date.parse(c.date) <= Date.parse(cutoff));
      assert.ok(upToCutoff.length >= 1 && upToCutoff.length <= 5, `${upToCutoff.length} versions up to ${cutoff}`);
      assert.deepEqual(
        until.map((c) => c.commit),
        upToCutoff.map((c) => c.commit),
      );
      const plain = json<Change[]>(await cli(['-C', mirror, 'changes', '--no-stats', '--json']));
      assert.ok(plain.every((c) => !('wordsAdded' in c)));
      const text = await cli(['-C', mirror, 'changes', '--type', 'content']);
      assert.match(text.stdout, /^DATE\s+COMMIT\s+CHANGE\s+WORDS\s+DOCUMENT\s+MESSAGE$/m);
      assert.match(text.stdout, new RegExp(`content +\\+${last.stats.wordsAdded} -${last.stats.wordsRemoved} +notice `));
    });
  });

  describe('show --raw and --output', () => {
    it('writes the raw bytes of a version, binary-safe, to stdout or a file', async () => {
      const expected = (await exec('git', ['-C', mirror, 'show', `HEAD:${rawPath(TD64, 'pdf')}`], { encoding: 'buffer', maxBuffer: 50 * 1024 * 1024 })).stdout;
      const run = await cli(['-C', mirror, 'show', TD64, '--raw']);
      assert.equal(run.code, 0, run.stderr);
      assert.ok(run.bytes.equals(expected), 'the same bytes as stored');
      assert.ok(run.bytes.subarray(0, 5).toString('latin1') === '%PDF-');

      const older = await cli(['-C', mirror, 'show', TD64, '--at', '@1', '--raw']);
      assert.ok(!older.bytes.equals(expected), '@1 is the older PDF');

      const out = await mkdtemp(join(await tempDir(), 'out-'));
      const file = join(out, 'td64.pdf');
      const written = await cli(['-C', mirror, 'show', TD64, '--raw', '--output', file]);
      assert.equal(written.code, 0, written.stderr);
      assert.equal(written.stdout, '');
      assert.ok((await readFile(file)).equals(expected));

      const again = await cli(['-C', mirror, 'show', TD64, '--at', '@1', '--raw', '--output', file]);
      assert.equal(again.code, 2);
      assert.match(again.stderr, /already exists[\s\S]*--force/);
      assert.ok((await readFile(file)).equals(expected), 'left as it was');

      const forced = await cli(['-C', mirror, 'show', TD64, '--at', '@1', '--raw', '--output', file, '--force', '--json']);
      assert.equal(forced.code, 0, forced.stderr);
      const report = JSON.parse(forced.stdout) as { raw: string; bytes: number; output: string };
      assert.equal(report.raw, rawPath(TD64, 'pdf'));
      assert.ok((await readFile(file)).equals(older.bytes));
      assert.equal(report.bytes, older.bytes.length);

      // Relative to the working directory, and the text too.
      const text = await cli(['-C', mirror, 'show', NOTICE, '--output', 'notice.txt'], { cwd: out });
      assert.equal(text.code, 0, text.stderr);
      assert.equal(await readFile(join(out, 'notice.txt'), 'utf8'), notices[2]);
    });

    it('refuses binary bytes on a terminal, suggesting --output', async () => {
      let stdout = '';
      let stderr = '';
      const code = await main(['-C', mirror, 'show', TD64, '--raw'], {
        stdout: { write: (text: string) => (stdout += text), isTTY: true },
        stderr: { write: (text: string) => (stderr += text) },
        env: {},
      });
      assert.equal(code, 2);
      assert.equal(stdout, '');
      assert.match(stderr, /binary and stdout is a terminal[\s\S]*--raw --output <file>/);
    });
  });

  describe('bad input exits 2 with a helpful message', () => {
    const cases: Array<{ args: () => string[]; pattern: RegExp }> = [
      { args: () => ['diff', 'sample/draft-itrs'], pattern: /unknown document id: sample\/draft-itrs\nhint: did you mean: sample\/draft-itrs-td64/ },
      { args: () => ['log', 'sample/civil-society-leter'], pattern: /did you mean: sample\/civil-society-letter/ },
      { args: () => ['show', 'nosuch', '--raw'], pattern: /unknown document id: nosuch/ },
      { args: () => ['diff', TD64, '--from', '@7'], pattern: /no version @7: the oldest is @1\navailable versions:\n {2}@0 +[0-9a-f]{10}/ },
      { args: () => ['diff', TD64, '--to', 'deadbeef'], pattern: /no version of this document has commit deadbeef\navailable versions:/ },
      { args: () => ['diff', TD64, '--from', '1999-01-01'], pattern: /no version existed yet at 1999-01-01\navailable versions:/ },
      { args: () => ['diff', TD64, '--from', 'yesterday'], pattern: /not a revision: "yesterday"[\s\S]*available versions:/ },
      { args: () => ['diff', TD64, '--from', '2012-13-45'], pattern: /not a valid date: 2012-13-45|available versions/ },
      { args: () => ['show', TD64, '--at', '@2'], pattern: /no version @2/ },
      { args: () => ['changes', '--since', 'last week'], pattern: /--since must be an ISO 8601 date/ },
      { args: () => ['changes', '--type', 'cosmetic'], pattern: /--type/ },
      { args: () => ['diff', TD64, '--mode', 'letter'], pattern: /--mode/ },
      { args: () => ['diff', TD64, '--format', 'pdf'], pattern: /--format/ },
      { args: () => ['diff', TD64, '--html-layout', 'stacked'], pattern: /--html-layout/ },
      { args: () => ['diff', TD64, '--stat', '--format', 'patch'], pattern: /--stat prints a summary/ },
      { args: () => ['show', TD64, '--force'], pattern: /--force only applies with --output/ },
      { args: () => ['show', TD64, '--raw', '--json'], pattern: /--raw with --json needs --output/ },
    ];
    for (const testCase of cases) {
      it(testCase.args().join(' '), async () => {
        const run = await cli(['-C', mirror, ...testCase.args()]);
        assert.equal(run.code, 2, run.stderr);
        assert.match(run.stderr, testCase.pattern);
        assert.equal(run.stdout, '');
      });
    }
    it('not a mirror', async () => {
      const elsewhere = await tempDir();
      for (const command of [['diff', TD64], ['log', TD64], ['show', TD64], ['changes']]) {
        const run = await cli(command, { cwd: elsewhere });
        assert.equal(run.code, 2, run.stderr);
        assert.match(run.stderr, /not a leakmirror mirror[\s\S]*leakmirror init/);
      }
    });
  });
});
