// Wayback sources against a fake Internet Archive on 127.0.0.1 (CDX API and id_ captures), found
// through LEAKMIRROR_WAYBACK_URL as the CLI passes it from the environment.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { addSource } from '../src/core/add.js';
import { documentVersions } from '../src/core/history.js';
import { openMirror } from '../src/core/mirror.js';
import { sync, type SyncResult } from '../src/core/sync.js';
import { git, html, makePdf, newMirror, startSite, type Page, type Site } from './sources-fixtures.js';
import { textPath, metaPath, rawPath } from './helpers/layout.js';

interface FakeCapture {
  timestamp: string;
  original: string;
  digest: string;
  body: Buffer | string;
  type?: string;
  /** The archive lists it but cannot serve it. */
  missing?: boolean;
}

/** A fake archive: the CDX API (which, unlike the real one, does not collapse: leakmirror must) and the captures. */
async function startArchive(captures: FakeCapture[]): Promise<Site & { arrivals: number[]; cdxQueries: URLSearchParams[] }> {
  const arrivals: number[] = [];
  const cdxQueries: URLSearchParams[] = [];
  const site = await startSite((raw): Page | undefined => {
    if (raw === '/robots.txt') return undefined;
    arrivals.push(Date.now());
    const url = new URL(raw, 'http://archive');
    if (url.pathname === '/cdx/search/cdx') {
      cdxQueries.push(url.searchParams);
      const rows = captures.map((capture) => [capture.timestamp, capture.original, capture.type ?? 'application/pdf', '200', capture.digest]);
      return { type: 'application/json', body: JSON.stringify(rows.length === 0 ? [] : [['timestamp', 'original', 'mimetype', 'statuscode', 'digest'], ...rows]) };
    }
    const match = /^\/web\/(\d{14})id_\/(.+)$/.exec(raw);
    const capture = captures.find((candidate) => candidate.timestamp === match?.[1] && candidate.original === match?.[2]);
    if (capture === undefined || capture.missing === true) return undefined;
    return { type: capture.type ?? 'application/pdf', body: capture.body };
  });
  return Object.assign(site, { arrivals, cdxQueries });
}

const runWith = (archive: Site, mirrorDir: string, options: { politeness?: 'default' } = {}): Promise<SyncResult> =>
  sync({ mirrorDir, allowPrivateNetwork: true, delayMs: options.politeness === 'default' ? undefined : 0, retries: 0, env: { LEAKMIRROR_WAYBACK_URL: archive.url } });

const iso = (timestamp: string) => `${timestamp.slice(0, 4)}-${timestamp.slice(4, 6)}-${timestamp.slice(6, 8)}T${timestamp.slice(8, 10)}:${timestamp.slice(10, 12)}:${timestamp.slice(12, 14)}Z`;

