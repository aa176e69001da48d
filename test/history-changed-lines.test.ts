// git's own line diff of two stored texts (history.changedLines), as `diff` uses it: parsed from
// -U0 hunk headers, accepted by the engine, and the same diff as the engine's own on edited texts.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { changedLines, parseZeroContextHunks } from '../src/core/history.js';
import { checkedLineBlocks, diffTexts, splitLines } from '../src/diff/engine.js';
import type { DiffMode } from '../src/diff/types.js';
import { FLAT_LAYOUT } from '../src/store/layout.js';
import { mulberry32 } from './helpers/random.js';
import { tempDir } from './helpers/temp.js';

describe('parseZeroContextHunks', () => {
  const cases: Array<[name: string, patch: string, expected: ReturnType<typeof parseZeroContextHunks>]> = [
    ['one line changed', '@@ -3 +3 @@\n-a\n+b\n', [{ a0: 2, a1: 3, b0: 2, b1: 3 }]],
    ['lines inserted after line 5', '@@ -5,0 +6,2 @@\n+x\n+y\n', [{ a0: 5, a1: 5, b0: 5, b1: 7 }]],
    ['lines deleted after new line 1', '@@ -2,3 +1,0 @@\n-a\n-b\n-c\n', [{ a0: 1, a1: 4, b0: 1, b1: 1 }]],
    ['insertion at the top', '@@ -0,0 +1 @@\n+first\n', [{ a0: 0, a1: 0, b0: 0, b1: 1 }]],
    ['a hunk header with a function name', '@@ -10,2 +10,2 @@ Article 3\n-a\n-b\n+c\n+d\n', [{ a0: 9, a1: 11, b0: 9, b1: 11 }]],
    ['a removed line that looks like a header is not one', '@@ -1 +1 @@\n-@@ -9 +9 @@\n+x\n', [{ a0: 0, a1: 1, b0: 0, b1: 1 }]],
    ['no hunks', '', []],
  ];
  for (const [name, patch, expected] of cases) {
    it(name, () => assert.deepEqual(parseZeroContextHunks(patch), expected));
  }
});

describe('changedLines on a real repository', () => {
  it('gives blocks the engine accepts, and the same diff as the engine alone on scattered edits', async () => {
    const dir = await tempDir();
    const git = (...args: string[]): string => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd: dir, encoding: 'utf8' });
    git('init', '-q');
    await mkdir(join(dir, 'text', 'd'), { recursive: true });
    const rnd = mulberry32(7);
    const lines = Array.from({ length: 400 }, (_, i) => (i % 37 === 0 ? `--- page ${i / 37 + 1} ---` : i % 11 === 0 ? '' : `Line ${i} of the treaty text, article ${i % 13}.`));
    const oldText = lines.join('\n') + '\n';
    const edited = [...lines];
    for (let e = 0; e < 12; e++) edited[Math.floor(rnd() * edited.length)] = `Edited ${e}: Member States shall report.`;
    edited.splice(200, 0, 'An inserted line.');
    edited.splice(50, 2);
    const newText = edited.join('\n'); // and no final newline
    await writeFile(join(dir, 'text', 'd', 'x.txt'), oldText);
    git('add', '.');
    git('commit', '-qm', 'v1');
    const from = { commit: git('rev-parse', 'HEAD').trim() };
    await writeFile(join(dir, 'text', 'd', 'x.txt'), newText);
    git('commit', '-qam', 'v2');
    const to = { commit: git('rev-parse', 'HEAD').trim() };

    const blocks = await changedLines({ dir, layout: FLAT_LAYOUT }, 'd/x', from, to);
    assert.ok(blocks !== undefined && blocks.length > 0);
    assert.ok(checkedLineBlocks(blocks, splitLines(oldText).lines, splitLines(newText).lines.map((line, i, all) => (i === all.length - 1 ? '\n' + line : line))));
    for (const mode of ['line', 'word', 'char'] as DiffMode[]) {
      assert.deepEqual(diffTexts(oldText, newText, { mode, lineBlocks: blocks }), diffTexts(oldText, newText, { mode }), mode);
    }
    // A version without the text file: git cannot say, and the engine diffs by itself.
    assert.equal(await changedLines({ dir, layout: FLAT_LAYOUT }, 'd/missing', from, to), undefined);
  });
});
