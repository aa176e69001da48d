// End to end: the built CLI as a child process, as users and their scripts run it, against the
// bundled sample site served on 127.0.0.1 and a real temporary git repository.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultSampleSiteRoot, startSiteServer, type SiteServer } from '../src/demo/site-server.js';
import { acquireLock } from '../src/store/lock.js';
import { lockTarget } from '../src/store/layout.js';
import { tempDir } from './helpers/temp.js';
import { textPath, rawPath } from './helpers/layout.js';

const launcher = new URL('../../bin/leakmirror.js', import.meta.url).pathname;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], options: { cwd?: string } = {}): Promise<Run> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  return new Promise((resolve) => {
    execFile(process.execPath, [launcher, ...args], { cwd: options.cwd, env, timeout: 60_000, maxBuffer: 20 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

function json<T>(run: Run): T {
  assert.equal(run.stderr.includes('\u001b['), false, 'no colour with --json');
  return JSON.parse(run.stdout) as T;
}

interface SyncJson {
  documents: Array<{ id: string; url: string; status: string; commit?: string; error?: string }>;
  summary: Record<string, number>;
}

describe('leakmirror CLI end to end', () => {
  let server: SiteServer;
  let mirror: string;
  let work: string;

  before(async () => {
    server = await startSiteServer({ root: defaultSampleSiteRoot(), revision: 'rev1' });
    work = await tempDir();
    mirror = join(work, 'mirror');
  });
  after(() => server.close());

  it('init creates a mirror and is idempotent', async () => {
    const first = await cli(['init', mirror, '--name', 'sample']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /created mirror "sample"/);
    const again = await cli(['init', mirror]);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /already a mirror/);
  });

  it('add registers an index source; sources lists it', async () => {
    const added = await cli(['-C', mirror, 'add', server.url, '--name', 'sample', '--links', 'main a', '--match', '/docs/']);
    assert.equal(added.code, 0, added.stderr);
    const sources = json<Array<{ name: string; kind: string; links: string; match: string }>>(await cli(['-C', mirror, 'sources', '--json']));
    assert.deepEqual(sources.map(({ name, kind, links, match }) => ({ name, kind, links, match })), [{ name: 'sample', kind: 'index', links: 'main a', match: '/docs/' }]);
    const duplicate = await cli(['-C', mirror, 'add', server.url, '--name', 'sample']);
    assert.equal(duplicate.code, 2);
    assert.match(duplicate.stderr, /already exists/);
  });

  it('sync records the site, then its revision', async () => {
    const first = await cli(['-C', mirror, 'sync', '--json', '--allow-private-network', '--delay', '0']);
    assert.equal(first.code, 0, first.stderr);
    const report = json<SyncJson>(first);
    assert.deepEqual(report.summary, { new: 4, changed: 0, unchanged: 0, removed: 0, failed: 0 });
    for (const doc of report.documents) {
      assert.match(doc.commit ?? '', /^[0-9a-f]{40}$/);
      assert.ok(doc.url.startsWith(server.url));
    }

    server.setRevision('rev2');
    const second = json<SyncJson>(await cli(['sync', '--json', '--allow-private-network', '--delay', '0'], { cwd: mirror }));
    const statuses = Object.fromEntries(second.documents.map((doc) => [doc.id, doc.status]));
    assert.deepEqual(statuses, {
      'sample/civil-society-letter': 'changed',
      'sample/draft-itrs-td64': 'changed',
      'sample/itu-press-release': 'unchanged',
      'sample/proposal-summary': 'removed',
    });
  });

  it('list, log and show report the history', async () => {
    const list = json<Array<Record<string, unknown>>>(await cli(['-C', mirror, 'list', '--json']));
    const draft = list.find((doc) => doc.id === 'sample/draft-itrs-td64');
    assert.deepEqual(Object.keys(draft ?? {}).sort(), ['extraction', 'id', 'lastChanged', 'path', 'raw', 'source', 'status', 'title', 'url', 'versions']);
    assert.equal(draft?.path, textPath('sample/draft-itrs-td64'));
    assert.equal(draft?.raw, rawPath('sample/draft-itrs-td64', 'pdf'));
    assert.equal(draft?.versions, 2);
    assert.equal(draft?.extraction, 'text');
    assert.equal(list.find((doc) => doc.id === 'sample/proposal-summary')?.status, 'removed');

    const log = json<Array<{ commit: string; date: string; status: string; sha256: string; message: string }>>(await cli(['-C', mirror, 'log', 'sample/draft-itrs-td64', '--json']));
    assert.equal(log.length, 2);
    // The contract's fields, plus the words each version added and removed.
    assert.deepEqual(Object.keys(log[0] ?? {}).sort(), ['commit', 'date', 'message', 'sha256', 'status', 'wordsAdded', 'wordsRemoved']);
    assert.equal(log[0]?.status, 'content');
    assert.match(log[0]?.message ?? '', /^Update /);
    assert.match(log[1]?.message ?? '', /^Add /);
    assert.ok(Date.parse(log[0]?.date ?? '') >= Date.parse(log[1]?.date ?? ''));

    const latest = await cli(['-C', mirror, 'show', 'sample/draft-itrs-td64']);
    assert.match(latest.stdout, /Revision 2/);
    const older = await cli(['-C', mirror, 'show', 'sample/draft-itrs-td64', '--at', log[1]?.commit.slice(0, 8) ?? '']);
    assert.match(older.stdout, /Revision 1/);
    const byPosition = await cli(['-C', mirror, 'show', 'sample/draft-itrs-td64', '--at', '@1']);
    assert.equal(byPosition.stdout, older.stdout);

    const removedLog = json<Array<{ status: string }>>(await cli(['-C', mirror, 'log', 'sample/proposal-summary', '--json']));
    assert.deepEqual(removedLog.map((version) => version.status), ['removed', 'content']);
  });

  it('diff shows the revision in every format', async () => {
    const text = await cli(['-C', mirror, 'diff', 'sample/draft-itrs-td64']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /\[-should-\]\{\+shall\+\}|\[-should-\] ?\{\+shall\+\}/);
    assert.match(text.stdout, /page \d/);

    const data = json<{ id: string; from: string; to: string; stats: { added: number; removed: number }; hunks: unknown[] }>(
      await cli(['-C', mirror, 'diff', 'sample/draft-itrs-td64', '--format', 'json']),
    );
    assert.equal(data.id, 'sample/draft-itrs-td64');
    assert.ok(data.stats.added > 0 && data.stats.removed > 0);
    assert.ok(data.hunks.length > 0);

    const lines = json<{ stats: { added: number } }>(await cli(['-C', mirror, '--json', 'diff', 'sample/civil-society-letter', '--mode', 'line']));
    assert.ok(lines.stats.added >= 2, 'a paragraph and a table row were added');

    const patch = await cli(['-C', mirror, 'diff', 'sample/civil-society-letter', '--format', 'patch']);
    const letterPath = textPath('sample/civil-society-letter');
    assert.ok(patch.stdout.startsWith(`--- a/${letterPath}\n+++ b/${letterPath}\n@@ `), patch.stdout.slice(0, 200));

    const exitCode = await cli(['-C', mirror, 'diff', 'sample/civil-society-letter', '--exit-code', '--format', 'json']);
    assert.equal(exitCode.code, 1);
    const same = await cli(['-C', mirror, 'diff', 'sample/itu-press-release', '--exit-code']);
    assert.equal(same.code, 0);
  });

  it('changes lists the versions recorded since a date', async () => {
    const changes = json<Array<{ id: string; status: string }>>(await cli(['-C', mirror, 'changes', '--since', '2000-01-01', '--json']));
    assert.equal(changes.length, 4 + 3);
    const future = json<unknown[]>(await cli(['-C', mirror, 'changes', '--since', '2999-01-01', '--json']));
    assert.deepEqual(future, []);
  });

  it('usage errors exit 2 with a clear message', async () => {
    const cases: Array<{ args: string[]; pattern: RegExp; cwd?: string }> = [
      { args: ['frobnicate'], pattern: /unknown command/ },
      { args: ['-C', mirror, 'sync', '--bogus'], pattern: /unknown option/ },
      { args: ['-C', mirror, 'diff', 'sample/draft-itrs', '--mode', 'letter'], pattern: /mode/ },
      { args: ['-C', mirror, 'log', 'sample/draft-itrs'], pattern: /unknown document id.*\n.*did you mean: sample\/draft-itrs-td64/ },
      { args: ['-C', mirror, 'show', 'sample/draft-itrs-td64', '--at', 'dead'], pattern: /no version of this document has commit dead\navailable versions:/ },
      { args: ['-C', mirror, 'sync', 'nosuchsource'], pattern: /unknown source: nosuchsource/ },
      { args: ['-C', mirror, 'sync', '--concurrency', 'lots'], pattern: /whole number/ },
      { args: ['list'], pattern: /not a leakmirror mirror[\s\S]*leakmirror init/, cwd: work },
      { args: [], pattern: /Usage: leakmirror/ },
    ];
    for (const testCase of cases) {
      const run = await cli(testCase.args, { cwd: testCase.cwd });
      assert.equal(run.code, 2, `${testCase.args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, testCase.pattern, testCase.args.join(' '));
      assert.equal(run.stdout, '');
    }
  });

  it('help lists options with examples and exits 0', async () => {
    const help = await cli(['sync', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--dry-run/);
    assert.match(help.stdout, /Examples:/);
    assert.equal((await cli(['--version'])).code, 0);
  });

  it('an invalid leakmirror.yaml exits 2 naming the key and line', async () => {
    const broken = join(work, 'broken');
    assert.equal((await cli(['init', broken])).code, 0);
    await writeFile(join(broken, 'leakmirror.yaml'), 'name: x\nsources:\n  a:\n    url: not-a-url\n');
    const run = await cli(['-C', broken, 'sync']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /leakmirror\.yaml:4: sources\.a\.url: must be an absolute http/);
  });

  it('a held lock exits 1 naming the holder', async () => {
    const lock = await acquireLock(lockTarget(mirror), 'sync (another run)');
    try {
      const run = await cli(['-C', mirror, 'sync', '--allow-private-network']);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /locked by process \d+ .*sync \(another run\)/);
    } finally {
      await lock.release();
    }
  });

  it('failed documents exit 3 while the others are recorded', async () => {
    const run = await cli(['-C', mirror, 'sync', '--json', '--delay', '0']);
    assert.equal(run.code, 3);
    const report = json<SyncJson>(run);
    assert.equal(report.summary.failed, 1);
    assert.match(report.documents[0]?.error ?? '', /allow-private-network/);
  });
});
