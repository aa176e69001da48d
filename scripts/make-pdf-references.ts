// Regenerates the pdftotext reference texts of test/quality-pdf.test.ts:
//   npx tsc -p tsconfig.json && node dist/scripts/make-pdf-references.js
// Needs poppler-utils (`pdftotext`); the tests themselves never do. Each reference is
// test/fixtures/real/reference/<pdf name>.pdftotext.txt, pdftotext's default reading-order mode, UTF-8.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { QUALITY_PDFS } from '../test/quality-pdfs.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = path.join(root, 'test/fixtures/real/reference');
mkdirSync(outDir, { recursive: true });
// pdftotext -v prints its version on stderr.
const version = spawnSync('pdftotext', ['-v'], { encoding: 'utf8' }).stderr.trim();
for (const pdf of QUALITY_PDFS) {
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', path.join(root, pdf.path), '-'], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    stdio: ['ignore', 'pipe', 'ignore'], // its syntax warnings are not the reference
  });
  writeFileSync(path.join(outDir, `${pdf.name}.pdftotext.txt`), text);
  console.log(`${pdf.name}: ${text.length} characters`);
}
console.log(`(${version.split('\n')[0] ?? ''})`);
