// The demo's sample-site server (src/demo/site-server.ts) and the facts about the bundled sample site
// (mirror/sample-site) that the demo relies on.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';

import { PDFParse } from 'pdf-parse';

import { makeDraftPdf } from '../scripts/make-sample-site.js';
import { defaultSampleSiteRoot, startSiteServer, type SiteServer } from '../src/demo/site-server.js';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  reusedSocket: boolean;
}

/** A raw HTTP request: the path is sent exactly as given (no URL normalization, unlike fetch). */
function get(
  base: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; agent?: Agent } = {},
): Promise<Reply> {
  const { hostname, port } = new URL(base);
  return new Promise((resolveReply, rejectReply) => {
    const req = request(
      { hostname, port, path, method: options.method ?? 'GET', headers: options.headers, agent: options.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolveReply({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
            reusedSocket: req.reusedSocket,
          }),
        );
        res.on('error', rejectReply);
      },
    );
    req.on('error', rejectReply);
    req.end();
  });
}

async function pdfPages(bytes: Buffer): Promise<string[]> {
  const parser = new PDFParse({ data: new Uint8Array(bytes) });
  try {
    const result = await parser.getText();
    return result.pages.map((p) => p.text);
  } finally {
    await parser.destroy();
  }
}

const site = defaultSampleSiteRoot();
const read = (rel: string): Promise<Buffer> => readFile(join(site, rel));

