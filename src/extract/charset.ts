// Bytes to text the way browsers do it (WHATWG Encoding and HTML "determining the character
// encoding"), with one deliberate strictness: a document whose charset in force is UTF-8 but whose
// bytes are not UTF-8 is reported as bad content instead of being silently patched with U+FFFD, so a
// corrupted download never becomes a "new version" of the text.

import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import { ExtractError } from '../errors.js';

export type CharsetSource = 'bom' | 'content-type' | 'meta' | 'xml-declaration' | 'detected';

export interface DecodedText {
  text: string;
  /** WHATWG encoding name in lower case, e.g. `utf-8`, `windows-1252`, `shift_jis`. */
  charset: string;
  /** Where the charset came from. */
  source: CharsetSource;
}

// WHATWG Encoding Standard, "Encodings" table: name followed by its labels (the name is a label too).
const ENCODING_LABELS: Record<string, string> = {
  'utf-8': 'unicode-1-1-utf-8 unicode11utf8 unicode20utf8 utf8 x-unicode20utf8',
  ibm866: '866 cp866 csibm866',
  'iso-8859-2': 'csisolatin2 iso-ir-101 iso8859-2 iso88592 iso_8859-2 iso_8859-2:1987 l2 latin2',
  'iso-8859-3': 'csisolatin3 iso-ir-109 iso8859-3 iso88593 iso_8859-3 iso_8859-3:1988 l3 latin3',
  'iso-8859-4': 'csisolatin4 iso-ir-110 iso8859-4 iso88594 iso_8859-4 iso_8859-4:1988 l4 latin4',
  'iso-8859-5': 'csisolatincyrillic cyrillic iso-ir-144 iso8859-5 iso88595 iso_8859-5 iso_8859-5:1988',
  'iso-8859-6':
    'arabic asmo-708 csiso88596e csiso88596i csisolatinarabic ecma-114 iso-8859-6-e iso-8859-6-i iso-ir-127 iso8859-6 iso88596 iso_8859-6 iso_8859-6:1987',
  'iso-8859-7':
    'csisolatingreek ecma-118 elot_928 greek greek8 iso-ir-126 iso8859-7 iso88597 iso_8859-7 iso_8859-7:1987 sun_eu_greek',
  'iso-8859-8': 'csiso88598e csisolatinhebrew hebrew iso-8859-8-e iso-ir-138 iso8859-8 iso88598 iso_8859-8 iso_8859-8:1988 visual',
  'iso-8859-8-i': 'csiso88598i logical',
  'iso-8859-10': 'csisolatin6 iso-ir-157 iso8859-10 iso885910 l6 latin6',
  'iso-8859-13': 'iso8859-13 iso885913',
  'iso-8859-14': 'iso8859-14 iso885914',
  'iso-8859-15': 'csisolatin9 iso8859-15 iso885915 iso_8859-15 l9',
  'iso-8859-16': '',
  'koi8-r': 'cskoi8r koi koi8 koi8_r',
  'koi8-u': 'koi8-ru',
  macintosh: 'csmacintosh mac x-mac-roman',
  'windows-874': 'dos-874 iso-8859-11 iso8859-11 iso885911 tis-620',
  'windows-1250': 'cp1250 x-cp1250',
  'windows-1251': 'cp1251 x-cp1251',
  'windows-1252':
    'ansi_x3.4-1968 ascii cp1252 cp819 csisolatin1 ibm819 iso-8859-1 iso-ir-100 iso8859-1 iso88591 iso_8859-1 iso_8859-1:1987 l1 latin1 us-ascii x-cp1252',
  'windows-1253': 'cp1253 x-cp1253',
  'windows-1254': 'cp1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso88599 iso_8859-9 iso_8859-9:1989 l5 latin5 x-cp1254',
  'windows-1255': 'cp1255 x-cp1255',
  'windows-1256': 'cp1256 x-cp1256',
  'windows-1257': 'cp1257 x-cp1257',
  'windows-1258': 'cp1258 x-cp1258',
  'x-mac-cyrillic': 'x-mac-ukrainian',
  gbk: 'chinese csgb2312 csiso58gb231280 gb2312 gb_2312 gb_2312-80 iso-ir-58 x-gbk',
  gb18030: '',
  big5: 'big5-hkscs cn-big5 csbig5 x-x-big5',
  'euc-jp': 'cseucpkdfmtjapanese x-euc-jp',
  'iso-2022-jp': 'csiso2022jp',
  shift_jis: 'csshiftjis ms932 ms_kanji shift-jis sjis windows-31j x-sjis',
  'euc-kr': 'cseuckr csksc56011987 iso-ir-149 korean ks_c_5601-1987 ks_c_5601-1989 ksc5601 ksc_5601 windows-949',
  // Encodings browsers refuse to decode (XSS vectors); the spec maps them to one U+FFFD.
  replacement: 'csiso2022kr hz-gb-2312 iso-2022-cn iso-2022-cn-ext iso-2022-kr',
  'utf-16be': 'unicodefffe',
  'utf-16le': 'csunicode iso-10646-ucs-2 ucs-2 unicode unicodefeff utf-16',
  'x-user-defined': '',
};

