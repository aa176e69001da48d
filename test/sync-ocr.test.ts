// A scanned PDF through the whole pipeline: recorded as needs-ocr (raw bytes kept, a line in the
// report), then, once the source asks for `ocr: true`, read by tesseract on reextract, with the OCR
// record in the metadata. The OCR half skips where tesseract is not installed.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { addSource } from '../src/core/add.js';
import { initMirror } from '../src/core/init.js';
import { reextract } from '../src/core/reextract.js';
import { sync } from '../src/core/sync.js';
import { renderDocumentLine } from '../src/cli/render.js';
import { findTesseract } from '../src/extract/ocr.js';
import { Chalk } from 'chalk';
import { startServer, type TestServer } from './helpers/http-server.js';
import { tempDir } from './helpers/temp.js';

const SCAN = new URL('../../test/fixtures/real/pdf/scanned/scan_1p_jbig2_no-text-layer.pdf', import.meta.url);
const noTesseract = (await findTesseract()) === undefined ? 'tesseract is not installed (apt-get install tesseract-ocr)' : false;

describe('a scanned PDF in a mirror', () => {
  let server: TestServer;
  let mirrorDir: string;
  const id = 'scans'; // a page source's one document is named after the source

  before(async () => {
    const bytes = await readFile(SCAN);
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/pdf' }).end(bytes);
    });
    mirrorDir = join(await tempDir(), 'mirror');
    await initMirror({ dir: mirrorDir, name: 'test' });
    await addSource({ mirrorDir, url: `${server.url}/scan.pdf`, name: 'scans' });
  });
  after(() => server.close());

  const meta = async (): Promise<Record<string, unknown>> => JSON.parse(await readFile(join(mirrorDir, 'meta', `${id}.json`), 'utf8')) as Record<string, unknown>;

  it('is recorded as needs-ocr with its raw bytes, and the report says so', async () => {
    const result = await sync({ mirrorDir, allowPrivateNetwork: true, delayMs: 0, retries: 0 });
    const report = result.documents.find((doc) => doc.id === id);
    assert.deepEqual(result.documents.map((doc) => doc.id), [id]);
    assert.equal(report?.status, 'new');
    assert.equal(report?.extraction, 'needs-ocr');
    assert.match(renderDocumentLine(report, new Chalk({ level: 0 })), /needs OCR: no text layer/);
    const recorded = await meta();
    assert.equal(recorded['extraction'], 'needs-ocr');
    assert.equal(recorded['ocr'], null);
    assert.deepEqual(await readFile(join(mirrorDir, recorded['raw'] as string)), await readFile(SCAN));
  });

  it('with ocr: true, reextract reads it with tesseract and records how', { skip: noTesseract }, async () => {
    const configPath = join(mirrorDir, 'leakmirror.yaml');
    const config = await readFile(configPath, 'utf8');
    const withOcr = config.replace(/^(\s+)url: (http:\/\/127\.0\.0\.1:\d+\/scan\.pdf)$/m, '$1url: $2\n$1ocr: true');
    assert.notEqual(withOcr, config, 'the source entry was found in leakmirror.yaml');
    await writeFile(configPath, withOcr);
    const result = await reextract({ mirrorDir });
    assert.equal(result.documents.find((doc) => doc.id === id)?.status, 'changed');
    const recorded = await meta();
    assert.equal(recorded['extraction'], 'text');
    assert.match(recorded['extractor'] as string, /\+tesseract@\d+$/);
    const ocr = recorded['ocr'] as { engine: string; pages: number; failedPages: number[] };
    assert.match(ocr.engine, /^tesseract \d/);
    assert.equal(ocr.pages, 1);
    assert.deepEqual(ocr.failedPages, []);
    const text = await readFile(join(mirrorDir, 'text', `${id}.txt`), 'utf8');
    assert.match(text, /^--- page 1 ---\n/);
    assert.match(text, /Doesn.t/);
  });
});
