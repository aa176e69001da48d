// `npm run bench [-- <name>] [options]`: the benchmark named, with the options after the name.
// Without a name (or with options only) it is the sync benchmark, as it always was.
//
//   npm run bench                       sync-bench.js (the default)
//   npm run bench -- extract            extract-bench.js: PDF extraction against pdftotext
//   npm run bench -- diff --runs 21     diff-cli-bench.js: the `diff` command against git
//   npm run bench -- diff-engine        diff-bench.js: the diff engine in-process against jsdiff
//   npm run bench -- history            history-bench.js: `log` and `changes` on 50,000 versions
//
// Each runs as a child process with this terminal, and its exit status is this one's.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCHES: Record<string, string> = {
  sync: 'sync-bench.js',
  extract: 'extract-bench.js',
  diff: 'diff-cli-bench.js',
  'diff-engine': 'diff-bench.js',
  history: 'history-bench.js',
};

const args = process.argv.slice(2);
const named = args[0] !== undefined && !args[0].startsWith('-');
const name = named ? (args[0] as string) : 'sync';
const script = BENCHES[name];
if (script === undefined) {
  console.error(`unknown benchmark ${JSON.stringify(name)}; one of: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
const child = spawnSync(process.execPath, [join(dirname(fileURLToPath(import.meta.url)), script), ...(named ? args.slice(1) : args)], { stdio: 'inherit' });
if (child.error !== undefined) throw child.error;
process.exit(child.status ?? 1);
