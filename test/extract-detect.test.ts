import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectKind, mediaTypeEssence } from '../src/extract/detect.js';
import type { DocumentKind } from '../src/extract/types.js';

const bytesOf = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));

describe('detectKind', () => {
  const cases: Array<[name: string, bytes: Uint8Array, contentType: string | undefined, kind: DocumentKind, mediaType: string]> = [
    ['PDF signature at the start', bytesOf('%PDF-1.7\n...'), undefined, 'pdf', 'application/pdf'],
    ['PDF signature after junk, within 1024 bytes', bytesOf(`${'x'.repeat(500)}%PDF-1.4`), 'text/html', 'pdf', 'application/pdf'],
    ['PDF signature past 1024 bytes does not count', bytesOf(`${'x'.repeat(1100)}%PDF-1.4`), undefined, 'text', 'text/plain'],
    ['PDF served as text/html is a PDF', bytesOf('%PDF-1.5'), 'text/html; charset=utf-8', 'pdf', 'application/pdf'],
    ['doctype', bytesOf('<!DOCTYPE html><title>x</title>'), undefined, 'html', 'text/html'],
    ['legacy doctype', bytesOf('<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN">'), undefined, 'html', 'text/html'],
    ['html tag with attributes', bytesOf('<HTML lang="en">'), undefined, 'html', 'text/html'],
    ['after a UTF-8 BOM, whitespace and comments', bytesOf('\xEF\xBB\xBF \n<!-- a --> <!-- b -->\n<head>'), undefined, 'html', 'text/html'],
    ['after an XML declaration (XHTML)', bytesOf('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN">'), undefined, 'html', 'text/html'],
    ['UTF-16LE with BOM', new Uint8Array([0xff, 0xfe, ...Buffer.from('<html><body>x', 'utf16le')]), undefined, 'html', 'text/html'],
    ['a bare <div> fragment', bytesOf('<div class="policy"><p>x</p></div>'), undefined, 'html', 'text/html'],
    ['a bare <p>', bytesOf('<p>x</p>'), undefined, 'html', 'text/html'],
    ['<pre> is not <p>, and still HTML', bytesOf('<pre>x</pre>'), undefined, 'html', 'text/html'],
    ['<body> served as text/plain is HTML', bytesOf('<body>x</body>'), 'text/plain', 'html', 'text/html'],
    ['XHTML keeps its declared type', bytesOf('<html xmlns="http://www.w3.org/1999/xhtml">'), 'application/xhtml+xml', 'html', 'application/xhtml+xml'],
    ['Markdown opening with a <p> stays Markdown when declared', bytesOf('<p align="center">logo</p>\n\n# Title'), 'text/markdown; charset=utf-8', 'text', 'text/markdown'],
    ['…but a full HTML document declared as Markdown is HTML', bytesOf('<!doctype html><p>x'), 'text/markdown', 'html', 'text/html'],
    ['not a known tag: <paragraph>', bytesOf('<paragraph>x'), undefined, 'text', 'text/plain'],
    ['XML is not HTML', bytesOf('<?xml version="1.0"?><rss version="2.0">'), 'application/rss+xml', 'unknown', 'application/rss+xml'],
    ['text/html without markers is HTML by its type', bytesOf('Just words'), 'text/html', 'html', 'text/html'],
    ['application/pdf without the signature goes to the PDF extractor', bytesOf('oops'), 'application/pdf', 'pdf', 'application/pdf'],
    ['plain text', bytesOf('Hello\nworld'), 'text/plain; charset=utf-8', 'text', 'text/plain'],
    ['markdown', bytesOf('# Title\n\ntext'), 'text/markdown', 'text', 'text/markdown'],
    ['text without a type is sniffed as text', bytesOf('Hello, world'), undefined, 'text', 'text/plain'],
    ['text as application/octet-stream is sniffed as text', bytesOf('Hello, world'), 'application/octet-stream', 'text', 'text/plain'],
    ['binary without a type is unknown', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), undefined, 'unknown', 'application/octet-stream'],
    ['a NUL byte without a type is unknown', bytesOf('text\0more'), undefined, 'unknown', 'application/octet-stream'],
    ['an image type', bytesOf('GIF89a'), 'image/gif', 'unknown', 'image/gif'],
    ['a zip', bytesOf('PK\x03\x04'), 'application/zip', 'unknown', 'application/zip'],
    ['empty body without a type', new Uint8Array(0), undefined, 'unknown', 'application/octet-stream'],
    ['the URL is never used: there is none to use', bytesOf('plain'), 'TEXT/PLAIN', 'text', 'text/plain'],
  ];
  for (const [name, bytes, contentType, kind, mediaType] of cases) {
    it(name, () => assert.deepEqual(detectKind(bytes, contentType), { kind, mediaType }));
  }
});

describe('mediaTypeEssence', () => {
  it('lower-cases and drops parameters', () => assert.equal(mediaTypeEssence('Text/HTML; Charset=UTF-8'), 'text/html'));
  it('rejects malformed values', () => {
    assert.equal(mediaTypeEssence('html'), '');
    assert.equal(mediaTypeEssence(''), '');
    assert.equal(mediaTypeEssence(undefined), '');
  });
});