describe('bundled sample site', () => {
  it('is found next to the compiled module and has both revisions', () => {
    for (const rel of ['README.md', 'rev1/index.html', 'rev2/index.html']) {
      assert.ok(existsSync(join(site, rel)), `${rel} exists`);
    }
  });

  it('says it is a sample written for leakmirror, not real ITU text', async () => {
    const readme = (await read('README.md')).toString('utf8');
    assert.match(readme, /sample written for leakmirror/i);
    assert.match(readme, /not real ITU text/i);
  });

  it('rev1 and rev2 PDFs differ, and both are small PDFs with the same metadata title', async () => {
    const [a, b] = await Promise.all([read('rev1/docs/draft-itrs-td64.pdf'), read('rev2/docs/draft-itrs-td64.pdf')]);
    assert.equal(a.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.equal(b.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.ok(!a.equals(b));
    assert.ok(a.length < 20_000 && b.length < 20_000);
  });

  it('the committed PDFs are exactly what scripts/make-sample-site.ts generates (byte-stable)', async () => {
    for (const rev of ['rev1', 'rev2'] as const) {
      const committed = await read(`${rev}/docs/draft-itrs-td64.pdf`);
      const first = Buffer.from(await makeDraftPdf(rev));
      const second = Buffer.from(await makeDraftPdf(rev));
      assert.ok(first.equals(second), `${rev}: two generations are identical`);
      assert.ok(first.equals(committed), `${rev}: committed PDF is up to date (run dist/scripts/make-sample-site.js)`);
    }
  });

  it('PDF text comes out per page, with header, footer and the documented rev1 → rev2 changes', async () => {
    const [p1, p2] = await Promise.all([
      read('rev1/docs/draft-itrs-td64.pdf').then(pdfPages),
      read('rev2/docs/draft-itrs-td64.pdf').then(pdfPages),
    ]);
    assert.equal(p1.length, 4);
    assert.equal(p2.length, 4);
    for (const [i, text] of [...p1, ...p2].entries()) {
      assert.match(text, /WCIT-12 Temporary Document 64 — Draft revised ITRs \(sample\)/);
      assert.match(text, new RegExp(`Page ${(i % 4) + 1} of 4`));
    }
    const page = (pages: string[], n: number): string => pages[n - 1] ?? '';
    // Page 1: revision line.
    assert.match(page(p1, 1), /Revision 1 — 3 December 2012/);
    assert.match(page(p2, 1), /Revision 2 — 7 December 2012/);
    // Page 2: one word changed in 1.3.
    assert.match(page(p1, 2), /Article 1 Purpose and scope/);
    assert.match(page(p1, 2), /1\.3 Member States should encourage/);
    assert.match(page(p2, 2), /1\.3 Member States shall encourage/);
    // Page 3: 3.5 deleted, a number changed in 4.2.
    assert.match(page(p1, 3), /Article 3 Definitions/);
    assert.match(page(p1, 3), /3\.5 Unsolicited bulk message/);
    assert.doesNotMatch(page(p2, 3), /3\.5/);
    assert.match(page(p1, 3), /within 90 days/);
    assert.match(page(p2, 3), /within 30 days/);
    // Page 4: 5.4 added.
    assert.doesNotMatch(page(p1, 4), /5\.4/);
    assert.match(page(p2, 4), /5\.4 Member States shall encourage operating agencies/);
  });

  it('letter: rev2 gains the update paragraph and one signatory row; script and style are present', async () => {
    const [a, b] = await Promise.all([
      read('rev1/docs/civil-society-letter.html').then((x) => x.toString('utf8')),
      read('rev2/docs/civil-society-letter.html').then((x) => x.toString('utf8')),
    ]);
    const newParagraph = 'since this letter was first published';
    assert.ok(!a.includes(newParagraph));
    assert.ok(b.includes(newParagraph));
    assert.ok(!a.includes('Baltic Open Network Society'));
    assert.match(b, /<tr><td>Baltic Open Network Society<\/td><td>Estonia<\/td><\/tr>/);
    const rows = (html: string): number => (html.match(/<tr><td>/g) ?? []).length;
    assert.equal(rows(b), rows(a) + 1);
    for (const html of [a, b]) {
      assert.match(html, /<script>[\s\S]*<\/script>/);
      assert.match(html, /<style>[\s\S]*<\/style>/);
      assert.match(html, /<nav>/);
      assert.match(html, /<footer>/);
    }
  });

  it('the removed document is absent in rev2 and not linked from rev2 index; every index link resolves', async () => {
    assert.ok(existsSync(join(site, 'rev1/docs/proposal-summary.html')));
    assert.ok(!existsSync(join(site, 'rev2/docs/proposal-summary.html')));
    const index1 = (await read('rev1/index.html')).toString('utf8');
    const index2 = (await read('rev2/index.html')).toString('utf8');
    assert.match(index1, /href="docs\/proposal-summary\.html"/);
    assert.doesNotMatch(index2, /proposal-summary/);
    for (const [rev, html] of [['rev1', index1], ['rev2', index2]] as const) {
      const links = [...html.matchAll(/href="([^"#]+)"/g)].map((m) => m[1] ?? '').filter((h) => h !== './');
      assert.ok(links.length >= 3, `${rev} has document links`);
      for (const link of links) assert.ok(existsSync(join(site, rev, link)), `${rev}: ${link} exists`);
    }
  });

  it('the press release is unchanged between revisions', async () => {
    const [a, b] = await Promise.all([read('rev1/docs/itu-press-release.txt'), read('rev2/docs/itu-press-release.txt')]);
    assert.ok(a.equals(b));
  });
});

describe('site server on the sample site', () => {
  let server: SiteServer;
  before(async () => {
    server = await startSiteServer({ root: site, revision: 'rev1' });
  });
  after(async () => {
    await server.close();
  });

  it('listens on 127.0.0.1 with a trailing-slash URL and serves the rev1 index', async () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const res = await get(server.url, '/');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    const html = res.body.toString('utf8');
    assert.match(html, /Sample leaks/);
    assert.match(html, /docs\/proposal-summary\.html/);
    assert.ok(res.body.equals(await read('rev1/index.html')));
    const same = await get(server.url, '/index.html');
    assert.ok(same.body.equals(res.body));
  });

  it('sets content types by extension', async () => {
    const cases: [string, string][] = [
      ['/docs/draft-itrs-td64.pdf', 'application/pdf'],
      ['/docs/itu-press-release.txt', 'text/plain; charset=utf-8'],
      ['/docs/civil-society-letter.html', 'text/html; charset=utf-8'],
    ];
    for (const [path, type] of cases) {
      const res = await get(server.url, path);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers['content-type'], type, path);
      assert.equal(Number(res.headers['content-length']), res.body.length);
    }
    assert.equal((await get(server.url, '/README.md')).status, 404); // the README is not part of a revision
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const getRes = await get(server.url, '/docs/draft-itrs-td64.pdf');
    const head = await get(server.url, '/docs/draft-itrs-td64.pdf', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    assert.equal(head.headers['content-length'], String(getRes.body.length));
    assert.equal(head.headers.etag, getRes.headers.etag);
    assert.equal(head.headers['last-modified'], getRes.headers['last-modified']);
  });

  it('refuses other methods with 405 and an Allow header', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
      const res = await get(server.url, '/', { method });
      assert.equal(res.status, 405, method);
      assert.equal(res.headers.allow, 'GET, HEAD');
    }
  });

  it('gives strong ETags and Last-Modified, and 304 for If-None-Match / If-Modified-Since', async () => {
    const first = await get(server.url, '/docs/civil-society-letter.html');
    const etag = first.headers.etag ?? '';
    const lastModified = first.headers['last-modified'] ?? '';
    assert.match(etag, /^"[0-9a-f]{32}"$/);
    assert.ok(!Number.isNaN(Date.parse(lastModified)));

    const byTag = await get(server.url, '/docs/civil-society-letter.html', { headers: { 'If-None-Match': etag } });
    assert.equal(byTag.status, 304);
    assert.equal(byTag.body.length, 0);
    assert.equal(byTag.headers.etag, etag);

    const weak = await get(server.url, '/docs/civil-society-letter.html', { headers: { 'If-None-Match': `"x", W/${etag}` } });
    assert.equal(weak.status, 304);

    const other = await get(server.url, '/docs/civil-society-letter.html', { headers: { 'If-None-Match': '"nope"' } });
    assert.equal(other.status, 200);

    const byDate = await get(server.url, '/docs/civil-society-letter.html', { headers: { 'If-Modified-Since': lastModified } });
    assert.equal(byDate.status, 304);

    // If-None-Match wins over If-Modified-Since.
    const both = await get(server.url, '/docs/civil-society-letter.html', {
      headers: { 'If-None-Match': '"nope"', 'If-Modified-Since': lastModified },
    });
    assert.equal(both.status, 200);
  });

  it('redirects a directory without its trailing slash, never to another host', async () => {
    const res = await get(server.url, '/docs');
    assert.equal(res.status, 301);
    assert.equal(res.headers.location, '/docs/');
    const doubled = await get(server.url, '//docs');
    assert.equal(doubled.status, 301);
    assert.equal(doubled.headers.location, '/docs/');
    assert.equal((await get(server.url, '/docs/')).status, 404); // no index.html in docs/
  });

  it('keeps connections alive', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const a = await get(server.url, '/', { agent });
      const b = await get(server.url, '/docs/itu-press-release.txt', { agent });
      assert.equal(a.status, 200);
      assert.equal(b.status, 200);
      assert.equal(b.reusedSocket, true);
    } finally {
      agent.destroy();
    }
  });

  it('switches revisions: the removed doc gives 404, changed docs get new validators', async () => {
    const pdf1 = await get(server.url, '/docs/draft-itrs-td64.pdf');
    const txt1 = await get(server.url, '/docs/itu-press-release.txt');
    assert.equal((await get(server.url, '/docs/proposal-summary.html')).status, 200);

    server.setRevision('rev2');
    try {
      assert.equal((await get(server.url, '/docs/proposal-summary.html')).status, 404);
      const index = await get(server.url, '/');
      assert.doesNotMatch(index.body.toString('utf8'), /proposal-summary/);
      const letter = await get(server.url, '/docs/civil-society-letter.html');
      assert.match(letter.body.toString('utf8'), /since this letter was first published/);

      const pdf2 = await get(server.url, '/docs/draft-itrs-td64.pdf', { headers: { 'If-None-Match': pdf1.headers.etag ?? '' } });
      assert.equal(pdf2.status, 200);
      assert.notEqual(pdf2.headers.etag, pdf1.headers.etag);
      assert.ok(pdf2.body.equals(await read('rev2/docs/draft-itrs-td64.pdf')));
      // Later revision, later date.
      assert.ok(Date.parse(pdf2.headers['last-modified'] ?? '') > Date.parse(pdf1.headers['last-modified'] ?? ''));
      const byDate = await get(server.url, '/docs/draft-itrs-td64.pdf', {
        headers: { 'If-Modified-Since': pdf1.headers['last-modified'] ?? '' },
      });
      assert.equal(byDate.status, 200);

      // The unchanged press release keeps its ETag.
      const txt2 = await get(server.url, '/docs/itu-press-release.txt', { headers: { 'If-None-Match': txt1.headers.etag ?? '' } });
      assert.equal(txt2.status, 304);

      // Unknown or path-like revisions are refused and the current one stays.
      assert.throws(() => server.setRevision('rev9'), /no such sample-site revision/);
      assert.throws(() => server.setRevision('../sample-site'), /invalid sample-site revision/);
      assert.throws(() => server.setRevision(''), /invalid sample-site revision/);
      assert.equal((await get(server.url, '/docs/proposal-summary.html')).status, 404);

      // Going back to rev1 with rev2's date must not give a wrong 304.
      server.setRevision('rev1');
      const back = await get(server.url, '/docs/draft-itrs-td64.pdf', {
        headers: { 'If-Modified-Since': pdf2.headers['last-modified'] ?? '' },
      });
      assert.equal(back.status, 200);
      assert.ok(back.body.equals(pdf1.body));
    } finally {
      server.setRevision('rev1');
    }
  });

  it('gives the same validators from a fresh server (deterministic, not from file mtimes)', async () => {
    const other = await startSiteServer({ root: site, revision: 'rev1' });
    try {
      for (const path of ['/', '/docs/draft-itrs-td64.pdf']) {
        const a = await get(server.url, path);
        const b = await get(other.url, path);
        assert.equal(a.headers.etag, b.headers.etag);
        assert.equal(a.headers['last-modified'], b.headers['last-modified']);
      }
    } finally {
      await other.close();
    }
  });
});

