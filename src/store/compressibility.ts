// Whether a large raw file is worth zlib's time when git stores it. Most of a PDF is already
// compressed (Flate streams, JPEG, JBIG2 and JPX images): git's zlib then spends about 25 ms a MiB
// (80 MiB of noise: 2.1 s of CPU at level 1, 0.4 s stored at level 0) to save nothing.
import { open } from 'node:fs/promises';
import { deflateRawSync } from 'node:zlib';

/** Samples read from a file: this many, of this size, spread evenly over it. */
export const SAMPLE_COUNT = 8;
export const SAMPLE_BYTES = 64 * 1024;
/** Deflate (level 1) must bring the samples below this share of their size to be worth it. */
export const WORTHWHILE_RATIO = 0.95;

/**
 * True when deflate at its fastest level saves less than 5% on the samples: the file is (almost
 * certainly) incompressible, and git may as well store it as it is. Pure; no samples: false.
 */
export function looksIncompressible(samples: readonly Uint8Array[]): boolean {
  let raw = 0;
  let deflated = 0;
  for (const sample of samples) {
    if (sample.byteLength === 0) continue;
    raw += sample.byteLength;
    deflated += deflateRawSync(sample, { level: 1 }).byteLength;
  }
  return raw > 0 && deflated >= raw * WORTHWHILE_RATIO;
}

/**
 * The parts of a file of `size` bytes to sample: a small file whole (up to SAMPLE_COUNT *
 * SAMPLE_BYTES), else SAMPLE_COUNT parts of SAMPLE_BYTES spread evenly from its start to its end.
 */
export function sampleRanges(size: number): Array<{ offset: number; length: number }> {
  if (size <= 0) return [];
  if (size <= SAMPLE_COUNT * SAMPLE_BYTES) return [{ offset: 0, length: size }];
  const step = Math.floor((size - SAMPLE_BYTES) / (SAMPLE_COUNT - 1));
  return Array.from({ length: SAMPLE_COUNT }, (_, index) => ({ offset: index * step, length: SAMPLE_BYTES }));
}

/** The samples of a file (sampleRanges). */
export async function readSamples(path: string): Promise<Uint8Array[]> {
  const handle = await open(path, 'r');
  try {
    const samples: Uint8Array[] = [];
    for (const { offset, length } of sampleRanges((await handle.stat()).size)) {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      samples.push(buffer.subarray(0, bytesRead));
    }
    return samples;
  } finally {
    await handle.close();
  }
}
