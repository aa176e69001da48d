// The sync benchmark's wait after the last run's cleanup (bench/settle.ts): pure, table-driven.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readLastCleanup, recordCleanup, SETTLE_WINDOW_MS, settleWaitMs } from '../bench/settle.js';
import { tempDir } from './helpers/temp.js';

describe('settleWaitMs', () => {
  const now = Date.parse('2026-12-04T12:30:00Z');
  const cases: Array<[string, string | undefined, number]> = [
    ['no cleanup recorded', undefined, 0],
    ['cleanup 20 s ago: the rest of the window', '2026-12-04T12:29:40Z', SETTLE_WINDOW_MS - 20_000],
    ['cleanup just now: the whole window', '2026-12-04T12:30:00Z', SETTLE_WINDOW_MS],
    ['cleanup 6 minutes ago: none', '2026-12-04T12:24:00Z', 0],
    ['cleanup an hour ago: none', '2026-12-04T11:30:00Z', 0],
    ['cleanup in the future (clock moved back): none', '2026-12-04T12:35:00Z', 0],
    ['unreadable time: none', 'yesterday', 0],
  ];
  for (const [name, at, expected] of cases) it(name, () => assert.equal(settleWaitMs(at, now), expected));
});

describe('the cleanup marker', () => {
  it('records and reads back the time; a missing or broken file reads as none', async () => {
    const dir = await tempDir();
    const marker = join(dir, 'work', 'last-cleanup.json');
    assert.equal(await readLastCleanup(marker), undefined);
    await recordCleanup(marker, new Date('2026-12-04T12:00:00Z'), '/tmp/leakmirror-bench-x');
    assert.equal(await readLastCleanup(marker), '2026-12-04T12:00:00.000Z');
    await writeFile(marker, '{ broken');
    assert.equal(await readLastCleanup(marker), undefined);
  });
});