const ENCODING_BY_LABEL: ReadonlyMap<string, string> = new Map(
  Object.entries(ENCODING_LABELS).flatMap(([name, labels]) => [
    [name, name] as const,
    ...labels.split(' ').filter((label) => label !== '').map((label) => [label, name] as const),
  ]),
);

/** The WHATWG encoding name for a label (`latin1` → `windows-1252`), or undefined when unknown. */
export function encodingForLabel(label: string): string | undefined {
  // The spec trims ASCII whitespace only.
  return ENCODING_BY_LABEL.get(label.replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, '').toLowerCase());
}

/** All WHATWG encoding names this module knows (for tests and diagnostics). */
export const KNOWN_ENCODINGS: readonly string[] = Object.keys(ENCODING_LABELS);

/** The `charset` parameter of a Content-Type value, if any. */
export function charsetParameter(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  for (const parameter of contentType.split(';').slice(1)) {
    const match = /^\s*charset\s*=\s*(?:"([^"]*)"|([^\s"]*))/i.exec(parameter);
    if (match) return match[1] ?? match[2];
  }
  return undefined;
}

/**
 * Decodes an HTML document. Order: BOM, Content-Type charset, `<meta>` prescan of the first 1024 bytes,
 * XML declaration (as Blink and WebKit honour it in text/html too), then strict UTF-8 with a
 * windows-1252 fallback. Unknown labels are ignored at every step.
 */
export function decodeHtml(bytes: Uint8Array, contentType?: string): DecodedText {
  const declared =
    fromBom(bytes) ??
    fromLabel(charsetParameter(contentType), 'content-type') ??
    fromPrescan(bytes) ??
    fromXmlDeclaration(bytes);
  return declared === undefined ? decodeUndeclared(bytes) : decodeDeclared(bytes, declared);
}

/**
 * Decodes a plain-text document: BOM, Content-Type charset, then strict UTF-8 with a windows-1252
 * fallback. A NUL anywhere means this is not a text document: bad content.
 */
export function decodeText(bytes: Uint8Array, contentType?: string): DecodedText {
  const declared = fromBom(bytes) ?? fromLabel(charsetParameter(contentType), 'content-type');
  const decoded = declared === undefined ? decodeUndeclared(bytes) : decodeDeclared(bytes, declared);
  const nul = decoded.text.indexOf('\0');
  if (nul !== -1) {
    throw new ExtractError('bad-content', `text document contains a NUL character (at character ${nul}): binary data, not text`);
  }
  return decoded;
}

interface Declaration {
  encoding: string;
  source: CharsetSource;
  /** Bytes of BOM to skip. */
  skip: number;
}

function fromBom(bytes: Uint8Array): Declaration | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', source: 'bom', skip: 3 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', source: 'bom', skip: 2 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', source: 'bom', skip: 2 };
  return undefined;
}

function fromLabel(label: string | undefined, source: CharsetSource): Declaration | undefined {
  if (label === undefined) return undefined;
  const encoding = encodingForLabel(label);
  return encoding === undefined ? undefined : { encoding, source, skip: 0 };
}

/** In-document declarations can't be UTF-16 (the bytes just read them as ASCII): the spec says UTF-8. */
function asInDocumentDeclaration(declaration: Declaration | undefined): Declaration | undefined {
  if (declaration === undefined) return undefined;
  if (declaration.encoding === 'utf-16be' || declaration.encoding === 'utf-16le') return { ...declaration, encoding: 'utf-8' };
  if (declaration.encoding === 'x-user-defined') return { ...declaration, encoding: 'windows-1252' };
  return declaration;
}

function decodeDeclared(bytes: Uint8Array, declaration: Declaration): DecodedText {
  const body = bytes.subarray(declaration.skip);
  const { encoding, source } = declaration;
  if (encoding === 'utf-8') return { text: decodeUtf8Strict(body, source, declaration.skip), charset: encoding, source };
  if (encoding === 'replacement') {
    throw new ExtractError('bad-content', `document declares a charset browsers refuse to decode (${source}); not decoded`);
  }
  return { text: decodeLegacy(body, encoding), charset: encoding, source };
}

