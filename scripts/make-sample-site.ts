// Generates the two PDF revisions of the bundled sample site (mirror/sample-site/rev{1,2}/docs/
// draft-itrs-td64.pdf) with pdf-lib. The HTML and text files of the sample site are written by hand;
// only the PDFs are generated, so that they hold real text objects and stay byte-stable.
//
//   npx tsc -p tsconfig.json && node dist/scripts/make-sample-site.js           # (re)write the PDFs
//   npx tsc -p tsconfig.json && node dist/scripts/make-sample-site.js --check   # exit 1 if they are stale
//
// The text is a fictional sample written for leakmirror. It is not ITU text.

import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PDFArray, PDFDocument, PDFHexString, type PDFFont, type PDFPage, StandardFonts, rgb } from 'pdf-lib';

type Revision = 'rev1' | 'rev2';

type Block =
  | { kind: 'title'; text: string } // centred, large, bold
  | { kind: 'centre'; text: string } // centred, body size
  | { kind: 'article'; text: string } // article heading, bold
  | { kind: 'para'; text: string } // plain paragraph
  | { kind: 'provision'; number: string; text: string } // numbered provision with hanging indent
  | { kind: 'gap'; size: number };

const HEADER = 'WCIT-12 Temporary Document 64 \u2014 Draft revised ITRs (sample)';
const TITLE = 'WCIT-12 Temporary Document 64 \u2014 Draft revised ITRs (sample)';

// A4, in points.
const PAGE_WIDTH = 595.28;
const PAGE_HEIGHT = 841.89;
const MARGIN_X = 72;
const BODY_TOP = PAGE_HEIGHT - 100;
const BODY_BOTTOM = 80;
const BODY_SIZE = 10.5;
const LINE_HEIGHT = 14.5;

