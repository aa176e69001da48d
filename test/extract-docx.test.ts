// .docx documents: detected by their ZIP entries, read with mammoth, written out like HTML
// (headings and paragraphs as lines, list items as `- item`). The documents are built here: a .docx
// is a ZIP of a few XML parts, written with a minimal ZIP writer (deflate from node:zlib).

import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { describe, it } from 'node:test';
import yazl from 'yazl';
import { ExtractError } from '../src/errors.js';
import { DOCX_MEDIA_TYPE, detectKind } from '../src/extract/detect.js';
import { checkDocxArchive, DOCX_LIMITS } from '../src/extract/docx.js';
import { extract, EXTRACTOR_VERSIONS } from '../src/extract/index.js';
import { normalizeText } from '../src/extract/normalize.js';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * A ZIP archive of `entries` (name → content), deflated, in the given order. `declaredSize` lies about
 * an entry's inflated size in both its headers (a ZIP bomb's trick).
 */
function zip(entries: Array<[name: string, content: string, declaredSize?: number]>): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content, declaredSize] of entries) {
    const data = Buffer.from(content, 'utf8');
    const packed = deflateRawSync(data);
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0, 6); // flags
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(0, 10); // time, date
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(declaredSize ?? data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, nameBytes, packed);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(0, 12);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(declaredSize ?? data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, directory, end]));
}

const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>
</Types>`;
const ROOT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>`;
const DOCUMENT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>
</Relationships>`;
const STYLES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles ${W}>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/></w:style>
</w:styles>`;
const NUMBERING = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering ${W}>
<w:abstractNum w:abstractNumId="0">
<w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl>
<w:lvl w:ilvl="1"><w:numFmt w:val="bullet"/><w:lvlText w:val="o"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
</w:numbering>`;

const paragraph = (text: string, style?: string, list?: [numId: number, level: number]): string => {
  const properties = [
    style === undefined ? '' : `<w:pStyle w:val="${style}"/>`,
    list === undefined ? '' : `<w:numPr><w:ilvl w:val="${list[1]}"/><w:numId w:val="${list[0]}"/></w:numPr>`,
  ].join('');
  return `<w:p>${properties === '' ? '' : `<w:pPr>${properties}</w:pPr>`}<w:r><w:t xml:space="preserve">${text}</w:t></w:r></w:p>`;
};

function docx(body: string, order: 'word-first' | 'word-last' = 'word-first'): Uint8Array {
  const document = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ${W}><w:body>${body}</w:body></w:document>`;
  const parts: Array<[string, string]> = [
    ['[Content_Types].xml', CONTENT_TYPES],
    ['_rels/.rels', ROOT_RELS],
    ['word/_rels/document.xml.rels', DOCUMENT_RELS],
    ['word/styles.xml', STYLES],
    ['word/numbering.xml', NUMBERING],
  ];
  return zip(order === 'word-first' ? [parts[0] as [string, string], ['word/document.xml', document], ...parts.slice(1)] : [...parts, ['word/document.xml', document]]);
}

const LETTER = [
  paragraph('Open letter on WCIT transparency', 'Heading1'),
  paragraph('We, the undersigned organisations, write about the process of preparing WCIT-12.'),
  paragraph('Our demands', 'Heading2'),
  paragraph('publish all proposals and draft texts;', undefined, [1, 0]),
  paragraph('including the temporary documents;', undefined, [1, 1]),
  paragraph('open the conference to observers.', undefined, [1, 0]),
  paragraph('Steps', 'Heading2'),
  paragraph('consult', undefined, [2, 0]),
  paragraph('decide', undefined, [2, 0]),
  '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Organisation</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Country</w:t></w:r></w:p></w:tc></w:tr>'
    + '<w:tr><w:tc><w:p><w:r><w:t>Open Wires Foundation</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Kenya</w:t></w:r></w:p></w:tc></w:tr></w:tbl>',
].join('');

const EXPECTED = [
  'Open letter on WCIT transparency',
  '',
  'We, the undersigned organisations, write about the process of preparing WCIT-12.',
  '',
  'Our demands',
  '',
  '- publish all proposals and draft texts;',
  '  - including the temporary documents;',
  '- open the conference to observers.',
  '',
  'Steps',
  '',
  '- consult',
  '- decide',
  '',
  'Organisation | Country',
  'Open Wires Foundation | Kenya',
  '',
].join('\n');

const url = 'https://example.org/letter.docx';

describe('.docx detection', () => {
  it('a ZIP with word/document.xml is docx, whatever the Content-Type says', () => {
    for (const contentType of [undefined, 'application/octet-stream', 'application/zip', 'text/html']) {
      assert.deepEqual(detectKind(docx(LETTER), contentType), { kind: 'docx', mediaType: DOCX_MEDIA_TYPE });
    }
  });

  it('finds word/document.xml in the central directory when it comes last', () => {
    assert.equal(detectKind(docx(LETTER, 'word-last')).kind, 'docx');
    // A data descriptor flag on the first entry stops the walk of local headers: only the central
    // directory at the end can tell.
    const described = new Uint8Array(docx(LETTER, 'word-last'));
    described[6] = 0x08;
    assert.equal(detectKind(described).kind, 'docx');
  });

  it('a ZIP without it is not docx, unless declared so', () => {
    const other = zip([['mimetype', 'application/epub+zip'], ['content.opf', '<package/>']]);
    assert.deepEqual(detectKind(other), { kind: 'unknown', mediaType: 'application/zip' });
    assert.deepEqual(detectKind(other, 'application/epub+zip'), { kind: 'unknown', mediaType: 'application/epub+zip' });
    assert.equal(detectKind(other, DOCX_MEDIA_TYPE).kind, 'docx');
  });
});