function decodeUndeclared(bytes: Uint8Array): DecodedText {
  if (isUtf8(bytes)) return { text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes), charset: 'utf-8', source: 'detected' };
  return { text: decodeLegacy(bytes, 'windows-1252'), charset: 'windows-1252', source: 'detected' };
}

/** `skipped`: bytes (a BOM) before `bytes` in the file, so the offset reported is the file's. */
function decodeUtf8Strict(bytes: Uint8Array, source: CharsetSource, skipped: number): string {
  if (!isUtf8(bytes)) {
    const invalidAt = firstInvalidUtf8Offset(bytes);
    const byte = bytes[invalidAt] ?? 0;
    const offset = invalidAt + skipped;
    const how = source === 'bom' ? 'a UTF-8 byte order mark' : source === 'detected' ? 'detection' : `its ${source}`;
    throw new ExtractError(
      'bad-content',
      `invalid UTF-8 at byte offset ${offset} (0x${byte.toString(16).padStart(2, '0')}), though the document is UTF-8 by ${how}: corrupted or mislabelled`,
    );
  }
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
}

function decodeLegacy(bytes: Uint8Array, encoding: string): string {
  if (encoding === 'x-user-defined') {
    let text = '';
    for (const byte of bytes) text += String.fromCharCode(byte < 0x80 ? byte : 0xf700 + byte);
    return text;
  }
  if (encoding === 'windows-1252') return decodeWindows1252(bytes);
  let decoded: string | undefined;
  try {
    decoded = new TextDecoder(encoding, { ignoreBOM: true }).decode(bytes);
  } catch {
    // Node's ICU lacks a few (iso-8859-16): iconv-lite has them.
  }
  if (decoded !== undefined) return decoded;
  if (iconv.encodingExists(encoding)) return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), encoding, { stripBOM: false });
  throw new ExtractError('bad-content', `no decoder available for charset ${encoding}`);
}

// WHATWG index for 0x80-0x9F; the rest of windows-1252 is Latin-1. Node 20's TextDecoder decodes
// windows-1252 (and so every latin1/iso-8859-1/us-ascii label) as plain Latin-1: € became U+0080.
const WINDOWS_1252_HIGH_CONTROLS =
  '\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F' +
  '\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178';

function decodeWindows1252(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString('latin1')
    .replace(/[\u0080-\u009F]/g, (char) => WINDOWS_1252_HIGH_CONTROLS[char.charCodeAt(0) - 0x80] ?? char);
}

/** Offset of the first byte that starts an invalid UTF-8 sequence, or -1 if all is valid. */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] ?? 0;
    if (lead < 0x80) {
      i++;
      continue;
    }
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead === 0xe0) low = 0xa0; // overlong
      if (lead === 0xed) high = 0x9f; // surrogates
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead === 0xf0) low = 0x90; // overlong
      if (lead === 0xf4) high = 0x8f; // above U+10FFFF
    } else return i;
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined) return i;
      const min = k === 1 ? low : 0x80;
      const max = k === 1 ? high : 0xbf;
      if (next < min || next > max) return i;
    }
    i += length;
  }
  return -1;
}

// ---- WHATWG HTML "prescan a byte stream to determine its encoding" ----

const PRESCAN_WINDOW = 1024;

function isSpace(char: string | undefined): boolean {
  return char === ' ' || char === '\t' || char === '\n' || char === '\f' || char === '\r';
}

function isAsciiLetter(char: string | undefined): boolean {
  return char !== undefined && /^[A-Za-z]$/.test(char);
}

function fromPrescan(bytes: Uint8Array): Declaration | undefined {
  const encoding = prescanForMetaCharset(bytes);
  return asInDocumentDeclaration(encoding === undefined ? undefined : { encoding, source: 'meta', skip: 0 });
}

