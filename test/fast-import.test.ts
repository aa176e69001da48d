import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commitCommands, identityLine } from '../src/store/fast-import.js';
import { StoreError } from '../src/errors.js';

const who = { name: 'Leak <Mirror>', email: 'm@example.org' };

describe('fast-import commands', () => {
  it('identity lines use epoch seconds in UTC and drop angle brackets from names', () => {
    assert.equal(identityLine(who, new Date('2012-12-03T09:00:00.900Z')), 'Leak Mirror <m@example.org> 1354525200 +0000');
  });

  it('encodes a commit with byte-counted data, deletions and a get-mark', () => {
    const parts = commitCommands(
      'refs/heads/main',
      7,
      { message: 'Update Δ\n\nChange-Type: content\n', authorDate: '2012-12-03T09:00:00Z', changes: [
        { path: 'text/a/b.txt', data: 'é\n' },
        { path: 'raw/a/b.pdf', data: new Uint8Array([0, 1, 2]) },
        { path: 'raw/a/old.html', data: null },
      ] },
      who,
      who,
      'refs/heads/main^0',
      new Date('2026-01-01T00:00:00Z'),
    );
    const stream = Buffer.concat(parts);
    const expected = Buffer.concat([
      Buffer.from('commit refs/heads/main\nmark :7\nauthor Leak Mirror <m@example.org> 1354525200 +0000\ncommitter Leak Mirror <m@example.org> 1767225600 +0000\n'),
      Buffer.from(`data ${Buffer.byteLength('Update Δ\n\nChange-Type: content\n')}\nUpdate Δ\n\nChange-Type: content\n\n`),
      Buffer.from('from refs/heads/main^0\n'),
      Buffer.from('M 100644 inline text/a/b.txt\ndata 3\né\n\n'),
      Buffer.from('M 100644 inline raw/a/b.pdf\ndata 3\n'),
      Buffer.from([0, 1, 2]),
      Buffer.from('\nD raw/a/old.html\nget-mark :7\n'),
    ]);
    assert.deepEqual(stream, expected);
  });

  for (const path of ['text/a b.txt', 'text/a\nb', '"quoted"', '']) {
    it(`refuses the path ${JSON.stringify(path)}`, () => {
      assert.throws(() => commitCommands('refs/heads/main', 1, { message: 'm', authorDate: '2012-12-03T09:00:00Z', changes: [{ path, data: 'x' }] }, who, who, undefined, new Date()), StoreError);
    });
  }
});
