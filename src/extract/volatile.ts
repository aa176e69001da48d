// Volatile content: what changes from one fetch of a page to the next without anyone editing it.
// Pure; table-tested in test/extract-volatile.test.ts. Three filters, per source (`volatile:` in
// leakmirror.yaml, src/config/schema.ts):
//
//   relativeDates (default on)  "3 hours ago", "Updated 5 min ago", "yesterday at 14:02" in the
//                               extracted text become "(relative date)": the page says the same thing
//                               each time, the clock moved. Conservative: a quantity, a unit and
//                               "ago" (English, French "il y a", German "vor"), only where it reads
//                               as a stamp (after "Updated", "Posted"..., or standing alone between
//                               separators); "yesterday", "today" and "just now" only after such a
//                               word, with a clock time, or alone on their line. Prose ("he died
//                               five years ago;"), "long ago", "in 3 days" and absolute dates are
//                               left alone.
//   dropLines                   lines of extracted text matching any of the regular expressions (`u`
//                               flag, tested against the normalized line) are removed.
//   tokens (default on)         the raw HTML is fingerprinted with its volatile markup masked (CSRF
//                               tokens, nonces, session ids and tracking parameters in URLs, asset
//                               cache-busters, "generated in 0.12 s" comments): two fetches that
//                               differ only there have the same `stableSha256`, and sync records no
//                               new version when the text is the same too (src/core/sync.ts). The
//                               fingerprint also masks the relative dates and dropLines matches in
//                               the markup, so that they make no "technical" version either.
//
// The text filters are idempotent: applying them to their own output changes nothing.

import { createHash } from 'node:crypto';
import { ExtractError } from '../errors.js';
import { normalizeText } from './normalize.js';
import type { VolatileOptions } from './types.js';

export const RELATIVE_DATE = '(relative date)';

// ---- Relative dates --------------------------------------------------------------------------

const NOT_WORD_BEFORE = String.raw`(?<![\p{L}\p{N}_])`;
const NOT_WORD_AFTER = String.raw`(?![\p{L}\p{N}_])`;
const S = String.raw`[\s\u00A0]+`;

const EN_QUANTITY = String.raw`(?:\d+(?:[.,]\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a\s+few|few|several|a\s+couple\s+of|a\s+couple)`;
const EN_UNIT = String.raw`(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|wks?|months?|mos?|years?|yrs?|moments?)`;
/** "5m", "3h", "2d", "1w", "4mo", "1y": the short forms of feeds and comment threads (digits attached). */
const EN_SHORT = String.raw`\d+(?:mo|[smhdwy])`;
const EN_AMOUNT = String.raw`(?:${EN_QUANTITY}${S}${EN_UNIT}|${EN_SHORT})${NOT_WORD_AFTER}`;
/** "about", "over", "less than"... are part of the phrase: "less than a minute ago" vs "2 minutes ago". */
const EN_QUALIFIER = String.raw`(?:(?:about|around|over|almost|nearly|under|roughly|approximately|just|less${S}than|more${S}than)${S})?`;
/** One amount or several ("1 hour, 5 minutes", "2 days and 3 hours"), then "ago". */
const EN_AGO = String.raw`${NOT_WORD_BEFORE}${EN_QUALIFIER}${EN_AMOUNT}(?:(?:,?${S}(?:and${S})?|,)${EN_AMOUNT})*${S}ago${NOT_WORD_AFTER}`;

const FR_QUANTITY = String.raw`(?:\d+|une?|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|quelques)`;
const FR_UNIT = String.raw`(?:secondes?|s|minutes?|min|heures?|h|jours?|semaines?|mois|ans?|années?)`;
// "il y a" is also "there is": "il y a 3 jours fériés" is not a date, so no lower-case word may follow.
const FR_AGO = String.raw`${NOT_WORD_BEFORE}il${S}y${S}a${S}(?:(?:environ|plus${S}d[e']|moins${S}d[e'])${S}?)?${FR_QUANTITY}${S}${FR_UNIT}${NOT_WORD_AFTER}(?![\s\u00A0]*\p{Ll})`;

