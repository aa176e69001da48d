import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { looksIncompressible, readSamples, SAMPLE_BYTES, SAMPLE_COUNT, sampleRanges } from '../src/store/compressibility.js';
import { MirrorRepo } from '../src/store/git.js';
import { mulberry32 } from './helpers/random.js';
import { tempDir } from './helpers/temp.js';

function noise(bytes: number, seed: number): Buffer {
  const random = mulberry32(seed);
  const buffer = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) buffer[i] = Math.floor(random() * 256);
  return buffer;
}

function prose(bytes: number): Buffer {
  const line = 'Article 12. The Member States shall publish every draft of the treaty in full.\n';
  return Buffer.from(line.repeat(Math.ceil(bytes / line.length)).slice(0, bytes));
}

describe('looksIncompressible', () => {
  const cases: Array<[name: string, samples: Uint8Array[], expected: boolean]> = [
    ['no samples', [], false],
    ['only empty samples', [new Uint8Array(0)], false],
    ['random bytes (compressed streams, images)', [noise(64 * 1024, 1), noise(64 * 1024, 2)], true],
    ['text', [prose(64 * 1024)], false],
    ['zeros', [new Uint8Array(64 * 1024)], false],
    ['half random, half text (a PDF with uncompressed page streams)', [noise(64 * 1024, 3), prose(64 * 1024)], false],
    ['random with a few per cent of text', [noise(62 * 1024, 4), prose(2 * 1024)], true],
  ];
  for (const [name, samples, expected] of cases) {
    it(`${name}: ${expected}`, () => assert.equal(looksIncompressible(samples), expected));
  }
});

describe('sampleRanges', () => {
  it('a small file is read whole; an empty one not at all', () => {
    assert.deepEqual(sampleRanges(0), []);
    assert.deepEqual(sampleRanges(100), [{ offset: 0, length: 100 }]);
    assert.deepEqual(sampleRanges(SAMPLE_COUNT * SAMPLE_BYTES), [{ offset: 0, length: SAMPLE_COUNT * SAMPLE_BYTES }]);
  });
  it('a large file: SAMPLE_COUNT samples spread from its start to its end, none past it', () => {
    for (const size of [SAMPLE_COUNT * SAMPLE_BYTES + 1, 5 * 1024 * 1024, 80 * 1024 * 1024 + 17]) {
      const ranges = sampleRanges(size);
      assert.equal(ranges.length, SAMPLE_COUNT);
      assert.ok(ranges.every(({ length }) => length === SAMPLE_BYTES));
      assert.equal(ranges[0]?.offset, 0);
      for (let i = 1; i < ranges.length; i++) assert.ok((ranges[i]?.offset as number) >= (ranges[i - 1]?.offset as number) + SAMPLE_BYTES, 'no overlap');
      const last = ranges[ranges.length - 1]?.offset as number;
      assert.ok(last + SAMPLE_BYTES <= size, `the last sample ends inside the file (${size})`);
      assert.ok(last + SAMPLE_BYTES > size - SAMPLE_COUNT, `the last sample reaches the end of the file (${size})`);
    }
  });
});

describe('readSamples', () => {
  it('reads a small file whole and a large one at the sample offsets', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'small'), 'short');
    assert.deepEqual((await readSamples(join(dir, 'small'))).map((sample) => Buffer.from(sample).toString()), ['short']);
    const big = noise(3 * 1024 * 1024 + 5, 7);
    await writeFile(join(dir, 'big'), big);
    const samples = await readSamples(join(dir, 'big'));
    const ranges = sampleRanges(big.byteLength);
    assert.equal(samples.length, ranges.length);
    samples.forEach((sample, index) => {
      const { offset, length } = ranges[index] as { offset: number; length: number };
      assert.ok(Buffer.from(sample).equals(big.subarray(offset, offset + length)));
    });
  });
});

describe('MirrorRepo.writeBlob', () => {
  it('stores incompressible and compressible files byte for byte, deflating only the second', async () => {
    const dir = await tempDir();
    execFileSync('git', ['init', '--quiet', dir]);
    const repo = new MirrorRepo(dir);
    const files: Array<[path: string, content: Buffer]> = [['noise.pdf', noise(5 * 1024 * 1024, 11)], ['prose.pdf', prose(5 * 1024 * 1024)]];
    for (const [path, content] of files) {
      await writeFile(join(dir, path), content);
      const id = await repo.writeBlob(path);
      assert.equal(id, execFileSync('git', ['-C', dir, 'hash-object', '--no-filters', '--', path], { encoding: 'utf8' }).trim());
      assert.ok(execFileSync('git', ['-C', dir, 'cat-file', 'blob', id], { maxBuffer: 64 * 1024 * 1024 }).equals(content));
      const loose = await stat(join(dir, '.git', 'objects', id.slice(0, 2), id.slice(2)));
      if (path === 'prose.pdf') assert.ok(loose.size < content.byteLength / 10, 'text is still deflated');
      else assert.ok(loose.size >= content.byteLength, 'noise is stored as it is');
    }
    execFileSync('git', ['-C', dir, 'fsck', '--no-dangling', '--strict'], { stdio: 'pipe' });
  });
});
