import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { load } from 'cheerio';
import { ExtractError } from '../src/errors.js';
import { DEFAULT_MAX_HTML_BYTES, extractHtml, htmlToText } from '../src/extract/html.js';
import { createExtractor, extract } from '../src/extract/index.js';

const url = 'https://example.org/page';

function bytesOf(html: string): Uint8Array {
  return new Uint8Array(Buffer.from(html));
}

function nested(depth: number, inner = 'deep', tag = 'div'): string {
  return `<!doctype html><html><body>${`<${tag}>`.repeat(depth)}${inner}${`</${tag}>`.repeat(depth)}</body></html>`;
}

function badContent(pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof ExtractError, `expected an ExtractError, got ${String(error)}`);
    assert.equal(error.failure, 'bad-content');
    assert.match(error.message, pattern);
    return true;
  };
}

describe('HTML nesting limit', { timeout: 60_000 }, () => {
  it('100,000 nested divs: a clear error, no stack overflow, no minute-long parse', { timeout: 20_000 }, async () => {
    const bytes = bytesOf(nested(100_000));
    await assert.rejects(extract({ bytes, url }), badContent(/^HTML nested deeper than 2,000 levels$/));
    assert.throws(() => extractHtml({ bytes, url }), badContent(/^HTML nested deeper than 2,000 levels$/));
  });

  it('1,000,000 nested spans with select: the same error', { timeout: 20_000 }, async () => {
    await assert.rejects(extract({ bytes: bytesOf(nested(1_000_000, 'x', 'span')), url, select: 'span' }), badContent(/nested deeper than 2,000/));
  });

  it('the limit counts elements from <html>: exactly at the limit passes, one more fails', () => {
    // html + body + 8 divs = 10 levels.
    assert.equal(extractHtml({ bytes: bytesOf(nested(8)), url, maxHtmlDepth: 10 }).text, 'deep\n');
    assert.throws(() => extractHtml({ bytes: bytesOf(nested(9)), url, maxHtmlDepth: 10 }), badContent(/^HTML nested deeper than 10 levels$/));
    // The default limit: 1,998 divs fit, 1,999 do not.
    assert.equal(extractHtml({ bytes: bytesOf(nested(1_998)), url }).text, 'deep\n');
    assert.throws(() => extractHtml({ bytes: bytesOf(nested(1_999)), url }), badContent(/2,000 levels/));
  });

  it('elements the parser nests by itself count too (unclosed inline elements)', () => {
    const html = `<p>${'<font size="2">'.repeat(50)}text`;
    assert.equal(extractHtml({ bytes: bytesOf(html), url, maxHtmlDepth: 60 }).text, 'text\n');
    assert.throws(() => extractHtml({ bytes: bytesOf(html), url, maxHtmlDepth: 40 }), badContent(/40 levels/));
  });

  it('the walk checks depth too, for trees it did not parse itself', () => {
    const root = load('<div><div><div><p>x</p></div></div></div>')('body')[0];
    assert.ok(root !== undefined);
    assert.equal(htmlToText(root), 'x\n');
    assert.throws(() => htmlToText(root, undefined, 3), badContent(/^HTML nested deeper than 3 levels$/));
  });

  it('with a higher limit, 10,000 nested elements extract without recursion, title from a deep h1 included', { timeout: 20_000 }, () => {
    const depth = 5_000;
    const html = `<h1>${'<div><span>'.repeat(depth)}Deep title${'</span></div>'.repeat(depth)}</h1>`;
    const extraction = extractHtml({ bytes: bytesOf(html), url, maxHtmlDepth: 20_000 });
    assert.equal(extraction.text, 'Deep title\n');
    assert.equal(extraction.title, 'Deep title');
  });
});

describe('HTML size limit', { timeout: 60_000 }, () => {
  it('an input over a small configured limit is bad content; at the limit it passes', async () => {
    const html = `<p>${'word '.repeat(400)}</p>`; // 2,007 bytes
    assert.equal(bytesOf(html).byteLength, 2_007);
    await assert.rejects(extract({ bytes: bytesOf(html), url, maxHtmlBytes: 2_000 }), badContent(/^HTML larger than 2,000 bytes \(2,007 bytes\)$/));
    assert.match((await extract({ bytes: bytesOf(html), url, maxHtmlBytes: 2_007 })).text, /^word word/);
  });

  it('the default limit is 20 MiB, checked before any parsing', { timeout: 20_000 }, async () => {
    assert.equal(DEFAULT_MAX_HTML_BYTES, 20 * 1024 * 1024);
    const bytes = new Uint8Array(DEFAULT_MAX_HTML_BYTES + 1).fill(0x20);
    bytes.set(Buffer.from('<!doctype html><p>'));
    await assert.rejects(extract({ bytes, url }), badContent(/^HTML larger than 20 MiB \(20,971,521 bytes\)$/));
    const bigger = new Uint8Array(30 * 1024 * 1024).fill(0x20);
    bigger.set(Buffer.from('<!doctype html><p>'));
    await assert.rejects(extract({ bytes: bigger, url }), badContent(/^HTML larger than 20 MiB \(31,457,280 bytes\)$/));
  });

  it('the extractor pool applies the same limits to HTML', { timeout: 20_000 }, async () => {
    const extractor = createExtractor({ workers: 1 });
    try {
      await assert.rejects(extractor.extract({ bytes: bytesOf(nested(100_000)), url }), badContent(/nested deeper than 2,000/));
      await assert.rejects(extractor.extract({ bytes: bytesOf('<p>0123456789</p>'), url, maxHtmlBytes: 10 }), badContent(/larger than 10 bytes/));
    } finally {
      await extractor.close();
    }
  });
});