const DE_QUANTITY = String.raw`(?:\d+|einer?|einem|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|wenigen)`;
const DE_UNIT = String.raw`(?:Sekunden?|Sek\.?|Minuten?|Min\.?|Stunden?|Std\.?|Tag(?:en)?|Wochen?|Monat(?:en)?|Jahr(?:en)?)`;
const DE_AGO = String.raw`${NOT_WORD_BEFORE}vor${S}(?:(?:etwa|über|knapp)${S})?${DE_QUANTITY}${S}${DE_UNIT}${NOT_WORD_AFTER}`;

/** Words that make what follows a stamp rather than prose: "Updated 3 hours ago", "Posted yesterday". */
const STAMP_WORDS = String.raw`(?:updated|modified|edited|changed|posted|published|commented|submitted|refreshed|created|added|reviewed|seen|active|answered|asked|replied|mis${S}à${S}jour|publié|modifié|posté|aktualisiert|veröffentlicht|geändert|gepostet|bearbeitet)`;
const STAMP_VERB = String.raw`(?:(?:last${S})?${STAMP_WORDS}(?:${S}(?:on|at|le|am))?:?${S})`;
const CLOCK = String.raw`\d{1,2}[:.h]\d{2}(?:${S}?[ap]\.?m\.?)?${NOT_WORD_AFTER}`;
const DAY_WORD = String.raw`(?:yesterday|today|just${S}now)`;
const EN_DAY_STAMP = [
  // "Updated yesterday", "Posted just now", "Edited today at 9:15 am"
  String.raw`(?<=${NOT_WORD_BEFORE}${STAMP_VERB})${DAY_WORD}(?:,?${S}(?:at${S})?${CLOCK})?${NOT_WORD_AFTER}`,
  // "yesterday at 14:02", "Today, 9:15 AM"
  String.raw`${NOT_WORD_BEFORE}(?:yesterday|today),?${S}(?:at${S})?${CLOCK}`,
].join('|');
/** A line that is only "yesterday" or "just now" (bullets, brackets around it); "Today" alone may be a heading. */
const DAY_LINE = new RegExp(String.raw`^([\s()[\]·•|*-]*)(?:yesterday|just${S}now)([\s()[\]·•|*-]*)$`, 'iu');

const AGO = new RegExp([EN_AGO, FR_AGO, DE_AGO].join('|'), 'giu');
const DAY_STAMP = new RegExp(EN_DAY_STAMP, 'giu');
/** Markup: every candidate, wherever it stands (see maskRelativeDates). */
const RELATIVE = new RegExp([EN_AGO, FR_AGO, DE_AGO, EN_DAY_STAMP].join('|'), 'giu');
/**
 * A cheap scan first (mapHintedLines): the phrases all have one of these words; most lines have none.
 * "ago" always follows a space and "vor" starts a word: without those, "Santiago", "Chicago" or "in
 * favor of" sent their whole line (in markup, often the whole page) through the phrase expressions.
 * (A lookbehind for the space before "ago" would be simpler, and made this scan twice as slow.)
 */
const RELATIVE_HINTS = /[\s\u00A0]ago|il[\s\u00A0]+y[\s\u00A0]+a|(?<![A-Za-z0-9_])vor[\s\u00A0]|yesterday|today|just[\s\u00A0]+now/gi;

// "3 hours ago" is a stamp where it stands: after a stamp word ("Updated", "Posted", "Mis à jour")...
const AFTER_STAMP_WORD = new RegExp(String.raw`${NOT_WORD_BEFORE}${STAMP_VERB}$`, 'iu');
// ...or on its own: at the start of the line or after a separator ("· 3h ago", "Ann, 2 days ago",
// "(5 min ago)"), and at the end of the line or before a separator or "by" ("2 days ago by Ann").
// Prose keeps its words: "died about five years ago;", "half an hour ago.", "About a month ago I
// received this letter" (Pride and Prejudice has all three).
const OPEN_BEFORE = /(?:^|[·•|,;:(–—[]|\s-)[\s\u00A0]*$/u;
const CLOSE_AFTER = /^[\s\u00A0]*(?:$|[·•|,;)\]–—]|-\s|(?:by|par|von)(?![\p{L}\p{N}]))/iu;

