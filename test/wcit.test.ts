// The WCIT-12 mirror (mirror/wcit/leakmirror.yaml) run end to end, offline: the ITU's documents
// pages, the civil society blog and the Internet Archive are served from 127.0.0.1 in the shapes of
// the real sites (test/fixtures/sources/wcit/), the configuration's origins rewritten to them, the
// archive found through LEAKMIRROR_WAYBACK_URL.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../src/config/schema.js';
import { fixture, git, makePdf, newMirror, startSite, type Site } from './sources-fixtures.js';
import { textPath, metaPath } from './helpers/layout.js';

const launcher = new URL('../../bin/leakmirror.js', import.meta.url).pathname;
const configFile = new URL('../../mirror/wcit/leakmirror.yaml', import.meta.url);

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const childEnv: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...env };
  return new Promise((resolve) => {
    execFile(process.execPath, [launcher, ...args], { env: childEnv, timeout: 120_000, maxBuffer: 20 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

const LANGUAGES = ['E', 'F', 'S', 'A', 'C', 'R'];
const ITU_DOCUMENTS = ['0001', '0047', '0066'];

interface SyncJson {
  documents: Array<{ id: string; url: string; source: string; status: string; error?: string }>;
  summary: Record<string, number>;
}

describe('the WCIT-12 mirror', () => {
  let itu: Site;
  let blog: Site;
  let archive: Site;
  let mirrorDir: string;
  let env: Record<string, string>;
  const cdxQueries: string[] = [];

  before(async () => {
    itu = await startSite();
    blog = await startSite();
    const captureBodies = new Map<string, Buffer>();
    const cdx = JSON.parse(fixture('wcit/cdx-wcitleaks.json')) as string[][];
    archive = await startSite((raw) => {
      const url = new URL(raw, 'http://archive');
      if (url.pathname === '/cdx/search/cdx') {
        cdxQueries.push(url.searchParams.get('url') ?? '');
        return { type: 'application/json', body: JSON.stringify(cdx) };
      }
      const match = /^\/web\/(\d{14})id_\/(.+)$/.exec(raw);
      const row = cdx.find((candidate) => candidate[0] === match?.[1] && candidate[1] === match?.[2]);
      const body = row === undefined ? undefined : captureBodies.get(row[4] ?? '');
      return body === undefined ? undefined : { type: row?.[2] ?? 'application/pdf', body };
    });

    const toLocal = (text: string) => text.replaceAll('https://www.itu.int', itu.url).replaceAll('https://bestbits.net', blog.url);
    // The ITU: two index pages, each document in six languages, and the Final Acts.
    itu.pages.set('/en/wcit-12/Pages/documents.aspx', { body: toLocal(fixture('wcit/itu-documents.html')) });
    itu.pages.set('/en/wcit-12/Pages/documents.aspx?Page=2', { body: toLocal(fixture('wcit/itu-documents-2.html')) });
    for (const number of ITU_DOCUMENTS) {
      for (const language of LANGUAGES) {
        itu.pages.set(`/en/wcit-12/Documents/S12-WCIT12-C-${number}-${language}.pdf`, {
          type: 'application/pdf',
          body: await makePdf([`WORLD CONFERENCE ON INTERNATIONAL TELECOMMUNICATIONS (WCIT-12)`, `Document ${number}-${language}`]),
        });
      }
    }
    itu.pages.set('/en/wcit-12/Documents/final-acts-wcit-12.pdf', { type: 'application/pdf', body: await makePdf(['FINAL ACTS', 'Dubai, 2012']) });
    // The leaked copy of Document 47 is byte for byte the ITU's English one.
    captureBodies.set('BF2PPNVR3LH7ZVOXMV2LG2XN4QWFSGBO', itu.pages.get('/en/wcit-12/Documents/S12-WCIT12-C-0047-E.pdf')?.body as Buffer);
    captureBodies.set('QJZ3Z7B3K6QSGR6V3MGTGNTJ5ZD5JCLH', await makePdf(['TD 64 Rev.1', 'Draft of the future ITRs, June']));
    captureBodies.set('7KXWQ2MZ4D3N6W5XJQ4TBWJ2ZP3ZZJHI', await makePdf(['TD 64 Rev.1', 'Draft of the future ITRs, September']));
    captureBodies.set('W7UJEV6GNH3CH3A6O5M2F7TWNYR3ZPFG', await makePdf(['Contribution 40']));

    // The blog: its tag feed, three posts, one attached PDF.
    blog.pages.set('/tag/wcit/feed/', { type: 'application/rss+xml; charset=UTF-8', body: toLocal(fixture('wcit/blog-feed.xml')) });
    const post = (title: string, body: string) => toLocal(fixture('wcit/blog-post.html').replaceAll('{{TITLE}}', title).replace('{{BODY}}', body));
    blog.pages.set('/2012/12/wcit-statement/', { body: post('Civil society statement to the World Conference on International Telecommunications', '<p>We, the undersigned civil society organisations, call on the delegates to WCIT-12 to keep the Internet out of the ITRs.</p>') });
    blog.pages.set('/2012/05/itu-documents-letter/', { body: post('Letter to the ITU Secretary-General on access to WCIT documents', '<p>We ask the ITU to publish the preparatory documents of WCIT-12.</p>') });
    blog.pages.set('/2012/12/wcit-closes/', { body: post('WCIT-12 closes without consensus', '<p>The conference in Dubai ended with 89 countries signing the treaty.</p>') });
    blog.pages.set('/wp-content/uploads/2012/12/WCIT-statement-signatories.pdf', { type: 'application/pdf', body: await makePdf(['Signatories', 'Access, CDT, ...']) });

    // The real configuration, its origins pointed at the local sites.
    const original = await readFile(configFile, 'utf8');
    const local = toLocal(original);
    for (const line of local.split('\n').filter((text) => !text.trimStart().startsWith('#'))) {
      for (const url of line.match(/https?:\/\/[^\s"']+/g) ?? []) assert.ok(url.startsWith('http://127.0.0.1:'), `the test config reaches no real site: ${line}`);
    }
    mirrorDir = await newMirror('wcit');
    await writeFile(join(mirrorDir, 'leakmirror.yaml'), local);
    git(mirrorDir, 'add', 'leakmirror.yaml');
    git(mirrorDir, '-c', 'user.name=test', '-c', 'user.email=test@localhost', 'commit', '--quiet', '-m', 'WCIT-12 sources');
    env = { LEAKMIRROR_WAYBACK_URL: archive.url };
  });
  after(async () => {
    await Promise.all([itu.close(), blog.close(), archive.close()]);
  });

  it('the shipped configuration is valid, and every source says what it is', async () => {
    const text = await readFile(configFile, 'utf8');
    const parsed = parseConfig(text);
    assert.ok(parsed.ok, JSON.stringify(parsed.ok ? '' : parsed.issues));
    assert.deepEqual(
      parsed.config.sources.map((source) => [source.name, source.kind]),
      [
        ['wcitleaks', 'wayback'],
        ['itu-wcit12', 'index'],
        ['itu-final-acts', 'page'],
        ['statements', 'feed'],
      ],
    );
    for (const source of parsed.config.sources) {
      const lines = text.split('\n');
      const at = lines.findIndex((line) => line === `  ${source.name}:`);
      assert.match(lines[at - 1] ?? '', /^ {2}# /, `a comment above ${source.name}`);
    }
    assert.match(text, /to be checked/);
  });

  it('the first sync mirrors the three sites', async () => {
    const run = await cli(['-C', mirrorDir, 'sync', '--json', '--allow-private-network', '--delay', '0'], env);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as SyncJson;
    const bySource = (name: string) => report.documents.filter((doc) => doc.source === name);

    // The ITU: 3 documents x 6 languages over two pages, tracking and SharePoint parameters dropped.
    const itu12 = bySource('itu-wcit12');
    assert.equal(itu12.length, 18, itu12.map((doc) => doc.id).join(' '));
    assert.ok(itu12.every((doc) => doc.status === 'new'));
    assert.deepEqual(
      itu12.map((doc) => doc.id).filter((id) => id.includes('0066')).sort(),
      LANGUAGES.map((language) => `itu-wcit12/s12-wcit12-c-0066-${language.toLowerCase()}`).sort(),
      'the second page was read',
    );
    assert.ok(itu12.every((doc) => !doc.url.includes('?')), 'no Source= or utm_ parameter left');
    assert.ok(!itu.hits().some((hit) => hit.includes('.docx')), 'the match leaves the Word file out');
    const arabic = await readFile(join(mirrorDir, textPath('itu-wcit12/s12-wcit12-c-0001-a')), 'utf8');
    assert.match(arabic, /Document 0001-A/);
    assert.deepEqual(bySource('itu-final-acts').map((doc) => [doc.id, doc.status]), [['itu-final-acts', 'new']]);

    // The blog: three posts (one listed twice) and the attached PDF, the posts' article only.
    assert.deepEqual(bySource('statements').map((doc) => new URL(doc.url).pathname).sort(), [
      '/2012/05/itu-documents-letter/',
      '/2012/12/wcit-closes/',
      '/2012/12/wcit-statement/',
      '/wp-content/uploads/2012/12/WCIT-statement-signatories.pdf',
    ]);
    const statement = await readFile(join(mirrorDir, textPath('statements/wcit-statement')), 'utf8');
    assert.match(statement, /keep the Internet out of the ITRs/);
    assert.doesNotMatch(statement, /Share this|Leave a reply|Proudly powered/);

    // The archive: PDFs only, www. and bare host as one document, identical captures once.
    assert.deepEqual(cdxQueries, ['*.wcitleaks.org']);
    assert.deepEqual(bySource('wcitleaks').map((doc) => [doc.id, doc.status]).sort(), [
      ['wcitleaks/s12-cwg-wcit12-c-0040-msw-e', 'new'],
      ['wcitleaks/s12-cwg-wcit12-td-0064-r1-msw-e', 'new'],
      ['wcitleaks/s12-wcit12-c-0047-pdf-e', 'new'],
    ]);
    const td64 = git(mirrorDir, 'log', '--reverse', '--format=%aI %(trailers:key=Wayback-Capture,valueonly,separator=)', '--', metaPath('wcitleaks/s12-cwg-wcit12-td-0064-r1-msw-e')).trim().split('\n');
    assert.deepEqual(td64, [
      '2012-06-15T10:30:22+00:00 20120615103022 http://wcitleaks.org/docs/S12-CWG-WCIT12-TD-0064!R1!MSW-E.pdf',
      '2012-09-11T15:45:12+00:00 20120911154512 http://wcitleaks.org/docs/S12-CWG-WCIT12-TD-0064!R1!MSW-E.pdf',
    ]);
    // The leak and the official text are the same bytes: noted.
    const leaked = JSON.parse(await readFile(join(mirrorDir, metaPath('wcitleaks/s12-wcit12-c-0047-pdf-e')), 'utf8')) as { sameAs: string[] };
    assert.deepEqual(leaked.sameAs, ['itu-wcit12/s12-wcit12-c-0047-e']);

    assert.deepEqual(report.summary, { new: 26, changed: 0, unchanged: 0, removed: 0, failed: 0 });
    assert.equal(git(mirrorDir, 'status', '--porcelain'), '');
  });

  it('sources reports what each found; a second sync changes nothing', async () => {
    const sources = JSON.parse((await cli(['-C', mirrorDir, 'sources', '--json'], env)).stdout) as Array<{ name: string; kind: string; discovered: number; status: string; lastRun: string }>;
    assert.deepEqual(
      sources.map(({ name, kind, discovered, status }) => [name, kind, discovered, status]),
      [
        ['wcitleaks', 'wayback', 3, 'ok'],
        ['itu-wcit12', 'index', 18, 'ok'],
        ['itu-final-acts', 'page', 1, 'ok'],
        ['statements', 'feed', 4, 'ok'],
      ],
    );
    assert.ok(sources.every((source) => !Number.isNaN(Date.parse(source.lastRun))));

    const head = git(mirrorDir, 'rev-parse', 'HEAD');
    const again = await cli(['-C', mirrorDir, 'sync', '--json', '--allow-private-network', '--delay', '0'], env);
    assert.equal(again.code, 0, again.stderr);
    const second = JSON.parse(again.stdout) as SyncJson;
    assert.deepEqual(second.summary, { new: 0, changed: 0, unchanged: 26, removed: 0, failed: 0 }, JSON.stringify(second.documents.map((doc) => doc.id)));
    assert.equal(git(mirrorDir, 'rev-parse', 'HEAD'), head);
  });
});
