// Fault injection through a whole sync run (the CLI, as a cron job runs it): one index lists a good
// document and one document per fault. Each case asserts that document's status and error class;
// together they assert that the good documents were recorded, exit 3, and a clean `git fsck`.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { initMirror } from '../src/core/init.js';
import { startServer, type TestServer } from './helpers/http-server.js';
import { tempDir } from './helpers/temp.js';
import { textPath } from './helpers/layout.js';

const launcher = new URL('../../bin/leakmirror.js', import.meta.url).pathname;

interface Report {
  documents: Array<{ id: string; url: string; status: string; errorClass?: string; error?: string }>;
  summary: Record<string, number>;
}

const cases: Array<{ path: string; status: string; errorClass?: string }> = [
  { path: '/reset.html', status: 'failed', errorClass: 'connect' },
  { path: '/stall.html', status: 'failed', errorClass: 'timeout' },
  { path: '/stall-body.html', status: 'failed', errorClass: 'timeout' },
  { path: '/short.html', status: 'failed', errorClass: 'network' },
  { path: '/error.html', status: 'failed', errorClass: 'http-500' },
  { path: '/busy.html', status: 'failed', errorClass: 'http-429' },
  { path: '/loop.html', status: 'failed', errorClass: 'too-many-redirects' },
  { path: '/bomb.html', status: 'failed', errorClass: 'too-big' },
  { path: '/huge.bin', status: 'failed', errorClass: 'too-big' },
  { path: '/private/leak.html', status: 'failed', errorClass: 'blocked-by-robots' },
  { path: '/cyrillic.html', status: 'new' },
  { path: '/japanese.html', status: 'new' },
  { path: '/good.html', status: 'new' },
];

describe('faults through a whole sync', () => {
  let server: TestServer;
  let mirror: string;
  let run: { code: number; report: Report };
  const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024));

  before(async () => {
    server = await startServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      switch (path) {
        case '/':
          res.writeHead(200, { 'content-type': 'text/html' }).end(`<main>${cases.map((c) => `<a href="${c.path}">x</a>`).join(' ')}</main>`);
          return;
        case '/robots.txt':
          res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nDisallow: /private/\n');
          return;
        case '/reset.html':
          req.socket.destroy();
          return;
        case '/stall.html':
          return; // never answers
        case '/stall-body.html':
          res.writeHead(200, { 'content-type': 'text/html', 'content-length': '1000' });
          res.write('<p>half');
          return;
        case '/short.html':
          res.writeHead(200, { 'content-type': 'text/html', 'content-length': '1000' });
          res.end('<p>too short</p>', () => req.socket.destroy());
          return;
        case '/error.html':
          res.writeHead(500).end('boom');
          return;
        case '/busy.html':
          res.writeHead(429, { 'retry-after': '99999' }).end();
          return;
        case '/loop.html':
          res.writeHead(302, { location: '/loop.html' }).end();
          return;
        case '/bomb.html':
          res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' }).end(bomb);
          return;
        case '/huge.bin': {
          res.writeHead(200, { 'content-type': 'application/octet-stream' });
          const chunk = Buffer.alloc(64 * 1024, 1);
          let sent = 0;
          const pump = (): void => {
            while (sent < 5 * 1024 * 1024) {
              sent += chunk.length;
              if (!res.write(chunk)) return void res.once('drain', pump);
            }
            res.end();
          };
          res.on('error', () => undefined);
          pump();
          return;
        }
        case '/cyrillic.html':
          res.writeHead(200, { 'content-type': 'text/html; charset=windows-1251' }).end(Buffer.from([0x3c, 0x70, 0x3e, 0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2, 0x3c, 0x2f, 0x70, 0x3e])); // <p>Привет</p>
          return;
        case '/japanese.html':
          res.writeHead(200, { 'content-type': 'text/html; charset=shift_jis' }).end(Buffer.from([0x3c, 0x70, 0x3e, 0x93, 0xfa, 0x96, 0x7b, 0x3c, 0x2f, 0x70, 0x3e])); // <p>日本</p>
          return;
        default:
          res.writeHead(200, { 'content-type': 'text/html' }).end('<p>A good document.</p>');
      }
    });
    mirror = join(await tempDir(), 'mirror');
    await initMirror({ dir: mirror });
    await writeFile(
      join(mirror, 'leakmirror.yaml'),
      `fetch:\n  timeoutMs: 600\n  connectTimeoutMs: 600\n  retries: 0\n  maxBytes: 1048576\n  delayMs: 0\nsources:\n  site:\n    url: ${server.url}/\n    links: main a\n`,
    );
    run = await new Promise((resolve) => {
      execFile(process.execPath, [launcher, '-C', mirror, 'sync', '--json', '--allow-private-network'], { timeout: 60_000 }, (error, stdout) => {
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, report: JSON.parse(stdout) as Report });
      });
    });
  });
  after(() => server.close());

  for (const testCase of cases) {
    it(`${testCase.path}: ${testCase.status}${testCase.errorClass === undefined ? '' : ` (${testCase.errorClass})`}`, () => {
      const doc = run.report.documents.find((candidate) => candidate.url === `${server.url}${testCase.path}`);
      assert.ok(doc, `${testCase.path} is in the report`);
      assert.equal(doc.status, testCase.status, doc.error);
      assert.equal(doc.errorClass, testCase.errorClass, doc.error);
      if (doc.status === 'failed') assert.ok((doc.error ?? '').length > 10, 'a clear error message');
    });
  }

  it('records every good document, exits 3, and leaves a clean repository', async () => {
    assert.equal(run.code, 3);
    assert.equal(run.report.summary.new, 3);
    assert.equal(run.report.summary.failed, cases.length - 3);
    assert.match(await readFile(join(mirror, textPath('site/cyrillic')), 'utf8'), /Привет/);
    assert.match(await readFile(join(mirror, textPath('site/japanese')), 'utf8'), /日本/);
    execFileSync('git', ['-C', mirror, 'fsck', '--strict', '--no-progress', '--no-dangling']);
    assert.equal(execFileSync('git', ['-C', mirror, 'status', '--porcelain', '--', 'text', 'raw', 'meta'], { encoding: 'utf8' }), '');
  });
});
