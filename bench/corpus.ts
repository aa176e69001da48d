// A seeded, deterministic corpus for the sync benchmark: N documents (80% HTML pages of 10-50 KB with
// the usual site furniture, 20% PDFs of 3-10 pages with real Helvetica text), an index.html listing
// every document inside <main>, and a second revision in which 1% of the documents are edited (a
// sentence changed or a paragraph added).
//
// One of the PDFs is big (about 80 MiB: one page of text over a large incompressible image, as in a
// scanned annex), to check that a sync's memory stays bounded by more than the largest document. It is
// generated once (bench/work/big-pdf-v<generator>.pdf) and hard-linked into every corpus that has one.
//
// For scale runs (20,000 documents), `distinctPdfs` bounds how many distinct PDF files are made: the
// PDF documents beyond that number reuse the bytes of an earlier one under their own URL (a PDF edited
// in rev2 still gets bytes of its own). Generating 4,000 PDFs with pdf-lib would take minutes; the
// HTML pages are all distinct. The mirror then stores fewer distinct raw blobs (git deduplicates them),
// but every document is still fetched, hashed and extracted on its own.
//
// Layout, under bench/work/corpus-v<generator>-seed<S>-n<N>[-nobig][-pdf<D>]/:
//   rev1/index.html, rev1/docs/<section>/<slug>-<nnnn>.{html,pdf}     complete tree
//   rev2/...                                                           complete tree; unchanged files are
//                                                                      hard links to rev1's (or copies)
//   manifest.json                                                      written last: its presence means "complete"
//
// The corpus is generated into a temporary directory and renamed into place, so an interrupted run
// leaves nothing that looks complete. A second run with the same seed and N reuses it.
// Every byte is a function of (seed, N, GENERATOR_VERSION): no Math.random, no clock.
//
//   node dist/bench/corpus.js [--docs N] [--seed S] [--no-big-pdf] [--distinct-pdfs D]   # generate (or find), print the directory

import { copyFile, link, mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PDFDocument, PDFHexString, type PDFFont, StandardFonts, rgb } from 'pdf-lib';

/** Bump when the output of the generator changes, so stale cached corpora are not reused. */
export const GENERATOR_VERSION = 2;

export const REVISIONS = ['rev1', 'rev2'] as const;
export type Revision = (typeof REVISIONS)[number];

export interface CorpusDocument {
  /** Path relative to the revision root, with forward slashes, e.g. docs/minutes/budget-talks-0007.html */
  path: string;
  kind: 'html' | 'pdf';
  title: string;
  /** Size in rev1, bytes. */
  bytes: number;
  /** PDFs only: page count in rev1. */
  pages?: number;
  /** Set when the document differs in rev2. */
  edit?: 'sentence' | 'paragraph';
  /** The big PDF (about 80 MiB, one page of text over an incompressible image). Never edited. */
  big?: true;
  /** Scale corpora: the document's rev1 bytes are those of this other document (a reused PDF). */
  sameAs?: string;
}

export interface CorpusManifest {
  generatorVersion: number;
  seed: number;
  docs: number;
  /** Whether one of the PDFs is the big one. */
  bigPdf: boolean;
  /** Most distinct PDF files made (the others reuse their bytes); null: every PDF is distinct. */
  distinctPdfs: number | null;
  documents: CorpusDocument[];
  /** Paths (relative to a revision root) of the documents edited in rev2. */
  edited: string[];
  totals: { html: number; pdf: number; bytes: number; pdfPages: number; distinctPdfFiles: number };
  /** Milliseconds the generation took (informative; not part of the corpus' identity). */
  generationMs: number;
}

export interface Corpus {
  /** The corpus directory, holding rev1/, rev2/ and manifest.json. */
  dir: string;
  manifest: CorpusManifest;
  /** false when a cached corpus was reused. */
  generated: boolean;
}

// ---------------------------------------------------------------------------------------------------
// Seeded randomness

/** mulberry32: a tiny 32-bit PRNG, good enough for test data and fully reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over the string forms of the parts: derives independent seeds (and the server's 50/50 split). */
export function hash32(...parts: ReadonlyArray<string | number>): number {
  let h = 0x811c9dc5;
  for (const char of parts.join('\u0000')) {
    h ^= char.codePointAt(0) ?? 0;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j] as T, items[i] as T];
    }
    return items;
  }
}

// ---------------------------------------------------------------------------------------------------
// Words and sentences

