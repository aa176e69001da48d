import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ExtractError } from '../src/errors.js';
import { extract, EXTRACTOR_VERSIONS } from '../src/extract/index.js';
import { normalizeText } from '../src/extract/normalize.js';

function fixture(relativePath: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../../test/fixtures/${relativePath}`, import.meta.url)));
}

const url = 'https://example.org/doc';

describe('extract() dispatch', () => {
  it('HTML by its markers, whatever the Content-Type says', async () => {
    const extraction = await extract({ bytes: new Uint8Array(Buffer.from('<!doctype html><title>T</title><p>Hi</p>')), contentType: 'text/plain', url });
    assert.equal(extraction.kind, 'html');
    assert.equal(extraction.text, 'Hi\n');
    assert.equal(extraction.title, 'T');
    assert.equal(extraction.extractor, EXTRACTOR_VERSIONS.html);
  });

  it('passes select and remove to the HTML extractor', async () => {
    const bytes = new Uint8Array(Buffer.from('<main><p>keep</p><p class="x">drop</p></main><footer>f</footer>'));
    const extraction = await extract({ bytes, url, select: 'main', remove: ['.x'] });
    assert.equal(extraction.text, 'keep\n');
  });

  it('plain text and Markdown pass through, decoded', async () => {
    const markdown = await extract({ bytes: fixture('extract/notes.md'), contentType: 'text/markdown; charset=utf-8', url });
    assert.equal(markdown.kind, 'text');
    assert.equal(markdown.status, 'text');
    assert.equal(markdown.mediaType, 'text/markdown');
    assert.equal(markdown.charset, 'utf-8');
    assert.equal(markdown.extractor, EXTRACTOR_VERSIONS.text);
    assert.equal(markdown.text, readFileSync(new URL('../../test/fixtures/extract/notes.md', import.meta.url), 'utf8'));

    const latin = await extract({ bytes: new Uint8Array(Buffer.from('caf\xE9 cr\xE8me', 'latin1')), contentType: 'text/plain', url });
    assert.equal(latin.text, 'café crème');
    assert.equal(latin.charset, 'windows-1252');
  });

  it('UTF-16 text with a BOM', async () => {
    const extraction = await extract({ bytes: fixture('extract/utf16le-bom.txt'), url });
    assert.equal(extraction.kind, 'text');
    assert.equal(extraction.charset, 'utf-16le');
    assert.equal(normalizeText(extraction.text), 'Grüße aus Köln\nПривет\n');
  });

  it('a NUL byte in a text/plain document is bad content', async () => {
    await assert.rejects(extract({ bytes: fixture('real/text/has-null-byte.txt'), contentType: 'text/plain', url }), (error: unknown) => {
      return error instanceof ExtractError && error.failure === 'bad-content';
    });
  });

  it('other types are unsupported, not errors', async () => {
    for (const [bytes, contentType] of [
      [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]), 'image/png'],
      [new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0]), undefined],
      [new Uint8Array(Buffer.from('{"a":1}')), 'application/json'],
    ] as const) {
      const extraction = await extract({ bytes, contentType, url });
      assert.equal(extraction.kind, 'unknown');
      assert.equal(extraction.status, 'unsupported-type');
      assert.equal(extraction.text, '');
      assert.equal(extraction.extractor, EXTRACTOR_VERSIONS.unsupported);
    }
  });

  it('the corrupted xkcd page fails as bad content, its clean twin extracts', async () => {
    await assert.rejects(extract({ bytes: fixture('real/html/misc/xkcd_1_evil_corrupted-bytes.html'), contentType: 'text/html', url }), (error: unknown) => {
      return error instanceof ExtractError && error.failure === 'bad-content' && /byte offset 114/.test(error.message);
    });
    const clean = await extract({ bytes: fixture('real/html/misc/xkcd_1.html'), contentType: 'text/html', url });
    assert.equal(clean.status, 'text');
  });
});

describe('extract() on real successive versions (Open Terms Archive, DisonsDemain privacy policy)', () => {
  const dir = 'real/versions/disonsdemain-privacy-policy-fr';
  const normalized = async (file: string): Promise<string> => normalizeText((await extract({ bytes: fixture(`${dir}/${file}`), url })).text);

  it('v2 → v3 is a markup-only change: identical text', async () => {
    assert.equal(await normalized('v3_2022-11-21_9b0e836ae6.html'), await normalized('v2_2022-08-26_9e5767215e.html'));
  });

  it('v1 → v2 changes exactly one line, the renamed role', async () => {
    const before = (await normalized('v1_2022-03-25_5fa8eaf5be.html')).split('\n');
    const after = (await normalized('v2_2022-08-26_9e5767215e.html')).split('\n');
    assert.equal(before.length, after.length);
    const changed = before.flatMap((line, i) => (line === after[i] ? [] : [[line, after[i]]]));
    assert.deepEqual(changed, [['Agent de protection des données', 'Délégué à la protection des données']]);
  });
});

describe('extract() loads heavy libraries lazily', () => {
  // Follows the static imports of the compiled index module: none may reach cheerio or pdf-parse.
  it('no static import path from index.js to cheerio, pdf-parse or pdfjs-dist', () => {
    const start = new URL('../src/extract/index.js', import.meta.url);
    const seen = new Set<string>();
    const external = new Set<string>();
    const queue = [start.href];
    for (let href = queue.pop(); href !== undefined; href = queue.pop()) {
      if (seen.has(href)) continue;
      seen.add(href);
      const source = readFileSync(new URL(href), 'utf8');
      for (const match of source.matchAll(/^\s*(?:import|export)\s(?:[^'";]*?\sfrom\s)?['"]([^'"]+)['"]/gm)) {
        const specifier = match[1] as string;
        if (specifier.startsWith('.')) queue.push(new URL(specifier, href).href);
        else external.add(specifier);
      }
    }
    assert.ok(seen.size >= 3, `followed ${[...seen].join(', ')}`);
    for (const heavy of ['cheerio', 'pdf-parse', 'pdfjs-dist', 'pdfjs-dist/legacy/build/pdf.mjs']) {
      assert.ok(!external.has(heavy), `${heavy} is imported statically`);
    }
    for (const lazy of ['html.js', 'pdf.js']) {
      assert.ok(![...seen].some((href) => href.endsWith(`/extract/${lazy}`)), `${lazy} is imported statically`);
    }
  });
});