/** The encoding a `<meta charset>` or `<meta http-equiv=content-type>` in the first 1024 bytes declares. */
export function prescanForMetaCharset(bytes: Uint8Array): string | undefined {
  // Latin-1 maps each byte to one char, so string offsets are byte offsets.
  const s = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, PRESCAN_WINDOW)).toString('latin1');
  let position = 0;
  while (position < s.length) {
    if (s.startsWith('<!--', position)) {
      const end = s.indexOf('-->', position + 2);
      if (end === -1) return undefined;
      position = end + 3;
    } else if (s.slice(position, position + 5).toLowerCase() === '<meta' && (isSpace(s[position + 5]) || s[position + 5] === '/')) {
      position += 6;
      const seen = new Set<string>();
      let gotPragma = false;
      let needPragma: boolean | undefined;
      let charset: string | undefined;
      let attributeFound = true;
      while (attributeFound) {
        const attribute = getAttribute(s, position);
        if (attribute === undefined) {
          attributeFound = false;
          break;
        }
        position = attribute.end;
        if (seen.has(attribute.name)) continue;
        seen.add(attribute.name);
        if (attribute.name === 'http-equiv') {
          if (attribute.value === 'content-type') gotPragma = true;
        } else if (attribute.name === 'content') {
          if (charset === undefined) {
            const label = charsetFromMetaContent(attribute.value);
            if (label !== undefined) {
              charset = encodingForLabel(label) ?? '';
              needPragma = true;
            }
          }
        } else if (attribute.name === 'charset') {
          charset = encodingForLabel(attribute.value) ?? '';
          needPragma = false;
        }
      }
      if (needPragma === undefined || (needPragma && !gotPragma)) continue;
      // '' marks an unknown label: the spec goes on scanning.
      if (charset === undefined || charset === '') continue;
      return charset;
    } else if (s[position] === '<' && (isAsciiLetter(s[position + 1]) || (s[position + 1] === '/' && isAsciiLetter(s[position + 2])))) {
      while (position < s.length && !isSpace(s[position]) && s[position] !== '>') position++;
      for (let attribute = getAttribute(s, position); attribute !== undefined; attribute = getAttribute(s, position)) {
        position = attribute.end;
      }
      position++;
    } else if (s.startsWith('<!', position) || s.startsWith('</', position) || s.startsWith('<?', position)) {
      const end = s.indexOf('>', position + 2);
      if (end === -1) return undefined;
      position = end + 1;
    } else {
      position++;
    }
  }
  return undefined;
}

interface Attribute {
  name: string;
  value: string;
  end: number;
}

/** The spec's "get an attribute"; undefined at `>` or at the end of the window. */
function getAttribute(s: string, start: number): Attribute | undefined {
  let position = start;
  while (isSpace(s[position]) || s[position] === '/') position++;
  if (position >= s.length || s[position] === '>') return undefined;
  let name = '';
  let value = '';
  for (;;) {
    const char = s[position];
    if (char === undefined) return undefined;
    if (char === '=' && name !== '') {
      position++;
      break;
    }
    if (isSpace(char)) {
      while (isSpace(s[position])) position++;
      if (s[position] !== '=') return { name, value, end: position };
      position++;
      break;
    }
    if (char === '/' || char === '>') return { name, value, end: position };
    name += char.toLowerCase();
    position++;
  }
  while (isSpace(s[position])) position++;
  const first = s[position];
  if (first === undefined) return undefined;
  if (first === '"' || first === "'") {
    const close = s.indexOf(first, position + 1);
    if (close === -1) return undefined;
    return { name, value: s.slice(position + 1, close).toLowerCase(), end: close + 1 };
  }
  if (first === '>') return { name, value, end: position };
  while (position < s.length && !isSpace(s[position]) && s[position] !== '>') {
    value += (s[position] ?? '').toLowerCase();
    position++;
  }
  if (position >= s.length) return undefined;
  return { name, value, end: position };
}

/** The spec's "extract a character encoding from a meta element" on a `content` value. */
function charsetFromMetaContent(content: string): string | undefined {
  let position = 0;
  for (;;) {
    const found = content.toLowerCase().indexOf('charset', position);
    if (found === -1) return undefined;
    position = found + 7;
    while (isSpace(content[position])) position++;
    if (content[position] !== '=') continue;
    position++;
    while (isSpace(content[position])) position++;
    const quote = content[position];
    if (quote === '"' || quote === "'") {
      const close = content.indexOf(quote, position + 1);
      return close === -1 ? undefined : content.slice(position + 1, close);
    }
    const match = /^[^\s;]+/.exec(content.slice(position));
    return match?.[0];
  }
}

function fromXmlDeclaration(bytes: Uint8Array): Declaration | undefined {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, PRESCAN_WINDOW)).toString('latin1');
  const match = /^<\?xml\s[^>]*?\bencoding\s*=\s*["']([^"']+)["'][^>]*\?>/.exec(head);
  return asInDocumentDeclaration(fromLabel(match?.[1], 'xml-declaration'));
}