// A small phrase grammar over the vocabulary of the documents leakmirror exists for: stilted, but
// sentences with a subject, a verb and an object read (and diff) like prose rather than word salad.
const NOUNS = (
  'agreement amendment annex article assembly authority budget cabinet chair charter clause commission ' +
  'committee conference consultation contract convention council court decision declaration delegation ' +
  'department directive draft embassy exemption framework government guidance inquiry instrument ' +
  'legislation letter mandate meeting memorandum minister ministry negotiation obligation office operator ' +
  'parliament party plenary policy position presidency principle procedure proposal protocol provision ' +
  'record regulation report requirement resolution review schedule secretariat section session signatory ' +
  'standard statement study submission summary text treaty tribunal network spectrum carrier tariff ' +
  'settlement infrastructure framework fee levy quota allocation threshold deadline question concern ' +
  'objection reservation comment paragraph version régime rôle'
).split(' ');
const PLURALS = (
  'delegates members states governments citizens users providers experts observers stakeholders operators ' +
  'carriers ministries parties authorities committees proposals provisions amendments reservations'
).split(' ');
const ADJECTIVES = (
  'regional national international public private technical legal administrative procedural substantive ' +
  'preliminary final revised consolidated confidential informal formal bilateral multilateral binding ' +
  'voluntary reasonable appropriate relevant necessary effective fiscal economic transparent naïve'
).split(' ');
const VERBS = (
  'adopted rejected amended deferred noted welcomed considered requested recommended approved reviewed ' +
  'questioned endorsed opposed circulated published withdrew examined clarified extended'
).split(' ');
const MODALS = 'may shall should would could must will'.split(' ');
const BASE_VERBS = 'adopt reject amend defer note consider request review endorse publish examine clarify extend apply'.split(' ');
const ADVERBS = 'clearly broadly strongly formally jointly promptly carefully largely partly fully urgently'.split(' ');
const PREPOSITIONS = 'of of of for under within without against during after before on'.split(' ');
const CONJUNCTIONS = ['and', 'but', 'while', 'although', 'because', 'so that', 'whereas'];
const TOPICS = 'routing numbering roaming interconnection security privacy data access transparency accountability disclosure competition investment coordination implementation enforcement compliance monitoring oversight'.split(' ');

const PLACES = 'Geneva Brussels Dubai Nairobi Santiago Ottawa Canberra Lisbon Helsinki Dakar Manila Quito Tbilisi Riga Accra'.split(' ');
const FIRST_NAMES = 'Anna Bruno Chiara Daniel Elena Farid Grace Hiroshi Ines Jonas Kemal Lucia Marta Nikolai Olga Pedro Rania Sven Tomas Yara Zoe'.split(' ');
const LAST_NAMES = 'Almeida Becker Castillo Dubois Eriksen Fischer Garcia Haddad Ivanova Jensen Kowalski Lindqvist Moreau Novak Okafor Petrov Rossi Silva Tanaka Varga'.split(' ');
const SECTIONS = ['reports', 'minutes', 'letters', 'briefings', 'statements', 'drafts', 'consultations', 'decisions'] as const;
const MONTHS = 'January February March April May June July August September October November December'.split(' ');