/** The document's pages for one revision. Each page's content is fixed, so page numbers are stable. */
function pagesFor(rev: Revision): Block[][] {
  const r2 = rev === 'rev2';

  const titlePage: Block[] = [
    { kind: 'gap', size: 60 },
    { kind: 'centre', text: 'INTERNATIONAL TELECOMMUNICATION UNION (SAMPLE)' },
    { kind: 'gap', size: 6 },
    { kind: 'centre', text: 'WORLD CONFERENCE ON INTERNATIONAL TELECOMMUNICATIONS (WCIT-12)' },
    { kind: 'centre', text: 'Dubai, 3-14 December 2012' },
    { kind: 'gap', size: 40 },
    { kind: 'centre', text: 'Temporary Document 64-E' },
    { kind: 'centre', text: r2 ? 'Revision 2 \u2014 7 December 2012' : 'Revision 1 \u2014 3 December 2012' },
    { kind: 'centre', text: 'Original: English' },
    { kind: 'centre', text: 'Source: Chair of the sample drafting group' },
    { kind: 'gap', size: 40 },
    { kind: 'title', text: 'DRAFT REVISED INTERNATIONAL' },
    { kind: 'title', text: 'TELECOMMUNICATION REGULATIONS' },
    { kind: 'gap', size: 12 },
    { kind: 'centre', text: 'Consolidated text of the proposals considered by the drafting group' },
    { kind: 'gap', size: 80 },
    {
      kind: 'para',
      text:
        'Note: this document is a fictional sample written for the leakmirror project. It is not ITU text, ' +
        'does not reproduce any real conference document, and exists only so that leakmirror can demonstrate ' +
        'mirroring, text extraction and page-by-page word diffs of a PDF.',
    },
  ];

  const page2: Block[] = [
    { kind: 'article', text: 'Preamble' },
    {
      kind: 'para',
      text:
        'The Member States taking part in this sample conference, recognizing the right of each State to regulate ' +
        'telecommunications within its territory, put forward the following draft provisions for discussion. ' +
        'This is a working draft and no provision has yet been agreed.',
    },
    { kind: 'gap', size: 10 },
    { kind: 'article', text: 'Article 1 Purpose and scope' },
    {
      kind: 'provision',
      number: '1.1',
      text:
        'These Regulations set out general principles for the provision and operation of international ' +
        'telecommunication services offered to the public, and for the international transport means used to ' +
        'provide them.',
    },
    {
      kind: 'provision',
      number: '1.2',
      text:
        'These Regulations apply to the operating agencies authorized by a Member State to establish and operate ' +
        'international telecommunication services.',
    },
    {
      kind: 'provision',
      number: '1.3',
      text:
        `Member States ${r2 ? 'shall' : 'should'} encourage operating agencies to publish the terms on which ` +
        'international services are offered to the public.',
    },
    {
      kind: 'provision',
      number: '1.4',
      text: 'Nothing in these Regulations shall be read as regulating the content of communications.',
    },
    { kind: 'gap', size: 10 },
    { kind: 'article', text: 'Article 2 Relationship to other instruments' },
    {
      kind: 'provision',
      number: '2.1',
      text: 'These Regulations complement the Constitution and the Convention of the Union and shall be read together with them.',
    },
    {
      kind: 'provision',
      number: '2.2',
      text:
        'In case of inconsistency, the Constitution prevails, followed by the Convention and then by these ' +
        'Regulations.',
    },
  ];

  const page3: Block[] = [
    { kind: 'article', text: 'Article 3 Definitions' },
    { kind: 'para', text: 'For the purposes of these Regulations, the following terms have the meanings given below.' },
    {
      kind: 'provision',
      number: '3.1',
      text:
        'Telecommunication: the sending or receiving of signals, text, images or sound over wire, radio, ' +
        'optical fibre or any other electromagnetic system.',
    },
    {
      kind: 'provision',
      number: '3.2',
      text: 'International telecommunication service: a telecommunication service offered between offices or stations in different countries.',
    },
    {
      kind: 'provision',
      number: '3.3',
      text: 'Operating agency: any individual, company or body that operates a telecommunication installation used for an international service.',
    },
    {
      kind: 'provision',
      number: '3.4',
      text: 'Accounting rate: the rate agreed between operating agencies in a given relation and used to settle international accounts.',
    },
    ...(r2
      ? []
      : [
          {
            kind: 'provision',
            number: '3.5',
            text: 'Unsolicited bulk message: an electronic message sent in large numbers to recipients who have not asked to receive it.',
          } satisfies Block,
        ]),
    { kind: 'gap', size: 10 },
    { kind: 'article', text: 'Article 4 International network' },
    {
      kind: 'provision',
      number: '4.1',
      text:
        'Member States shall ensure that operating agencies cooperate in the establishment, operation and ' +
        'maintenance of the international network so as to provide a satisfactory quality of service.',
    },
    {
      kind: 'provision',
      number: '4.2',
      text: `Operating agencies shall reply to a request for a new international route within ${r2 ? '30' : '90'} days of receiving it.`,
    },
    {
      kind: 'provision',
      number: '4.3',
      text: 'Member States should promote the development of international routes to countries with limited connectivity.',
    },
  ];

  const page4: Block[] = [
    { kind: 'article', text: 'Article 5 Safety of life and priority of telecommunications' },
    {
      kind: 'provision',
      number: '5.1',
      text:
        'Telecommunications concerning safety of life at sea, on land, in the air or in outer space shall be ' +
        'entitled to absolute priority.',
    },
    {
      kind: 'provision',
      number: '5.2',
      text: 'Government telecommunications may be given priority on request, to the extent practicable.',
    },
    {
      kind: 'provision',
      number: '5.3',
      text: 'Operating agencies shall carry calls to emergency services free of charge to the caller.',
    },
    ...(r2
      ? [
          {
            kind: 'provision',
            number: '5.4',
            text:
              'Member States shall encourage operating agencies to give users who are roaming access to the ' +
              'emergency services of the visited country.',
          } satisfies Block,
        ]
      : []),
    { kind: 'gap', size: 10 },
    { kind: 'article', text: 'Article 6 Charging and accounting' },
    {
      kind: 'provision',
      number: '6.1',
      text:
        'For each service in a given relation, operating agencies shall by mutual agreement establish and revise ' +
        'the rates applicable between them.',
    },
    {
      kind: 'provision',
      number: '6.2',
      text: 'Where a fiscal tax is levied on international calls, it shall normally be collected only for services billed to customers in that State.',
    },
    { kind: 'gap', size: 10 },
    { kind: 'article', text: 'Article 7 Entry into force' },
    {
      kind: 'provision',
      number: '7.1',
      text: 'These Regulations shall enter into force on 1 January 2015.',
    },
    { kind: 'gap', size: 24 },
    { kind: 'centre', text: '(End of sample document)' },
  ];

  return [titlePage, page2, page3, page4];
}