describe('site server path safety', () => {
  let dir: string;
  let server: SiteServer;
  const SECRET = 'TOP-SECRET-OUTSIDE-THE-ROOT';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'leakmirror-site-'));
    // dir/secret.txt and dir/site/secret.txt are outside the served directory dir/site/rev1.
    await writeFile(join(dir, 'secret.txt'), SECRET);
    await mkdir(join(dir, 'site', 'rev1', 'docs'), { recursive: true });
    await writeFile(join(dir, 'site', 'secret.txt'), SECRET);
    await writeFile(join(dir, 'site', 'rev1', 'index.html'), '<p>hello</p>');
    await writeFile(join(dir, 'site', 'rev1', '.hidden'), SECRET);
    await symlink(join(dir, 'secret.txt'), join(dir, 'site', 'rev1', 'docs', 'link.txt'));
    await symlink(join(dir, 'site'), join(dir, 'site', 'rev1', 'up'));
    server = await startSiteServer({ root: join(dir, 'site'), revision: 'rev1' });
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses traversal attempts with 400 or 404 and never leaks a file outside the root', async () => {
    const attempts = [
      '/../secret.txt',
      '/../../secret.txt',
      '/docs/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E/secret.txt',
      '/%2e%2e%2fsecret.txt',
      '/docs/..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
      '/..\\secret.txt',
      '/docs\\..\\..\\secret.txt',
      '/%00',
      '/index.html%00.txt',
      '/secret.txt%00',
      '/%252e%252e/secret.txt',
      '/.hidden',
      '/docs/link.txt',
      '/up/secret.txt',
      '/%',
      '/%zz',
      '//../secret.txt',
      '/./secret.txt',
    ];
    for (const path of attempts) {
      const res = await get(server.url, path);
      assert.ok(res.status === 400 || res.status === 404, `${path} -> ${res.status}`);
      assert.ok(!res.body.toString('latin1').includes(SECRET), `${path} leaked the secret`);
    }
    // The plain file still works.
    assert.equal((await get(server.url, '/')).body.toString('utf8'), '<p>hello</p>');
  });

  it('refuses a revision that is not a directory under the root', async () => {
    await assert.rejects(startSiteServer({ root: join(dir, 'site'), revision: 'rev2' }), /no such sample-site revision/);
    await assert.rejects(startSiteServer({ root: join(dir, 'site'), revision: '..' }), /invalid sample-site revision/);
    assert.throws(() => server.setRevision('secret.txt'), /no such sample-site revision/);
  });
});