function nounPhrase(rng: Rng): string {
  if (rng.chance(0.08)) return rng.pick(PLACES);
  if (rng.chance(0.05)) return `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
  const plural = rng.chance(0.3);
  let phrase = plural ? rng.pick(['the', 'all', 'several', 'some', 'most']) : rng.pick(['the', 'the', 'this', 'a', 'each', 'any']);
  if (rng.chance(0.45)) phrase += ` ${rng.pick(ADJECTIVES)}`;
  phrase += ` ${plural ? rng.pick(PLURALS) : rng.pick(NOUNS)}`;
  if (phrase.startsWith('a ') && /^[aeiou]/.test(phrase.slice(2))) phrase = `an ${phrase.slice(2)}`;
  return phrase;
}

function clause(rng: Rng): string {
  const parts = [nounPhrase(rng)];
  if (rng.chance(0.2)) parts.push(rng.pick(ADVERBS));
  parts.push(rng.chance(0.3) ? `${rng.pick(MODALS)} ${rng.pick(BASE_VERBS)}` : rng.pick(VERBS));
  parts.push(nounPhrase(rng));
  if (rng.chance(0.5)) parts.push(`${rng.pick(PREPOSITIONS)} ${rng.chance(0.4) ? rng.pick(TOPICS) : nounPhrase(rng)}`);
  if (rng.chance(0.12)) parts.push(`in ${rng.int(1990, 2014)}`);
  return parts.join(' ');
}

export function sentence(rng: Rng): string {
  let text = clause(rng);
  if (rng.chance(0.45)) text += `${rng.chance(0.5) ? ',' : ''} ${rng.pick(CONJUNCTIONS)} ${clause(rng)}`;
  if (rng.chance(0.1)) text = `${capitalize(rng.pick(['however', 'in addition', 'moreover', 'in practice', 'as noted above']))}, ${text}`;
  return capitalize(text) + '.';
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function sentences(rng: Rng, min: number, max: number): string[] {
  const count = rng.int(min, max);
  return Array.from({ length: count }, () => sentence(rng));
}

function titleText(rng: Rng): string {
  const adjective = rng.chance(0.6) ? `${capitalize(rng.pick(ADJECTIVES))} ` : '';
  const head = `${adjective}${capitalize(rng.pick(NOUNS))}`;
  const tail = rng.chance(0.7) ? ` on ${capitalize(rng.pick(TOPICS))}` : rng.chance(0.5) ? ` of the ${capitalize(rng.pick(NOUNS))}` : '';
  return `${head}${tail}${rng.chance(0.3) ? ` (${rng.pick(PLACES)}, ${rng.int(2009, 2014)})` : ''}`;
}

function slugOf(title: string): string {
  return (
    title
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .split('-')
      .slice(0, 4)
      .join('-') || 'document'
  );
}

function dateText(rng: Rng): string {
  return `${rng.int(1, 28)} ${rng.pick(MONTHS)} ${rng.int(2009, 2014)}`;
}

// ---------------------------------------------------------------------------------------------------
// Document plans: what each document says, independent of its format

type Block = { kind: 'heading'; text: string } | { kind: 'para'; sentences: string[] } | { kind: 'list'; items: string[] };

interface DocPlan {
  index: number;
  kind: 'html' | 'pdf';
  section: string;
  title: string;
  date: string;
  author: string;
  path: string;
  /** Seed of everything about the document's body. */
  seed: number;
}

function planDocuments(seed: number, docs: number): DocPlan[] {
  const rng = new Rng(hash32('plan', seed, docs));
  const pdfCount = Math.round(docs * 0.2);
  const kinds = rng.shuffle(Array.from({ length: docs }, (_, i) => (i < pdfCount ? ('pdf' as const) : ('html' as const))));
  const width = Math.max(4, String(docs).length);
  return kinds.map((kind, index) => {
    const title = titleText(rng);
    const section = rng.pick(SECTIONS);
    const number = String(index + 1).padStart(width, '0');
    return {
      index,
      kind,
      section,
      title,
      date: dateText(rng),
      author: `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`,
      path: `docs/${section}/${slugOf(title)}-${number}.${kind}`,
      seed: hash32('doc', seed, index),
    };
  });
}

function nextBlock(rng: Rng, previous: Block | undefined): Block {
  if (previous?.kind !== 'heading' && rng.chance(0.14)) return { kind: 'heading', text: titleText(rng) };
  if (previous?.kind === 'para' && rng.chance(0.1)) {
    return { kind: 'list', items: Array.from({ length: rng.int(3, 6) }, () => sentence(rng)) };
  }
  return { kind: 'para', sentences: sentences(rng, 2, 7) };
}

/** Apply the rev2 edit to a plan's blocks: change one sentence, or add a paragraph. */
function applyEdit(blocks: Block[], edit: 'sentence' | 'paragraph', rng: Rng): void {
  const paras = blocks.flatMap((block, i) => (block.kind === 'para' ? [i] : []));
  const at = rng.pick(paras);
  const para = blocks[at];
  if (para?.kind !== 'para') throw new Error('edit: no paragraph');
  if (edit === 'sentence') {
    const which = rng.int(0, para.sentences.length - 1);
    let replacement = sentence(rng);
    while (replacement === para.sentences[which]) replacement = sentence(rng);
    para.sentences[which] = replacement;
  } else {
    blocks.splice(at + 1, 0, { kind: 'para', sentences: sentences(rng, 2, 4) });
  }
}

// ---------------------------------------------------------------------------------------------------
// HTML

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const SITE_NAME = 'Open Records Office (benchmark corpus)';

const STYLE = `
    body { font-family: Georgia, "Times New Roman", serif; margin: 0; color: #222; background: #fdfdfb; }
    header.site { background: #1d3557; color: #fff; padding: 1rem 2rem; }
    header.site a { color: #fff; text-decoration: none; }
    nav.primary ul { list-style: none; display: flex; flex-wrap: wrap; gap: 1rem; margin: 0; padding: .5rem 2rem; background: #457b9d; }
    nav.primary a { color: #f1faee; }
    .breadcrumbs { font-size: .85rem; padding: .5rem 2rem; color: #555; }
    main { max-width: 46rem; margin: 1rem auto; padding: 0 1rem; line-height: 1.55; }
    aside.related { max-width: 46rem; margin: 2rem auto; font-size: .9rem; border-top: 1px solid #ccc; }
    footer.site { background: #222; color: #ccc; padding: 2rem; font-size: .8rem; }
    footer.site a { color: #eee; }
    .cookie-banner { position: fixed; bottom: 0; width: 100%; background: #ffd; padding: .5rem; }`;

function navigation(): string {
  const items = [
    'Home', 'About us', 'Publications', 'Consultations', 'Meetings', 'Press releases', 'Speeches', 'Statistics',
    'Legislation', 'Open data', 'Careers', 'Procurement', 'Freedom of information', 'Contact', 'Accessibility', 'Sitemap',
  ];
  const links = items.map((item) => `        <li><a href="/${slugOf(item)}.html">${item}</a></li>`).join('\n');
  return `    <nav class="primary" aria-label="Main navigation">\n      <ul>\n${links}\n      </ul>\n    </nav>`;
}

function footer(): string {
  const columns = [
    ['About', ['Our mandate', 'Organisation chart', 'Annual reports', 'Governance', 'Audit']],
    ['Help', ['Using this site', 'Accessibility statement', 'Cookies', 'Privacy notice', 'Terms of use']],
    ['Follow', ['Newsletter', 'RSS feeds', 'Mailing lists', 'Events calendar', 'Media contacts']],
  ] as const;
  const html = columns
    .map(([heading, links]) => `      <div class="col">\n        <h3>${heading}</h3>\n        <ul>\n${links.map((l) => `          <li><a href="/help/${slugOf(l)}.html">${l}</a></li>`).join('\n')}\n        </ul>\n      </div>`)
    .join('\n');
  return (
    `  <footer class="site">\n${html}\n` +
    `      <p>&copy; 2009-2014 ${SITE_NAME}. Content is available under the terms set out in the terms of use, ` +
    'except where otherwise stated. This site uses only the cookies needed for it to work; see the cookie notice for details. ' +
    'Documents are published as received and may not reflect the final position of any party.</p>\n' +
    '  </footer>\n' +
    '  <div class="cookie-banner" role="dialog">We use strictly necessary cookies only. <button type="button">OK</button></div>\n' +
    '  <script>document.querySelector(".cookie-banner button").addEventListener("click", function () { this.parentNode.remove(); });</script>'
  );
}

const NAV = navigation();
const FOOTER = footer();

function renderBlocksHtml(blocks: readonly Block[]): string {
  return blocks
    .map((block) => {
      if (block.kind === 'heading') return `      <h2>${escapeHtml(block.text)}</h2>`;
      if (block.kind === 'list') return `      <ul>\n${block.items.map((item) => `        <li>${escapeHtml(item)}</li>`).join('\n')}\n      </ul>`;
      return `      <p>${escapeHtml(block.sentences.join(' '))}</p>`;
    })
    .join('\n');
}

function htmlPage(title: string, breadcrumb: string, mainHtml: string, asideHtml: string): string {
  return (
    '<!DOCTYPE html>\n<html lang="en">\n<head>\n  <meta charset="utf-8">\n' +
    `  <title>${escapeHtml(title)} | ${SITE_NAME}</title>\n` +
    '  <meta name="viewport" content="width=device-width, initial-scale=1">\n' +
    `  <meta name="description" content="${escapeHtml(title)}">\n` +
    `  <style>${STYLE}\n  </style>\n</head>\n<body>\n` +
    `  <header class="site">\n    <a class="logo" href="/">${SITE_NAME}</a>\n    <form class="search" action="/search" method="get"><input name="q" placeholder="Search"><button>Go</button></form>\n  </header>\n` +
    `${NAV}\n` +
    `  <div class="breadcrumbs"><a href="/">Home</a> &rsaquo; ${breadcrumb}</div>\n` +
    `  <main>\n${mainHtml}\n  </main>\n` +
    `${asideHtml}` +
    `${FOOTER}\n</body>\n</html>\n`
  );
}

/** The blocks of an HTML document, filled until the whole page reaches its target size. */
function htmlBlocks(plan: DocPlan): { blocks: Block[]; related: string[] } {
  const rng = new Rng(plan.seed);
  const target = rng.int(10 * 1024, 50 * 1024);
  const related = Array.from({ length: rng.int(3, 6) }, () => titleText(rng));
  // Furniture without the body, to know how much body the target leaves room for.
  const shell = Buffer.byteLength(htmlPage(plan.title, plan.section, '', relatedHtml(related)));
  const blocks: Block[] = [];
  let size = shell + 400;
  while (size < target) {
    const block = nextBlock(rng, blocks.at(-1));
    blocks.push(block);
    size += Buffer.byteLength(renderBlocksHtml([block])) + 1;
  }
  if (!blocks.some((b) => b.kind === 'para')) blocks.push({ kind: 'para', sentences: sentences(rng, 2, 5) });
  return { blocks, related };
}

function relatedHtml(related: readonly string[]): string {
  return `  <aside class="related">\n    <h2>Related documents</h2>\n    <ul>\n${related.map((t) => `      <li><a href="/search?q=${encodeURIComponent(t)}">${escapeHtml(t)}</a></li>`).join('\n')}\n    </ul>\n  </aside>\n`;
}

function renderHtmlDocument(plan: DocPlan, edit: 'sentence' | 'paragraph' | undefined): string {
  const { blocks, related } = htmlBlocks(plan);
  if (edit !== undefined) applyEdit(blocks, edit, new Rng(hash32('edit', plan.seed)));
  const main =
    `    <article>\n      <h1>${escapeHtml(plan.title)}</h1>\n` +
    `      <p class="meta">Published ${plan.date} by ${escapeHtml(plan.author)} &middot; Reference ORO/${plan.section.toUpperCase()}/${plan.index + 1}</p>\n` +
    `${renderBlocksHtml(blocks)}\n    </article>`;
  return htmlPage(plan.title, `<a href="/${plan.section}/">${capitalize(plan.section)}</a>`, main, relatedHtml(related));
}

function renderIndex(plans: readonly DocPlan[]): string {
  const items = plans
    .map((plan) => `        <li><a href="${plan.path}">${escapeHtml(plan.title)}</a> <span class="meta">(${plan.kind === 'pdf' ? 'PDF' : 'HTML'}, ${plan.date})</span></li>`)
    .join('\n');
  const main = `    <h1>All documents</h1>\n    <p>${plans.length} documents, newest last.</p>\n    <ul class="documents">\n${items}\n    </ul>`;
  return htmlPage('All documents', 'Publications', main, '');
}

// ---------------------------------------------------------------------------------------------------
// PDF

const PAGE_WIDTH = 595.28; // A4, points
const PAGE_HEIGHT = 841.89;
const MARGIN_X = 72;
const BODY_TOP = PAGE_HEIGHT - 96;
const BODY_BOTTOM = 84;
const BODY_SIZE = 10.5;
const HEADING_SIZE = 12.5;
const LINE_HEIGHT = 14.5;
const LINES_PER_PAGE = Math.floor((BODY_TOP - BODY_BOTTOM) / LINE_HEIGHT);
const TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X;

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const w of text.split(' ')) {
    const candidate = line === '' ? w : `${line} ${w}`;
    if (line !== '' && font.widthOfTextAtSize(candidate, size) > width) {
      lines.push(line);
      line = w;
    } else {
      line = candidate;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

interface Line {
  text: string;
  bold: boolean;
  indent: number;
}

/** Lay the blocks out in lines of text; a blank line between blocks. */
function layoutLines(blocks: readonly Block[], regular: PDFFont, bold: PDFFont): Line[] {
  const lines: Line[] = [];
  for (const block of blocks) {
    if (lines.length > 0) lines.push({ text: '', bold: false, indent: 0 });
    if (block.kind === 'heading') {
      for (const text of wrap(block.text, bold, HEADING_SIZE, TEXT_WIDTH)) lines.push({ text, bold: true, indent: 0 });
    } else if (block.kind === 'list') {
      for (const item of block.items) {
        wrap(item, regular, BODY_SIZE, TEXT_WIDTH - 18).forEach((text, i) => lines.push({ text: i === 0 ? `-  ${text}` : text, bold: false, indent: i === 0 ? 6 : 18 }));
      }
    } else {
      for (const text of wrap(block.sentences.join(' '), regular, BODY_SIZE, TEXT_WIDTH)) lines.push({ text, bold: false, indent: 0 });
    }
  }
  return lines;
}

/** The blocks of a PDF: enough to fill its target page count, the last page at least a third full. */
function pdfBlocks(plan: DocPlan, regular: PDFFont, bold: PDFFont): Block[] {
  const rng = new Rng(plan.seed);
  const pages = rng.int(3, 10);
  // The first page loses some lines to the title block.
  const targetLines = pages * LINES_PER_PAGE - 8 - rng.int(Math.floor(LINES_PER_PAGE * 0.3), Math.floor(LINES_PER_PAGE * 0.6));
  const blocks: Block[] = [];
  let lines = 0;
  while (lines < targetLines) {
    const block = nextBlock(rng, blocks.at(-1));
    blocks.push(block);
    lines += layoutLines([block], regular, bold).length + 1;
  }
  if (!blocks.some((b) => b.kind === 'para')) blocks.push({ kind: 'para', sentences: sentences(rng, 2, 5) });
  return blocks;
}

/** A PDF with real text objects, deterministic to the byte (fixed dates, producer and /ID). */
async function renderPdfDocument(plan: DocPlan, edit: 'sentence' | 'paragraph' | undefined): Promise<{ bytes: Uint8Array; pages: number }> {
  // updateMetadata: false keeps pdf-lib from stamping the current time and its own producer.
  const doc = await PDFDocument.create({ updateMetadata: false });
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const blocks = pdfBlocks(plan, regular, bold);
  if (edit !== undefined) applyEdit(blocks, edit, new Rng(hash32('edit', plan.seed)));

  const lines = layoutLines(blocks, regular, bold);
  const titleLines = wrap(plan.title, bold, 16, TEXT_WIDTH);
  const pages: Line[][] = [];
  let current: Line[] = [];
  let room = LINES_PER_PAGE - (titleLines.length * 1.5 + 3);
  for (const line of lines) {
    if (room < 1) {
      pages.push(current);
      current = [];
      room = LINES_PER_PAGE;
    }
    if (current.length === 0 && line.text === '') continue; // no blank line at the top of a page
    current.push(line);
    room -= 1;
  }
  pages.push(current);

  const grey = rgb(0.35, 0.35, 0.35);
  const header = `${SITE_NAME} - ${plan.section.toUpperCase()} ${plan.index + 1}`;
  pages.forEach((pageLines, pageIndex) => {
    const page = doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
    page.drawText(header, { x: MARGIN_X, y: PAGE_HEIGHT - 60, size: 8.5, font: regular, color: grey });
    page.drawLine({ start: { x: MARGIN_X, y: PAGE_HEIGHT - 66 }, end: { x: PAGE_WIDTH - MARGIN_X, y: PAGE_HEIGHT - 66 }, thickness: 0.5, color: grey });
    let y = BODY_TOP;
    if (pageIndex === 0) {
      for (const text of titleLines) {
        page.drawText(text, { x: MARGIN_X, y, size: 16, font: bold });
        y -= LINE_HEIGHT * 1.5;
      }
      page.drawText(`${plan.date} - ${plan.author}`, { x: MARGIN_X, y, size: BODY_SIZE, font: regular, color: grey });
      y -= LINE_HEIGHT * 2;
    }
    for (const line of pageLines) {
      if (line.text !== '') {
        page.drawText(line.text, { x: MARGIN_X + line.indent, y, size: line.bold ? HEADING_SIZE : BODY_SIZE, font: line.bold ? bold : regular });
      }
      y -= LINE_HEIGHT;
    }
    const footerText = `Page ${pageIndex + 1} of ${pages.length}`;
    page.drawText(footerText, { x: (PAGE_WIDTH - regular.widthOfTextAtSize(footerText, 9)) / 2, y: 50, size: 9, font: regular, color: grey });
  });

  doc.setTitle(plan.title);
  doc.setAuthor(plan.author);
  doc.setSubject(`${capitalize(plan.section)} of the ${SITE_NAME}`);
  doc.setCreator('leakmirror bench/corpus.ts');
  doc.setProducer('pdf-lib 1.17 (leakmirror benchmark corpus)');
  const created = new Date(Date.UTC(2009, 0, 1) + (plan.seed % (6 * 365)) * 86_400_000);
  doc.setCreationDate(created);
  doc.setModificationDate(edit === undefined ? created : new Date(created.getTime() + 30 * 86_400_000));
  const id = PDFHexString.of(plan.seed.toString(16).padStart(8, '0').repeat(4).toUpperCase());
  const instance = PDFHexString.of(hash32(plan.seed, edit ?? '').toString(16).padStart(8, '0').repeat(4).toUpperCase());
  doc.context.trailerInfo.ID = doc.context.obj([id, instance]);
  return { bytes: await doc.save({ useObjectStreams: false }), pages: pages.length };
}

// ---------------------------------------------------------------------------------------------------
// The big PDF

/** Bytes of the big PDF's image: 10,240 x 8,192 8-bit grey samples, 80 MiB, stored uncompressed. */
const BIG_IMAGE_WIDTH = 10_240;
const BIG_IMAGE_HEIGHT = 8_192;
export const BIG_PDF_TITLE = 'Annex 7: satellite imagery of the landing stations (scanned, 80 MB)';

function pdfString(text: string): string {
  return `(${text.replace(/[\\()]/g, (c) => `\\${c}`)})`;
}

/**
 * Writes the big PDF, by hand (pdf-lib would hold the whole file, twice, in memory): one A4 page of
 * Helvetica text over an 80 MiB image whose samples come from the seeded PRNG, so no compressor gets
 * them smaller (neither HTTP, nor git's zlib). The text is what an extractor should find.
 */
async function writeBigPdf(file: string, seed: number): Promise<void> {
  const rng = new Rng(hash32('big-pdf', seed));
  const lines: string[] = [];
  for (const text of [sentence(rng), sentence(rng), sentence(rng), sentence(rng), sentence(rng), sentence(rng)].join(' ').split(' ')) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + text.length < 88) lines[lines.length - 1] = `${last} ${text}`;
    else lines.push(text);
  }
  const content = [
    'q 451.28 0 0 361.02 72 90 cm /Im1 Do Q',
    `BT /F1 15 Tf 72 780 Td ${pdfString(BIG_PDF_TITLE)} Tj ET`,
    `BT /F1 10 Tf 72 752 Td 14.5 TL ${lines.map((line) => `${pdfString(line)} Tj T*`).join(' ')} ET`,
    `BT /F1 9 Tf 72 70 Td ${pdfString('Figure 1: the landing stations, as photographed (image data is noise in this benchmark corpus).')} Tj ET`,
  ].join('\n');
  const imageBytes = BIG_IMAGE_WIDTH * BIG_IMAGE_HEIGHT;
  const objects: string[] = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${PAGE_HEIGHT}] /Resources << /Font << /F1 4 0 R >> /XObject << /Im1 6 0 R >> >> /Contents 5 0 R >>`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
    '', // the image, streamed below
    `<< /Title ${pdfString(BIG_PDF_TITLE)} /Author (Open Records Office) /Producer (leakmirror bench/corpus.ts) /CreationDate (D:20121203100000Z) >>`,
  ];
  const handle = await open(file, 'w');
  try {
    let offset = 0;
    const put = async (data: string | Uint8Array): Promise<void> => {
      const buffer = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
      await handle.write(buffer);
      offset += buffer.length;
    };
    const offsets: number[] = [];
    await put('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n');
    for (const [i, body] of objects.entries()) {
      offsets.push(offset);
      if (i !== 5) {
        await put(`${i + 1} 0 obj\n${body}\nendobj\n`);
        continue;
      }
      await put(`6 0 obj\n<< /Type /XObject /Subtype /Image /Width ${BIG_IMAGE_WIDTH} /Height ${BIG_IMAGE_HEIGHT} /ColorSpace /DeviceGray /BitsPerComponent 8 /Length ${imageBytes} >>\nstream\n`);
      const chunk = Buffer.alloc(1 << 20);
      const next = mulberry32(hash32('big-pdf-image', seed));
      for (let written = 0; written < imageBytes; written += chunk.length) {
        for (let j = 0; j < chunk.length; j += 4) chunk.writeUInt32LE(Math.floor(next() * 4294967296) >>> 0, j);
        await put(chunk.subarray(0, Math.min(chunk.length, imageBytes - written)));
      }
      await put('\nendstream\nendobj\n');
    }
    const xref = offset;
    const id = hash32('big-pdf-id', seed).toString(16).padStart(8, '0').repeat(4).toUpperCase();
    await put(
      `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}` +
        `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 7 0 R /ID [<${id}> <${id}>] >>\nstartxref\n${xref}\n%%EOF\n`,
    );
  } finally {
    await handle.close();
  }
}

/** The big PDF, generated once per generator version and seed into workDir and reused after. */
export async function ensureBigPdf(workDir: string, seed = 1): Promise<string> {
  const file = join(workDir, `big-pdf-v${GENERATOR_VERSION}-seed${seed}.pdf`);
  if (await stat(file).then((s) => s.size > 80 * 1024 * 1024, () => false)) return file;
  await mkdir(workDir, { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  await writeBigPdf(tmp, seed);
  await rename(tmp, file);
  return file;
}

// ---------------------------------------------------------------------------------------------------
// The corpus on disk

export function benchDir(): string {
  // This file compiles to dist/bench/corpus.js: the repository root is two levels up.
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench');
}

export function corpusDir(seed: number, docs: number, workDir = join(benchDir(), 'work'), variant: { bigPdf?: boolean; distinctPdfs?: number | undefined } = {}): string {
  const big = variant.bigPdf === false ? '-nobig' : '';
  const distinct = variant.distinctPdfs !== undefined ? `-pdf${variant.distinctPdfs}` : '';
  return join(workDir, `corpus-v${GENERATOR_VERSION}-seed${seed}-n${docs}${big}${distinct}`);
}

async function writeFileIn(root: string, path: string, data: string | Uint8Array): Promise<void> {
  const file = join(root, ...path.split('/'));
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, data);
}

async function linkOrCopy(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  try {
    await link(from, to);
  } catch {
    await copyFile(from, to);
  }
}

export interface CorpusOptions {
  seed: number;
  docs: number;
  /** Where corpora are cached; bench/work by default. */
  workDir?: string;
  /** Make one of the PDFs the big one (about 80 MiB). Default true. */
  bigPdf?: boolean;
  /** At most this many distinct PDF files; the other PDF documents reuse their bytes. Default: all distinct. */
  distinctPdfs?: number;
  onProgress?: (message: string) => void;
}

/** The corpus for (seed, docs): reused from the cache when complete, else generated. */
export async function ensureCorpus(options: CorpusOptions): Promise<Corpus> {
  const { seed, docs } = options;
  const bigPdf = options.bigPdf ?? true;
  const distinctPdfs = options.distinctPdfs;
  if (!Number.isInteger(docs) || docs < 1) throw new Error(`--docs must be a positive whole number, got ${docs}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`--seed must be a whole number from 0 to 4294967295, got ${seed}`);
  if (distinctPdfs !== undefined && (!Number.isInteger(distinctPdfs) || distinctPdfs < 1)) throw new Error(`distinctPdfs must be a positive whole number, got ${distinctPdfs}`);
  const workDir = options.workDir ?? join(benchDir(), 'work');
  const dir = corpusDir(seed, docs, workDir, { bigPdf, distinctPdfs });
  const cached = await readFile(join(dir, 'manifest.json'), 'utf8').then(
    (text) => JSON.parse(text) as CorpusManifest,
    () => undefined,
  );
  if (
    cached?.generatorVersion === GENERATOR_VERSION &&
    cached.seed === seed &&
    cached.docs === docs &&
    cached.bigPdf === bigPdf &&
    cached.distinctPdfs === (distinctPdfs ?? null)
  ) {
    return { dir, manifest: cached, generated: false };
  }

  const started = performance.now();
  const progress = options.onProgress ?? (() => undefined);
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await rm(dir, { recursive: true, force: true });
  const rev1 = join(tmp, 'rev1');
  const rev2 = join(tmp, 'rev2');

  const plans = planDocuments(seed, docs);
  // The big PDF takes the place of the first PDF of the plan (same URL scheme, its own title).
  const bigPlan = bigPdf ? plans.find((p) => p.kind === 'pdf') : undefined;
  if (bigPlan !== undefined) bigPlan.title = BIG_PDF_TITLE;
  const editCount = Math.max(1, Math.round(docs * 0.01));
  const editRng = new Rng(hash32('edits', seed, docs));
  const edits = new Map<number, 'sentence' | 'paragraph'>();
  const editable = plans.filter((p) => p !== bigPlan).map((p) => p.index);
  for (const index of editRng.shuffle(editable).slice(0, editCount)) {
    edits.set(index, editRng.chance(0.5) ? 'sentence' : 'paragraph');
  }

  const documents: CorpusDocument[] = [];
  let pdfPages = 0;
  let totalBytes = 0;
  // Scale corpora: the distinct PDFs made so far (plan, bytes, pages), reused in turn past the bound.
  const distinct: Array<{ plan: DocPlan; bytes: number; pages: number }> = [];
  let reusedPdfs = 0;
  for (const plan of plans) {
    const edit = edits.get(plan.index);
    let bytes: number;
    let pages: number | undefined;
    let sameAs: string | undefined;
    if (plan.kind === 'html') {
      const html = renderHtmlDocument(plan, undefined);
      bytes = Buffer.byteLength(html);
      await writeFileIn(rev1, plan.path, html);
      if (edit !== undefined) await writeFileIn(rev2, plan.path, renderHtmlDocument(plan, edit));
    } else if (plan === bigPlan) {
      const file = await ensureBigPdf(workDir, seed);
      await linkOrCopy(file, join(rev1, ...plan.path.split('/')));
      bytes = (await stat(file)).size;
      pages = 1;
      pdfPages += 1;
    } else if (distinctPdfs !== undefined && distinct.length >= distinctPdfs) {
      // Reuse the bytes of an earlier PDF under this URL; an edit still gets bytes of its own.
      const source = distinct[reusedPdfs++ % distinct.length] as (typeof distinct)[number];
      sameAs = source.plan.path;
      await linkOrCopy(join(rev1, ...source.plan.path.split('/')), join(rev1, ...plan.path.split('/')));
      bytes = source.bytes;
      pages = source.pages;
      pdfPages += source.pages;
      if (edit !== undefined) await writeFileIn(rev2, plan.path, (await renderPdfDocument(source.plan, edit)).bytes);
    } else {
      const pdf = await renderPdfDocument(plan, undefined);
      bytes = pdf.bytes.length;
      pages = pdf.pages;
      pdfPages += pdf.pages;
      distinct.push({ plan, bytes, pages });
      await writeFileIn(rev1, plan.path, pdf.bytes);
      if (edit !== undefined) await writeFileIn(rev2, plan.path, (await renderPdfDocument(plan, edit)).bytes);
    }
    if (edit === undefined) await linkOrCopy(join(rev1, ...plan.path.split('/')), join(rev2, ...plan.path.split('/')));
    totalBytes += bytes;
    documents.push({
      path: plan.path,
      kind: plan.kind,
      title: plan.title,
      bytes,
      ...(pages !== undefined ? { pages } : {}),
      ...(edit !== undefined ? { edit } : {}),
      ...(plan === bigPlan ? { big: true as const } : {}),
      ...(sameAs !== undefined ? { sameAs } : {}),
    });
    if ((plan.index + 1) % 500 === 0) progress(`corpus: ${plan.index + 1}/${docs} documents`);
  }
  const index = renderIndex(plans);
  await writeFileIn(rev1, 'index.html', index);
  await writeFileIn(rev2, 'index.html', index);

  const manifest: CorpusManifest = {
    generatorVersion: GENERATOR_VERSION,
    seed,
    docs,
    bigPdf,
    distinctPdfs: distinctPdfs ?? null,
    documents,
    edited: documents.filter((d) => d.edit !== undefined).map((d) => d.path),
    totals: {
      html: documents.filter((d) => d.kind === 'html').length,
      pdf: documents.filter((d) => d.kind === 'pdf').length,
      bytes: totalBytes,
      pdfPages,
      distinctPdfFiles: distinct.length + (bigPlan !== undefined ? 1 : 0),
    },
    generationMs: Math.round(performance.now() - started),
  };
  await writeFile(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  await rename(tmp, dir);
  return { dir, manifest, generated: true };
}

/** The documents of a revision directory that exist (sanity check used by the benchmark). */
export async function revisionExists(dir: string, revision: Revision): Promise<boolean> {
  return stat(join(dir, revision, 'index.html')).then(
    () => true,
    () => false,
  );
}

// ---------------------------------------------------------------------------------------------------
// Command line

function argValue(args: readonly string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
}

async function cli(args: readonly string[]): Promise<void> {
  const docs = Number(argValue(args, '--docs') ?? 2000);
  const seed = Number(argValue(args, '--seed') ?? 1);
  const distinct = argValue(args, '--distinct-pdfs');
  const corpus = await ensureCorpus({
    seed,
    docs,
    bigPdf: !args.includes('--no-big-pdf'),
    ...(distinct !== undefined ? { distinctPdfs: Number(distinct) } : {}),
    onProgress: (m) => console.error(m),
  });
  const t = corpus.manifest.totals;
  console.error(
    `${corpus.generated ? 'generated' : 'reused'} ${corpus.manifest.docs} documents (${t.html} HTML, ${t.pdf} PDF in ${t.distinctPdfFiles} distinct files, ${t.pdfPages} PDF pages, ` +
      `${(t.bytes / 1024 / 1024).toFixed(1)} MiB; ${corpus.manifest.edited.length} edited in rev2) in ${corpus.manifest.generationMs} ms`,
  );
  console.log(corpus.dir);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  cli(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