/** Greedy word wrap: never splits a word, so text extraction gets every word intact. */
function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const words = text.split(/\s+/).filter((w) => w.length > 0);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (line !== '' && font.widthOfTextAtSize(candidate, size) > width) {
      lines.push(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
}

function drawPage(page: PDFPage, blocks: Block[], fonts: Fonts, pageNo: number, pageCount: number): void {
  const black = rgb(0, 0, 0);
  const grey = rgb(0.35, 0.35, 0.35);
  const textWidth = PAGE_WIDTH - 2 * MARGIN_X;

  // Running header, then a rule.
  page.drawText(HEADER, { x: MARGIN_X, y: PAGE_HEIGHT - 50, size: 9, font: fonts.regular, color: grey });
  page.drawLine({
    start: { x: MARGIN_X, y: PAGE_HEIGHT - 56 },
    end: { x: PAGE_WIDTH - MARGIN_X, y: PAGE_HEIGHT - 56 },
    thickness: 0.5,
    color: grey,
  });

  let y = BODY_TOP;
  const line = (text: string, x: number, size: number, font: PDFFont): void => {
    if (y < BODY_BOTTOM) throw new Error(`page ${pageNo} overflows: "${text}"`);
    page.drawText(text, { x, y, size, font, color: black });
  };
  const centred = (text: string, size: number, font: PDFFont): void => {
    for (const l of wrap(text, font, size, textWidth)) {
      line(l, (PAGE_WIDTH - font.widthOfTextAtSize(l, size)) / 2, size, font);
      y -= size * 1.45;
    }
  };

  for (const block of blocks) {
    switch (block.kind) {
      case 'gap':
        y -= block.size;
        break;
      case 'title':
        centred(block.text, 16, fonts.bold);
        break;
      case 'centre':
        centred(block.text, BODY_SIZE, fonts.regular);
        break;
      case 'article':
        line(block.text, MARGIN_X, 12, fonts.bold);
        y -= LINE_HEIGHT + 4;
        break;
      case 'para':
        for (const l of wrap(block.text, fonts.regular, BODY_SIZE, textWidth)) {
          line(l, MARGIN_X, BODY_SIZE, fonts.regular);
          y -= LINE_HEIGHT;
        }
        y -= 6;
        break;
      case 'provision': {
        // "3.1 Text..." on one text run, continuation lines indented under the text.
        const indent = 28;
        const lines = wrap(block.text, fonts.regular, BODY_SIZE, textWidth - indent);
        lines.forEach((l, i) => {
          line(i === 0 ? `${block.number} ${l}` : l, i === 0 ? MARGIN_X : MARGIN_X + indent, BODY_SIZE, fonts.regular);
          y -= LINE_HEIGHT;
        });
        y -= 6;
        break;
      }
    }
  }

  // Footer: a rule and "Page N of M".
  page.drawLine({ start: { x: MARGIN_X, y: 56 }, end: { x: PAGE_WIDTH - MARGIN_X, y: 56 }, thickness: 0.5, color: grey });
  const footer = `Page ${pageNo} of ${pageCount}`;
  const footerX = (PAGE_WIDTH - fonts.regular.widthOfTextAtSize(footer, 9)) / 2;
  page.drawText(footer, { x: footerX, y: 42, size: 9, font: fonts.regular, color: grey });
}

const DATES: Record<Revision, { created: Date; modified: Date }> = {
  rev1: { created: new Date('2012-12-03T09:00:00Z'), modified: new Date('2012-12-03T09:00:00Z') },
  rev2: { created: new Date('2012-12-03T09:00:00Z'), modified: new Date('2012-12-07T17:30:00Z') },
};

export async function makeDraftPdf(rev: Revision): Promise<Uint8Array> {
  // updateMetadata: false keeps pdf-lib from stamping the current time and its own producer.
  const doc = await PDFDocument.create({ updateMetadata: false });
  const fonts: Fonts = {
    regular: await doc.embedFont(StandardFonts.Helvetica),
    bold: await doc.embedFont(StandardFonts.HelveticaBold),
  };
  const pages = pagesFor(rev);
  pages.forEach((blocks, i) => {
    const page = doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
    drawPage(page, blocks, fonts, i + 1, pages.length);
  });

  doc.setTitle(TITLE);
  doc.setAuthor('leakmirror sample site (fictional)');
  doc.setSubject('Fictional sample document for leakmirror, not ITU text');
  doc.setKeywords(['WCIT-12', 'ITRs', 'sample', 'leakmirror']);
  doc.setCreator('leakmirror scripts/make-sample-site.ts');
  doc.setProducer('pdf-lib 1.17 (leakmirror sample)');
  doc.setLanguage('en');
  doc.setCreationDate(DATES[rev].created);
  doc.setModificationDate(DATES[rev].modified);

  // A fixed file identifier (first: the document, second: this revision), so output is deterministic.
  const idOf = (s: string): PDFHexString => PDFHexString.of(createHash('md5').update(s).digest('hex').toUpperCase());
  const id = PDFArray.withContext(doc.context);
  id.push(idOf('leakmirror sample-site draft-itrs-td64'));
  id.push(idOf(`leakmirror sample-site draft-itrs-td64 ${rev}`));
  doc.context.trailerInfo.ID = id;

  return doc.save({ useObjectStreams: false });
}

async function main(argv: string[]): Promise<number> {
  const check = argv.includes('--check');
  // dist/scripts/make-sample-site.js -> repo root is two levels up (also right for the .ts source).
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const siteRoot = join(repoRoot, 'mirror', 'sample-site');
  let stale = 0;
  for (const rev of ['rev1', 'rev2'] as const) {
    const target = join(siteRoot, rev, 'docs', 'draft-itrs-td64.pdf');
    const bytes = await makeDraftPdf(rev);
    const name = relative(repoRoot, target);
    if (check) {
      const current = await readFile(target).catch(() => undefined);
      if (current === undefined || !Buffer.from(bytes).equals(current)) {
        console.error(`stale: ${name}`);
        stale++;
      } else {
        console.log(`up to date: ${name}`);
      }
    } else {
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, bytes);
      const sha = createHash('sha256').update(bytes).digest('hex');
      console.log(`wrote ${name} (${bytes.length} bytes, sha256 ${sha.slice(0, 16)}…)`);
    }
  }
  return stale > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
