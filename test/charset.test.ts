import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ExtractError } from '../src/errors.js';
import {
  charsetParameter,
  decodeHtml,
  decodeText,
  encodingForLabel,
  firstInvalidUtf8Offset,
  KNOWN_ENCODINGS,
  prescanForMetaCharset,
} from '../src/extract/charset.js';

function fixture(relativePath: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../../test/fixtures/real/${relativePath}`, import.meta.url)));
}

const ascii = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));

function isBadContent(pattern?: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof ExtractError, `expected an ExtractError, got ${String(error)}`);
    assert.equal(error.failure, 'bad-content');
    if (pattern) assert.match(error.message, pattern);
    return true;
  };
}

describe('decodeHtml on the real corpus (html/encoding and html/misc)', () => {
  const expectations: Array<{ file: string; charset: string; source: string; contains: string[] }> = [
    { file: 'html/encoding/gb2312_meta_baidu-home-2010.html', charset: 'gbk', source: 'meta', contains: ['百度一下，你就知道', '把百度设为主页'] },
    { file: 'html/encoding/shift-jis_meta_geocities-videogame.htm', charset: 'shift_jis', source: 'meta', contains: ['エレメカ', 'ピカデリーサーカス'] },
    { file: 'html/encoding/windows-1252_meta_numbers-page.htm', charset: 'windows-1252', source: 'meta', contains: ['© Richard Phillips'] },
    // The tis-620 meta sits past the 1024-byte prescan window: the bytes are UTF-8 and decode as such.
    { file: 'html/encoding/meta-tis-620_but-bytes-utf8_thai.htm', charset: 'utf-8', source: 'detected', contains: ['แฟรนไชส์ไปรษณีย์'] },
    // No declaration, not UTF-8: windows-1252, where 0x95 is the bullet the author typed.
    { file: 'html/encoding/no-charset_8bit-latin_webtv.html', charset: 'windows-1252', source: 'detected', contains: ['•True •Documented'] },
    // charset=who-knows-what-i-am is ignored, the bytes are valid UTF-8.
    { file: 'html/encoding/unknown-charset-label_noaa-radar.html', charset: 'utf-8', source: 'detected', contains: ['NWS Level II Radar Receive Status'] },
    // iso-8859-1 in the XML declaration only; the label means windows-1252 (WHATWG), same bytes here.
    { file: 'html/encoding/iso-8859-1_xml-declaration-only_complete-angler.htm', charset: 'windows-1252', source: 'xml-declaration', contains: ['£4 4s', 'à propos'] },
    // No declaration and not UTF-8: a browser-style decoder can only guess windows-1252 (mojibake).
    { file: 'html/encoding/koi8-r_no-meta_tiny.html', charset: 'windows-1252', source: 'detected', contains: ['ëÒÁËÏÚÑÂÒÙ'] },
    { file: 'html/misc/xkcd_1.html', charset: 'utf-8', source: 'xml-declaration', contains: ['xkcd: Barrel - Part 1'] },
    { file: 'html/misc/ietf-draft-remotestorage-04.html', charset: 'utf-8', source: 'meta', contains: ['remoteStorage'] },
  ];
  for (const { file, charset, source, contains } of expectations) {
    it(`${file} → ${charset} (${source})`, () => {
      const decoded = decodeHtml(fixture(file));
      assert.equal(decoded.charset, charset);
      assert.equal(decoded.source, source);
      for (const word of contains) assert.ok(decoded.text.includes(word), `missing ${JSON.stringify(word)}`);
      assert.ok(!decoded.text.includes('\uFFFD'), 'unexpected U+FFFD');
    });
  }

  it('every file in the encoding directory is covered above', () => {
    const covered = new Set(expectations.map((e) => e.file));
    const directory = new URL('../../test/fixtures/real/html/encoding/', import.meta.url);
    for (const name of readdirSync(directory)) assert.ok(covered.has(`html/encoding/${name}`), name);
  });

  it('the KOI8-R page decodes right when the server says so', () => {
    const decoded = decodeHtml(fixture('html/encoding/koi8-r_no-meta_tiny.html'), 'text/html; charset=KOI8-R');
    assert.equal(decoded.charset, 'koi8-r');
    assert.ok(decoded.text.includes('Кракозябры'));
  });

  it('the corrupted xkcd page (declared UTF-8, invalid bytes) is bad content naming the byte offset', () => {
    assert.throws(() => decodeHtml(fixture('html/misc/xkcd_1_evil_corrupted-bytes.html')), isBadContent(/invalid UTF-8 at byte offset 114\b/));
  });
});

describe('decodeHtml precedence', () => {
  const metaLatin = ascii('<html><head><meta charset="iso-8859-2"></head><body>\xA3</body></html>');

  it('BOM beats Content-Type and meta', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from('<meta charset="windows-1251"><p>é</p>')]);
    const decoded = decodeHtml(bytes, 'text/html; charset=iso-8859-5');
    assert.equal(decoded.charset, 'utf-8');
    assert.equal(decoded.source, 'bom');
    assert.ok(decoded.text.startsWith('<meta'), 'the BOM is stripped');
    assert.ok(decoded.text.includes('é'));
  });

  it('UTF-16 BOMs', () => {
    const le = new Uint8Array([0xff, 0xfe, ...Buffer.from('<p>Привет</p>', 'utf16le')]);
    assert.deepEqual(decodeHtml(le), { text: '<p>Привет</p>', charset: 'utf-16le', source: 'bom' });
    const be = Buffer.from('<p>Привет</p>', 'utf16le').swap16();
    assert.equal(decodeHtml(new Uint8Array([0xfe, 0xff, ...be])).text, '<p>Привет</p>');
  });

  it('Content-Type beats meta', () => {
    const decoded = decodeHtml(metaLatin, 'text/html; charset="windows-1250"');
    assert.equal(decoded.charset, 'windows-1250');
    assert.equal(decoded.source, 'content-type');
  });

  it('meta charset is used when nothing else is declared', () => {
    const decoded = decodeHtml(metaLatin);
    assert.equal(decoded.charset, 'iso-8859-2');
    assert.ok(decoded.text.includes('Ł'));
  });

  it('an unknown Content-Type charset falls through to the meta', () => {
    assert.equal(decodeHtml(metaLatin, 'text/html; charset=who-knows-what-i-am').charset, 'iso-8859-2');
  });

  it('meta http-equiv with content charset', () => {
    const bytes = ascii('<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=Shift_JIS"><p>x</p>');
    assert.equal(decodeHtml(bytes).charset, 'shift_jis');
  });

  it('meta content without http-equiv is not a declaration', () => {
    assert.equal(prescanForMetaCharset(ascii('<meta content="text/html; charset=koi8-r">')), undefined);
  });

  it('meta inside a comment is ignored', () => {
    assert.equal(prescanForMetaCharset(ascii('<!-- <meta charset="koi8-r"> --><p>a</p>')), undefined);
  });

  it('a meta after the first 1024 bytes is ignored', () => {
    const bytes = ascii(`<p>${'x'.repeat(1100)}</p><meta charset="koi8-r">`);
    assert.equal(prescanForMetaCharset(bytes), undefined);
    assert.equal(decodeHtml(bytes).source, 'detected');
  });

  it('meta with an unknown label is skipped and a later one counts', () => {
    assert.equal(prescanForMetaCharset(ascii('<meta charset="nope"><meta charset="latin2">')), 'iso-8859-2');
  });

  it('meta declaring UTF-16 means UTF-8 (the bytes were just read as ASCII)', () => {
    const decoded = decodeHtml(new Uint8Array(Buffer.from('<meta charset="utf-16"><p>é</p>')));
    assert.equal(decoded.charset, 'utf-8');
  });

  it('attributes of other tags do not fool the prescan', () => {
    assert.equal(prescanForMetaCharset(ascii('<div title="<meta charset=koi8-r>"></div>')), undefined);
  });

  it('undeclared valid UTF-8 is UTF-8, undeclared invalid UTF-8 is windows-1252', () => {
    assert.equal(decodeHtml(new Uint8Array(Buffer.from('<p>café</p>'))).charset, 'utf-8');
    const latin = decodeHtml(ascii('<p>caf\xE9 \x80</p>'));
    assert.equal(latin.charset, 'windows-1252');
    assert.equal(latin.text, '<p>café €</p>');
  });

  it('windows-1252 follows the WHATWG table for 0x80-0x9F (Node 20 TextDecoder does not)', () => {
    const all = new Uint8Array(32).map((_, i) => 0x80 + i);
    const text = decodeHtml(all, 'text/html; charset=iso-8859-1').text;
    assert.equal(text, '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ');
  });

  it('declared UTF-8 with invalid bytes is bad content, wherever it was declared', () => {
    const bytes = ascii('<meta charset="utf-8"><p>caf\xE9</p>');
    assert.throws(() => decodeHtml(bytes), isBadContent(/byte offset 28 \(0xe9\).*meta/));
    assert.throws(() => decodeHtml(ascii('<p>caf\xE9</p>'), 'text/html; charset=UTF-8'), isBadContent(/byte offset 6\b.*content-type/));
    assert.throws(() => decodeHtml(new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0xff])), isBadContent(/byte offset 4\b.*byte order mark/));
  });
});

describe('decodeText', () => {
  it('plain text ignores meta-like content', () => {
    const decoded = decodeText(ascii('<meta charset="koi8-r"> caf\xE9'));
    assert.equal(decoded.charset, 'windows-1252');
    assert.equal(decoded.source, 'detected');
  });

  it('uses the Content-Type charset', () => {
    const decoded = decodeText(ascii('\xF0\xD2\xC9\xD7\xC5\xD4'), 'text/plain; charset=koi8-r');
    assert.equal(decoded.text, 'Привет');
  });

  it('the ISO-8859-1 Gutenberg text falls back to windows-1252 and reads right', () => {
    const decoded = decodeText(fixture('text/entre-nous_french_iso-8859-1.txt'));
    assert.equal(decoded.charset, 'windows-1252');
    assert.ok(decoded.text.includes('Lectures Françaises à l\'usage des ecoles primaires'));
  });

  it('a NUL byte is bad content (the corpus file)', () => {
    assert.throws(() => decodeText(fixture('text/has-null-byte.txt')), isBadContent(/NUL/));
  });

  it('UTF-16 text with its BOM is not mistaken for NULs', () => {
    const bytes = new Uint8Array([0xff, 0xfe, ...Buffer.from('hello', 'utf16le')]);
    assert.equal(decodeText(bytes).text, 'hello');
  });

  it('declared UTF-8 with invalid bytes is bad content', () => {
    assert.throws(() => decodeText(ascii('ab\xC3('), 'text/plain; charset=utf-8'), isBadContent(/byte offset 2\b/));
  });
});

describe('labels', () => {
  const labels: Array<[string, string | undefined]> = [
    ['utf-8', 'utf-8'],
    ['UTF8', 'utf-8'],
    [' utf-8 ', 'utf-8'],
    ['latin1', 'windows-1252'],
    ['ISO-8859-1', 'windows-1252'],
    ['us-ascii', 'windows-1252'],
    ['ascii', 'windows-1252'],
    ['gb2312', 'gbk'],
    ['GB_2312-80', 'gbk'],
    ['gb18030', 'gb18030'],
    ['Shift_JIS', 'shift_jis'],
    ['sjis', 'shift_jis'],
    ['windows-31j', 'shift_jis'],
    ['tis-620', 'windows-874'],
    ['iso-8859-11', 'windows-874'],
    ['iso-8859-9', 'windows-1254'],
    ['ks_c_5601-1987', 'euc-kr'],
    ['koi8', 'koi8-r'],
    ['utf-16', 'utf-16le'],
    ['hz-gb-2312', 'replacement'],
    ['who-knows-what-i-am', undefined],
    ['utf-7', undefined],
    ['', undefined],
  ];
  for (const [label, expected] of labels) {
    it(`${JSON.stringify(label)} → ${String(expected)}`, () => assert.equal(encodingForLabel(label), expected));
  }

  it('every known encoding (but replacement and UTF-16) decodes ASCII', () => {
    for (const encoding of KNOWN_ENCODINGS) {
      if (encoding === 'replacement' || encoding.startsWith('utf-16')) continue;
      const decoded = decodeHtml(ascii('<p>abc</p>'), `text/html; charset=${encoding}`);
      assert.equal(decoded.text, '<p>abc</p>', encoding);
      assert.equal(decoded.charset, encoding);
    }
  });

  it('iso-8859-16 (not in Node ICU) decodes through iconv-lite', () => {
    assert.equal(decodeHtml(ascii('\xAA'), 'text/html; charset=iso-8859-16').text, 'Ș');
  });

  it('a replacement-encoding label is refused', () => {
    assert.throws(() => decodeHtml(ascii('abc'), 'text/html; charset=iso-2022-kr'), isBadContent());
  });

  it('charsetParameter reads quoted and unquoted values', () => {
    assert.equal(charsetParameter('text/html; charset=UTF-8'), 'UTF-8');
    assert.equal(charsetParameter('text/html;charset="koi8-r"; foo=bar'), 'koi8-r');
    assert.equal(charsetParameter('text/html; foo=bar'), undefined);
    assert.equal(charsetParameter(undefined), undefined);
  });
});

describe('firstInvalidUtf8Offset', () => {
  const cases: Array<[string, number[], number]> = [
    ['valid ASCII', [0x61, 0x62], -1],
    ['valid multibyte', [...Buffer.from('é€😀')], -1],
    ['lone continuation byte', [0x61, 0x80], 1],
    ['overlong two-byte', [0xc0, 0xaf], 0],
    ['overlong three-byte', [0x61, 0xe0, 0x80, 0xaf], 1],
    ['UTF-16 surrogate', [0xed, 0xa0, 0x80], 0],
    ['above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['truncated at the end', [0x61, 0x62, 0xe2, 0x82], 2],
    ['bad continuation', [0xe2, 0x28, 0xa1], 0],
  ];
  for (const [name, bytes, expected] of cases) {
    it(name, () => assert.equal(firstInvalidUtf8Offset(new Uint8Array(bytes)), expected));
  }
});