/**
 * Relative time phrases replaced by "(relative date)", line by line, where they read as a stamp (see
 * above); the same words in a sentence are left as written.
 */
export function replaceRelativeDates(text: string): string {
  return mapHintedLines(text, (line) => {
    const day = DAY_LINE.exec(line);
    if (day !== null) return `${day[1] ?? ''}${RELATIVE_DATE}${day[2] ?? ''}`;
    return line
      .replace(AGO, (phrase: string, ...rest: unknown[]) => {
        const at = rest[rest.length - 2] as number;
        const before = line.slice(0, at);
        const after = line.slice(at + phrase.length);
        return AFTER_STAMP_WORD.test(before) || (OPEN_BEFORE.test(before) && CLOSE_AFTER.test(after)) ? RELATIVE_DATE : phrase;
      })
      .replace(DAY_STAMP, RELATIVE_DATE);
  });
}

/**
 * `text` with each line that has a relative-date hint replaced by `rewrite(line)`; the others are
 * copied as they are. One scan for the hints over the whole text (a page has few), rather than a
 * split into lines and a test of each: the phrases never span lines, and every one contains a hint.
 */
function mapHintedLines(text: string, rewrite: (line: string) => string): string {
  let out = '';
  let copied = 0;
  RELATIVE_HINTS.lastIndex = 0;
  for (let hint = RELATIVE_HINTS.exec(text); hint !== null; hint = RELATIVE_HINTS.exec(text)) {
    // The line of the hint's first letter: " ago" may start with the line break before "ago".
    const at = text.charCodeAt(hint.index) === 10 ? hint.index + 1 : hint.index;
    const start = text.lastIndexOf('\n', at) + 1;
    const newline = text.indexOf('\n', at);
    const end = newline === -1 ? text.length : newline;
    out += text.slice(copied, start) + rewrite(text.slice(start, end));
    copied = end;
    RELATIVE_HINTS.lastIndex = end; // past `at`: the character there is never a line break
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/**
 * Relative dates in markup, for the fingerprint: every candidate, without the stamp test (the text
 * decides what is content; masking a phrase in a sentence only hides a change the text shows anyway).
 * One "line" may hold a whole minified page: only the lines with a hint are rewritten.
 */
function maskRelativeDates(markup: string): string {
  return mapHintedLines(markup, (line) => line.replace(RELATIVE, RELATIVE_DATE));
}

// ---- Lines to drop ---------------------------------------------------------------------------

/** The `dropLines` patterns compiled (`u` flag); an invalid one is the configuration's fault. */
export function compileDropLines(patterns: readonly string[]): RegExp[] {
  return patterns.map((pattern) => {
    try {
      return new RegExp(pattern, 'u');
    } catch (error) {
      // The config schema rejects invalid patterns; this is for callers that skip it.
      throw new ExtractError('bad-content', `invalid volatile.dropLines pattern ${JSON.stringify(pattern)}: ${(error as Error).message}`);
    }
  });
}

/**
 * The text normalized (normalize.ts: what users see in the mirror and write their patterns against)
 * without the lines that match any pattern. A blank line left double by a removal collapses.
 */
export function dropLines(text: string, patterns: readonly string[]): string {
  if (patterns.length === 0) return text;
  const regexes = compileDropLines(patterns);
  const kept = normalizeText(text)
    .split('\n')
    .filter((line) => line === '' || !regexes.some((regex) => regex.test(line)));
  return normalizeText(kept.join('\n'));
}

/** The text filters a source asks for (relative dates on unless `relativeDates: false`), in order. */
export function applyVolatileText(text: string, options: VolatileOptions | undefined): string {
  let out = options?.relativeDates === false ? text : replaceRelativeDates(text);
  const patterns = options?.dropLines ?? [];
  if (patterns.length > 0) out = dropLines(out, patterns);
  return out;
}

// ---- Volatile markup -------------------------------------------------------------------------
// Regular expressions over the raw bytes read as latin1 (one character per byte, whatever the
// charset: the markup's ASCII is the same), so the fingerprint never depends on decoding. A masked
// value becomes empty; the rest of the bytes are kept as they are.

const VALUE = String.raw`(?:"[^"]*"|'[^']*'|[^\s"'>]+)`;
/** Names that mark a token: form fields, meta names, attributes, script variables. */
const TOKEN_NAME = String.raw`[\w:.-]*(?:csrf|xsrf|nonce|token|authenticity|viewstate|eventvalidation|requestverification|form_build_id|request[-_]?id|session[-_]?id|sessid)[\w:.-]*`;
const TOKEN_NAME_TEST = new RegExp(`^${TOKEN_NAME}$`, 'i');

/** Query parameters that identify a visit, a session or a campaign, never the document. */
const VOLATILE_PARAMS = String.raw`utm_[\w-]*|fbclid|gclid|gclsrc|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|yclid|igshid|_ga|_gl|_hsenc|_hsmi|mkt_tok|oly_anon_id|oly_enc_id|vero_id|__cf_chl_[\w-]*|phpsessid|jsessionid|aspsessionid\w*|cfid|cftoken|sid|sessionid|session_id|sessid|s_kwcid|[\w-]*(?:csrf|xsrf|nonce|token)[\w-]*`;
const PARAM = new RegExp(String.raw`([?&;]|&amp;|&#0?38;)(${VOLATILE_PARAMS})=[^&#?"'\s<>;\\]*`, 'gi');
/** `;jsessionid=...` as a path parameter (Java servlet containers). */
const PATH_SESSION = /;(jsessionid|phpsessid|sid)=[^?#"'\s<>\\]*/gi;
/** Cache-busters on asset URLs: `style.css?v=123`, `app.js?ver=6.4.2`, `logo.png?_=1700000000`. */
const ASSET = String.raw`\.(?:css|js|mjs|json|png|jpe?g|gif|svg|webp|avif|ico|woff2?|ttf|otf|eot|map)`;
const CACHE_BUSTER = new RegExp(String.raw`(${ASSET})\?((?:v|ver|version|rev|_|t|ts|cb|cachebust|cache|build|hash|h)=[^&#"'\s<>\\]*)`, 'gi');
/** Content hashes in asset file names: `main.3f2a9c1b.js`, `app-5d41402abc4b2a76.css`. */
// Letters and digits both: `report-20240101.json` is a date, not a hash.
const ASSET_HASH = new RegExp(String.raw`([.-])(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{8,}(?=${ASSET}(?!\w))`, 'gi');
/** `<input ...>` tags: a hidden field named like a token has its value masked. */
const INPUT_TAG = /<input\b[^>]*>/gi;
/** `<meta ...>` tags: `<meta name="csrf-token" content="...">` has its content masked. */
const META_TAG = /<meta\b[^>]*>/gi;
/** Any attribute named like a token (`nonce="..."`, `data-csrf="..."`). */
const TOKEN_ATTRIBUTE = new RegExp(String.raw`(\s${TOKEN_NAME}\s*=\s*)${VALUE}`, 'gi');
/** Tokens in inline scripts and JSON: `"csrfToken": "..."`, `var nonce = '...'`, `csrf_token=...`. */
const SCRIPT_TOKEN = new RegExp(String.raw`(?<![\w:.-])((["']?)${TOKEN_NAME}\2\s*[:=]\s*)(["'])[^"'\n<]{0,1024}\3`, 'gi');
/** Most pages name no token at all: then every token scan is skipped. */
const TOKEN_WORD = /csrf|xsrf|nonce|token|authenticity|viewstate|eventvalidation|requestverification|form_build_id|request[-_]?id|session[-_]?id|sessid/i;
/** Cloudflare's e-mail obfuscation encodes each address with a new key on every response. */
const CF_EMAIL = /(data-cfemail\s*=\s*)(?:"[^"]*"|'[^']*'|[^\s"'>]+)|(\/cdn-cgi\/l\/email-protection#)[0-9a-f]+/gi;
/** Comments written by page caches and frameworks: "generated in 0.123 seconds", "cached on ...". */
const TIMING_COMMENT = /<!--((?:(?!-->)[\s\S]){0,2000}?)-->/g;
const TIMING_WORDS = /\b(?:generated|cached|served|rendered|processing time|page (?:built|created)|request[ -]?id|query count|queries)\b|\d(?:\.\d+)?\s*(?:ms|seconds?|secs?)\b/i;

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(String.raw`\s${name}\s*=\s*(${VALUE})`, 'i').exec(tag);
  return match?.[1]?.replace(/^["']|["']$/g, '');
}

function maskAttribute(tag: string, name: string): string {
  return tag.replace(new RegExp(String.raw`(\s${name}\s*=\s*)${VALUE}`, 'i'), '$1""');
}

/** The markup with its volatile parts masked (see the list above); latin1 in, latin1 out. */
export function maskVolatileMarkup(markup: string): string {
  let out = markup;
  // Every token mask needs a token word somewhere in the markup (a masked field's or meta's name is
  // part of it), so a page without one keeps all of them unchanged; a replace with a callback
  // would still copy the whole page, twice.
  if (TOKEN_WORD.test(out)) {
    out = out
      .replace(INPUT_TAG, (tag) => {
        const name = attribute(tag, 'name') ?? attribute(tag, 'id') ?? '';
        return attribute(tag, 'type')?.toLowerCase() === 'hidden' && TOKEN_NAME_TEST.test(name) ? maskAttribute(tag, 'value') : tag;
      })
      .replace(META_TAG, (tag) => {
        const name = attribute(tag, 'name') ?? attribute(tag, 'property') ?? attribute(tag, 'http-equiv') ?? '';
        return TOKEN_NAME_TEST.test(name) ? maskAttribute(tag, 'content') : tag;
      })
      .replace(TOKEN_ATTRIBUTE, '$1""')
      .replace(SCRIPT_TOKEN, '$1$3$3');
  }
  return out
    .replace(PARAM, '$1') // name and value: fbclid on one fetch, gclid on the next
    .replace(PATH_SESSION, ';$1=')
    .replace(CACHE_BUSTER, '$1?')
    .replace(ASSET_HASH, '$1#')
    .replace(CF_EMAIL, (_all, attr: string | undefined, path: string | undefined) => (attr !== undefined ? `${attr}""` : `${path ?? ''}`))
    .replace(TIMING_COMMENT, (comment, body: string) => (TIMING_WORDS.test(body) ? '<!---->' : comment));
}

/** Text between two tags, for the dropLines patterns (whitespace and `&nbsp;` collapsed). */
const TEXT_SEGMENT = />([^<>]+)</g;

/**
 * sha256 (hex) of the bytes with what the source calls volatile masked: its markup tokens (unless
 * `tokens: false`), relative dates in the markup (unless `relativeDates: false`) and the text between
 * two tags that a `dropLines` pattern matches. Equal for two fetches of a page that differ only there;
 * undefined when every filter is off. A dropped line split by inline markup (`<b>Updated</b> 3 May`)
 * is only masked where a piece matches on its own. `bytesSha256`, the sha256 of `bytes` when the
 * caller has it, is the answer when nothing was masked (most pages): the same bytes, not hashed again.
 */
export function stableSha256(bytes: Uint8Array, options?: VolatileOptions, bytesSha256?: string): string | undefined {
  const patterns = compileDropLines(options?.dropLines ?? []);
  const tokens = options?.tokens !== false;
  const relativeDates = options?.relativeDates !== false;
  if (!tokens && !relativeDates && patterns.length === 0) return undefined;
  const original = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  let markup = original;
  if (tokens) markup = maskVolatileMarkup(markup);
  if (relativeDates) markup = maskRelativeDates(markup);
  if (patterns.length > 0) {
    markup = markup.replace(TEXT_SEGMENT, (segment, text: string) => {
      const line = text.replace(/&nbsp;|&#160;|&#xa0;/gi, ' ').replace(/\s+/g, ' ').trim();
      return line !== '' && patterns.some((regex) => regex.test(line)) ? '><' : segment;
    });
  }
  // latin1 maps bytes to characters one to one: an unchanged string is the same bytes.
  if (bytesSha256 !== undefined && markup === original) return bytesSha256;
  return createHash('sha256').update(Buffer.from(markup, 'latin1')).digest('hex');
}
