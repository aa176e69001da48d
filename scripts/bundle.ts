// Bundles the compiled CLI (dist/src/cli/main.js) into dist/cli/, the code bin/leakmirror.js runs.
//
// Why: resolving and compiling ~30 ES modules plus commander and chalk took about 45 ms of every
// run's start-up on this machine, more than git takes for a whole word diff of a 1 MB text; one
// file per command path takes about half. Code splitting keeps the lazy imports lazy (`diff` still
// never loads the fetcher, cheerio or pdf.js). The PDF worker is an entry of its own: the pool starts
// it as `./pdf-worker.js` next to the chunk that holds the pool.
//
// The dependencies a sync loads are bundled too (BUNDLED): loaded from node_modules, undici, cheerio
// and the others meant a few hundred files to resolve, stat, read and compile one by one, about a
// quarter of a second of every `sync` before its first request. A warm sync of the bench's 2,000
// documents, 8 interleaved pairs: 2,213 ms median with them in node_modules, 1,822 ms bundled. They
// stay in the chunks of the commands that use them. Left out: pdf-parse and pdfjs-dist (one copy of
// pdf.js shared by pdf.ts and pdf-parse, found by path for its fonts and character maps), and what
// only rare commands load (mammoth for .docx, yauzl and yazl for export).
//
//   node dist/scripts/bundle.js   (run by `npm run build`, after tsc)
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
const BUNDLED = new Set([
  'commander', 'chalk', 'undici', 'cheerio', 'htmlparser2', 'domhandler', 'parse5-htmlparser2-tree-adapter', 'yaml', 'zod',
  'tldts', 'iconv-lite', 'simple-git', 'proper-lockfile', 'robots-parser', 'diff', 'cli-progress', 'fast-xml-parser', 'feedsmith',
]);
// pdfjs-dist comes with pdf-parse: left out so that pdf.ts and pdf-parse share one copy of pdf.js.
const external = [...Object.keys(manifest.dependencies ?? {}).filter((name) => !BUNDLED.has(name)), 'pdfjs-dist'];
const target = join(root, 'dist', 'cli');
// Built beside the live bundle, then swapped in: a CLI started during a build (a test run in another
// terminal) finds either the old bundle or the new one, never a half-written directory.
const outdir = `${target}.new-${process.pid}`;
rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: {
    cli: join(root, 'dist', 'src', 'cli', 'main.js'),
    'pdf-worker': join(root, 'dist', 'src', 'extract', 'pdf-worker.js'),
  },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.18',
  // Subpaths too (pdfjs-dist/legacy/build/pdf.mjs).
  external: external.flatMap((name) => [name, `${name}/*`]),
  // commander is CommonJS and requires node's built-in modules: give the bundle a `require`.
  banner: { js: "import { createRequire as __leakmirrorCreateRequire } from 'node:module';\nconst require = __leakmirrorCreateRequire(import.meta.url);" },
  sourcemap: 'linked',
  // Stack traces need the maps' mappings, not a second copy of every bundled package's source.
  sourcesContent: false,
  legalComments: 'linked',
  logLevel: 'warning',
  metafile: true,
});
const retired = `${target}.old-${process.pid}`;
if (existsSync(target)) renameSync(target, retired);
renameSync(outdir, target);
rmSync(retired, { recursive: true, force: true });
const files = Object.keys(result.metafile.outputs).filter((file) => file.endsWith('.js'));
console.log(`bundled the CLI into ${files.length} files in dist/cli/`);