describe('.docx extraction', () => {
  it('headings and paragraphs are lines, list items `- item` (nested indented), tables rows', async () => {
    const extraction = await extract({ bytes: docx(LETTER), url });
    assert.equal(extraction.kind, 'docx');
    assert.equal(extraction.status, 'text');
    assert.equal(extraction.mediaType, DOCX_MEDIA_TYPE);
    assert.equal(extraction.extractor, EXTRACTOR_VERSIONS.docx);
    assert.equal(extraction.title, 'Open letter on WCIT transparency');
    assert.equal(normalizeText(extraction.text), EXPECTED);
  });

  it('the same document with its parts in another order gives the same text', async () => {
    assert.equal((await extract({ bytes: docx(LETTER, 'word-last'), url })).text, (await extract({ bytes: docx(LETTER), url })).text);
  });

  it('a corrupt .docx fails as bad content', async () => {
    const good = docx(LETTER);
    const truncated = good.subarray(0, 200);
    const garbled = new Uint8Array(good);
    garbled.fill(0x41, 60, good.length - 30);
    const notWord = zip([['word/document.xml', 'this is not XML <<<']]);
    for (const [name, bytes] of [['truncated', truncated], ['garbled', garbled], ['not XML', notWord]] as const) {
      await assert.rejects(extract({ bytes, url, contentType: DOCX_MEDIA_TYPE }), (error: unknown) => {
        assert.ok(error instanceof ExtractError, `${name}: ${String(error)}`);
        assert.equal(error.failure, 'bad-content');
        return true;
      });
    }
  });
});

/** A .docx (the LETTER's parts) with `extra` entries added, written by yazl. */
async function docxWith(extra: Array<[name: string, data: Buffer]>, options: { compress?: boolean } = {}): Promise<Uint8Array> {
  const zipfile = new yazl.ZipFile();
  const document = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ${W}><w:body>${LETTER}</w:body></w:document>`;
  const parts: Array<[string, string]> = [
    ['[Content_Types].xml', CONTENT_TYPES],
    ['_rels/.rels', ROOT_RELS],
    ['word/document.xml', document],
    ['word/_rels/document.xml.rels', DOCUMENT_RELS],
    ['word/styles.xml', STYLES],
    ['word/numbering.xml', NUMBERING],
  ];
  for (const [name, content] of parts) zipfile.addBuffer(Buffer.from(content, 'utf8'), name);
  for (const [name, data] of extra) zipfile.addBuffer(data, name, { compress: options.compress ?? true });
  zipfile.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zipfile.outputStream) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

async function rejectsAsBadContent(bytes: Uint8Array, message: RegExp): Promise<void> {
  await assert.rejects(extract({ bytes, url, contentType: DOCX_MEDIA_TYPE }), (error: unknown) => {
    assert.ok(error instanceof ExtractError, String(error));
    assert.equal(error.failure, 'bad-content');
    assert.match(error.message, message);
    return true;
  });
}

describe('.docx archive limits (ZIP bombs)', () => {
  it('the limits are 100 MiB unpacked, 10,000 entries, 200:1 on entries over 1 MiB', () => {
    assert.deepEqual(DOCX_LIMITS, { maxUncompressedBytes: 100 * 1024 * 1024, maxEntries: 10_000, maxRatio: 200, ratioAboveBytes: 1024 * 1024 });
  });

  it('a real document passes, also written by another ZIP writer (yazl)', async () => {
    const bytes = await docxWith([['word/media/image1.png', Buffer.alloc(300_000, 7)]], { compress: false });
    await checkDocxArchive(bytes);
    assert.equal(normalizeText((await extract({ bytes, url })).text), EXPECTED);
  });

  it('an entry compressed more than 200:1 (20 MiB of zeros in about 20 KB) fails before mammoth sees it', async () => {
    const bytes = await docxWith([['word/media/bomb.bin', Buffer.alloc(20 * 1024 * 1024)]]);
    assert.ok(bytes.byteLength < 100_000, `${bytes.byteLength} bytes`);
    await rejectsAsBadContent(bytes, /compressed more than 200:1 .*ZIP bomb/);
  });

  it('more than 10,000 entries fail', async () => {
    const document = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ${W}><w:body>${LETTER}</w:body></w:document>`;
    const entries: Array<[string, string]> = [['word/document.xml', document], ...Array.from({ length: 10_000 }, (_, i): [string, string] => [`customXml/item${i}.xml`, ''])];
    await rejectsAsBadContent(zip(entries), /10,001 entries \(at most 10,000\)/);
  });

  it('more than the total unpacked size fails (limit lowered for the test)', async () => {
    const bytes = await docxWith([['a.bin', Buffer.alloc(600_000, 1)], ['b.bin', Buffer.alloc(600_000, 2)]], { compress: false });
    await checkDocxArchive(bytes, { ...DOCX_LIMITS, maxUncompressedBytes: 2 * 1024 * 1024 });
    await assert.rejects(checkDocxArchive(bytes, { ...DOCX_LIMITS, maxUncompressedBytes: 1024 * 1024 }), /unpacks to more than 1 MiB/);
  });

  it('an entry that inflates to more than it declares (a lying bomb) fails', async () => {
    const document = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ${W}><w:body>${LETTER}</w:body></w:document>`;
    const bytes = zip([
      ['[Content_Types].xml', CONTENT_TYPES],
      ['_rels/.rels', ROOT_RELS],
      ['word/document.xml', document],
      ['word/media/liar.bin', 'x'.repeat(4 * 1024 * 1024), 1000],
    ]);
    await rejectsAsBadContent(bytes, /not a readable \.docx document \(too many bytes in the stream\. expected 1000/);
  });
});
