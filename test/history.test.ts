import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultDiffPair, nearestIds, resolveRevision, type Version } from '../src/core/history.js';
import { UnknownRevisionError } from '../src/errors.js';
import { commitMessage, commitSubject, parseLog } from '../src/store/git.js';

function version(commit: string, date: string, textSha256: string, status: Version['status'] = 'content'): Version {
  return { commit, date, status, sha256: 'raw', textSha256, message: 'm', documentId: 'd' };
}

// Newest first, as git log gives them.
const versions = [
  version('cccc3333', '2012-12-07T17:30:00.000Z', 't3', 'technical'),
  version('bbbb2222', '2012-12-05T10:00:00.000Z', 't3'),
  version('aaaa1111', '2012-12-03T09:00:00.000Z', 't1'),
];

describe('resolveRevision', () => {
  const cases: Array<[string, string]> = [
    ['@0', 'cccc3333'],
    ['@2', 'aaaa1111'],
    ['bbbb', 'bbbb2222'],
    ['aaaa1111', 'aaaa1111'],
    ['2012-12-04', 'aaaa1111'],
    ['2012-12-05', 'bbbb2222'],
    ['2012-12-05T09:59:59Z', 'aaaa1111'],
    ['2013-01-01', 'cccc3333'],
  ];
  for (const [rev, expected] of cases) {
    it(`${rev} -> ${expected}`, () => assert.equal(resolveRevision(versions, rev).commit, expected));
  }
  for (const rev of ['@3', 'dddd', '2012-12-01', 'yesterday', '2012-13-45']) {
    it(`rejects ${rev} listing the versions`, () => {
      assert.throws(() => resolveRevision(versions, rev), (error: unknown) => error instanceof UnknownRevisionError && /@0 +cccc3333/.test(error.message));
    });
  }
});

describe('defaultDiffPair', () => {
  it('skips versions with the same text as the latest', () => {
    const { from, to } = defaultDiffPair(versions);
    assert.equal(to.commit, 'cccc3333');
    assert.equal(from.commit, 'aaaa1111');
  });
  it('gives the only version twice when there is one', () => {
    const { from, to } = defaultDiffPair(versions.slice(2));
    assert.equal(from.commit, to.commit);
  });
});

describe('nearestIds', () => {
  it('suggests ids by substring and edit distance', () => {
    const ids = ['sample/draft-itrs-td64', 'sample/civil-society-letter', 'other/x'];
    assert.deepEqual(nearestIds('draft-itrs', ids), ['sample/draft-itrs-td64']);
    assert.deepEqual(nearestIds('sample/civil-society-leter', ids), ['sample/civil-society-letter']);
    assert.deepEqual(nearestIds('zzzzzzzz', ids), []);
  });
});

describe('commit messages', () => {
  it('round-trips trailers through the log format', () => {
    const message = commitMessage(commitSubject('Update', 'Draft\nITRs \u0007 rev 2'), 'body', {
      documentId: 'a/b',
      sourceUrl: 'https://example.org/b.pdf',
      contentSha256: 'c'.repeat(64),
      textSha256: 't'.repeat(64),
      changeType: 'technical',
    });
    assert.match(message, /^Update Draft ITRs rev 2\n\nbody\n\nDocument-Id: a\/b\n/);
    const log = `\x1eabc123\x1f2012-12-03T09:00:00+00:00\x1fUpdate Draft\x1fDocument-Id: a/b\nChange-Type: technical\nContent-SHA256: ${'c'.repeat(64)}\n\n`;
    const [record] = parseLog(log);
    assert.equal(record?.commit, 'abc123');
    assert.equal(record?.trailers['Change-Type'], 'technical');
    assert.equal(record?.trailers['Document-Id'], 'a/b');
  });
});