describe('site server shutdown', () => {
  it('close() destroys keep-alive sockets so the process exits promptly', async () => {
    const moduleUrl = pathToFileURL(join(import.meta.dirname, '..', 'src', 'demo', 'site-server.js')).href;
    // The child holds an idle keep-alive connection open, then closes the server and does nothing else:
    // it only exits if close() really let go of everything.
    const child = `
      import { Agent, get } from 'node:http';
      import { startSiteServer, defaultSampleSiteRoot } from ${JSON.stringify(moduleUrl)};
      const server = await startSiteServer({ root: defaultSampleSiteRoot(), revision: 'rev1' });
      const agent = new Agent({ keepAlive: true, keepAliveMsecs: 60000, timeout: 60000 });
      const status = await new Promise((ok, fail) => {
        get(server.url, { agent }, (res) => { res.resume(); res.on('end', () => ok(res.statusCode)); }).on('error', fail);
      });
      await server.close();
      await server.close();
      process.stdout.write('closed ' + status);
    `;
    const started = Date.now();
    const proc = spawn(process.execPath, ['--input-type=module', '-e', child], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
    proc.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolveExit) => {
      const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      proc.on('exit', (c) => {
        clearTimeout(timer);
        resolveExit(c);
      });
    });
    assert.equal(code, 0, err);
    assert.equal(out, 'closed 200');
    // The server's keep-alive timeout is 5 s; exiting well before it shows the sockets were destroyed.
    assert.ok(Date.now() - started < 4_000, `took ${Date.now() - started} ms`);
  });
});