describe('wayback import', () => {
  const original = 'http://wcitleaks.org/docs/td-64.pdf';
  let archive: Awaited<ReturnType<typeof startArchive>>;
  let captures: FakeCapture[];
  let mirrorDir: string;
  let pdfs: Buffer[];

  before(async () => {
    pdfs = await Promise.all([1, 2, 3, 4].map((revision) => makePdf(['Draft ITRs (TD 64)', `Revision ${revision}`], `TD 64 rev ${revision}`)));
    captures = [
      { timestamp: '20121105083000', original, digest: 'D1', body: pdfs[0] as Buffer },
      { timestamp: '20121112120000', original: 'http://www.wcitleaks.org/docs/td-64.pdf', digest: 'D2', body: pdfs[1] as Buffer },
      // Identical to the one before it (same digest): one version, not fetched.
      { timestamp: '20121113120000', original, digest: 'D2', body: pdfs[1] as Buffer },
      { timestamp: '20121127093015', original, digest: 'D3', body: pdfs[2] as Buffer },
      { timestamp: '20121203180000', original, digest: 'D4', body: pdfs[3] as Buffer },
      // An HTML page the --match leaves out.
      { timestamp: '20121101000000', original: 'http://wcitleaks.org/', digest: 'H1', body: html('WCITLeaks', '<p>Leaks</p>'), type: 'text/html' },
    ];
    archive = await startArchive(captures);
    mirrorDir = await newMirror();
  });
  after(() => archive.close());

  it('5 captures of one PDF, two consecutive identical: 4 commits at the capture times, in order', async () => {
    const added = await addSource({ mirrorDir, url: 'wayback:wcitleaks.org/*', match: '\\.pdf$' });
    assert.equal(added.name, 'wayback-wcitleaks.org');
    assert.equal(added.source.url, 'wayback:wcitleaks.org/*');
    const result = await runWith(archive, mirrorDir);
    assert.deepEqual(result.documents.map((doc) => [doc.id, doc.status, doc.url]), [['wayback-wcitleaks.org/td-64', 'new', original]]);
    assert.deepEqual(result.sources, [
      { name: 'wayback-wcitleaks.org', kind: 'wayback', status: 'ok', discovered: 1, new: 1, changed: 0, unchanged: 0, removed: 0, failed: 0, missing: 0, captures: 4 },
    ]);

    const query = archive.cdxQueries[0];
    assert.equal(query?.get('url'), 'wcitleaks.org/*');
    assert.equal(query?.get('output'), 'json');
    assert.equal(query?.get('fl'), 'timestamp,original,mimetype,statuscode,digest');
    assert.equal(query?.get('filter'), 'statuscode:200');
    assert.equal(query?.get('collapse'), 'digest');
    assert.deepEqual(
      archive.hits().filter((hit) => hit.startsWith('/web/')),
      [
        `/web/20121105083000id_/${original}`,
        '/web/20121112120000id_/http://www.wcitleaks.org/docs/td-64.pdf',
        `/web/20121127093015id_/${original}`,
        `/web/20121203180000id_/${original}`,
      ],
      'each distinct capture fetched once, in order, in its id_ form',
    );

    const id = 'wayback-wcitleaks.org/td-64';
    const log = git(mirrorDir, 'log', '--reverse', '--format=%aI%x09%s%x09%(trailers:key=Wayback-Capture,valueonly,separator=)', '--', metaPath(id))
      .trim()
      .split('\n')
      .map((line) => line.split('\t'));
    assert.deepEqual(
      log.map(([date]) => new Date(date ?? '').toISOString()),
      ['20121105083000', '20121112120000', '20121127093015', '20121203180000'].map((timestamp) => new Date(iso(timestamp)).toISOString()),
    );
    assert.deepEqual(log.map(([, subject]) => subject?.split(' ')[0]), ['Add', 'Update', 'Update', 'Update']);
    assert.deepEqual(
      log.map(([, , trailer]) => trailer),
      ['20121105083000 http://wcitleaks.org/docs/td-64.pdf', '20121112120000 http://www.wcitleaks.org/docs/td-64.pdf', '20121127093015 http://wcitleaks.org/docs/td-64.pdf', '20121203180000 http://wcitleaks.org/docs/td-64.pdf'],
    );

    // log (newest first) reads the capture times as the versions' dates.
    const versions = await documentVersions((await openMirror(mirrorDir)).repo, id);
    assert.equal(versions.length, 4);
    assert.equal(new Date(versions[0]?.date ?? '').toISOString(), new Date(iso('20121203180000')).toISOString());

    const meta = JSON.parse(await readFile(join(mirrorDir, metaPath(id)), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(meta.wayback, { timestamp: '20121203180000', digest: 'D4', original });
    assert.equal(meta.fetchedAt, new Date(iso('20121203180000')).toISOString());
    assert.equal(meta.finalUrl, `${archive.url}/web/20121203180000id_/${original}`);
    assert.match(await readFile(join(mirrorDir, textPath(id)), 'utf8'), /Revision 4/);
    assert.deepEqual(await readFile(join(mirrorDir, rawPath(id, 'pdf'))), pdfs[3]);
    assert.equal(git(mirrorDir, 'status', '--porcelain'), '');
  });

  it('a second import adds nothing and fetches no capture', async () => {
    const headBefore = git(mirrorDir, 'rev-parse', 'HEAD');
    const hitsBefore = archive.hits().length;
    const result = await runWith(archive, mirrorDir);
    assert.deepEqual(result.documents.map((doc) => doc.status), ['unchanged']);
    assert.equal(git(mirrorDir, 'rev-parse', 'HEAD'), headBefore);
    assert.deepEqual(archive.hits().slice(hitsBefore).map((hit) => new URL(hit, 'http://x').pathname), ['/cdx/search/cdx']);
  });

  it('a later capture is imported alone; one with new bytes but the same text is technical; one the archive cannot serve is skipped', async () => {
    captures.push(
      { timestamp: '20121210100000', original, digest: 'D5', body: await makePdf(['Draft ITRs (TD 64)', 'Revision 5']) },
      { timestamp: '20121211100000', original, digest: 'D6', body: 'never served', missing: true },
    );
    const result = await runWith(archive, mirrorDir);
    assert.deepEqual(result.documents.map((doc) => [doc.status, doc.changeType]), [['changed', 'content']]);
    assert.equal(result.sources[0]?.captures, 1);
    const meta = JSON.parse(await readFile(join(mirrorDir, metaPath('wayback-wcitleaks.org/td-64')), 'utf8')) as { wayback: { timestamp: string } };
    assert.equal(meta.wayback.timestamp, '20121210100000');
    assert.equal(git(mirrorDir, 'log', '--format=%H', '--', metaPath('wayback-wcitleaks.org/td-64')).trim().split('\n').length, 5);
  });

  it('dry run lists what would be imported and writes nothing', async () => {
    captures.push({ timestamp: '20121214170000', original, digest: 'D7', body: await makePdf(['Final Acts']) });
    const headBefore = git(mirrorDir, 'rev-parse', 'HEAD');
    const hitsBefore = archive.hits().length;
    const result = await sync({ mirrorDir, allowPrivateNetwork: true, delayMs: 0, retries: 0, dryRun: true, env: { LEAKMIRROR_WAYBACK_URL: archive.url } });
    assert.deepEqual(result.documents.map((doc) => doc.status), ['changed']);
    assert.equal(result.sources[0]?.captures, 2, 'the new capture and the unservable one');
    assert.equal(git(mirrorDir, 'rev-parse', 'HEAD'), headBefore);
    assert.ok(!archive.hits().slice(hitsBefore).some((hit) => hit.startsWith('/web/')));
    captures.pop();
  });

  it('a capture list that is not JSON fails the source with a clear error', async () => {
    const broken = await startSite(() => ({ type: 'text/html', body: '<html>Too many requests</html>' }));
    try {
      const result = await runWith(broken, mirrorDir);
      assert.deepEqual(result.documents.map((doc) => [doc.id, doc.status, doc.errorClass]), [['wayback-wcitleaks.org', 'failed', 'bad-content']]);
      assert.match(result.documents[0]?.error ?? '', /^capture list: the archive's capture list .* is not JSON/);
    } finally {
      await broken.close();
    }
  });
});

describe('wayback politeness', () => {
  it('one request per second to the archive by default', async () => {
    const original = 'http://example.org/a.pdf';
    const archive = await startArchive([
      { timestamp: '20120101000000', original, digest: 'A', body: await makePdf(['one']) },
      { timestamp: '20120201000000', original, digest: 'B', body: await makePdf(['two']) },
    ]);
    try {
      const mirrorDir = await newMirror();
      await addSource({ mirrorDir, url: `wayback:${original}`, name: 'a' });
      // No --delay: the source's default (1000 ms) applies.
      const result = await runWith(archive, mirrorDir, { politeness: 'default' });
      assert.deepEqual(result.documents.map((doc) => [doc.id, doc.status]), [['a', 'new']], 'an exact URL pattern is a single document named after the source');
      const times = archive.arrivals;
      assert.equal(times.length, 3, 'the CDX request and two captures');
      for (let i = 1; i < times.length; i += 1) assert.ok((times[i] as number) - (times[i - 1] as number) >= 950, `request ${i} came ${(times[i] as number) - (times[i - 1] as number)} ms after the one before`);
    } finally {
      await archive.close();
    }
  });
});
