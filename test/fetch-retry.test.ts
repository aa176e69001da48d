// Retry policy of the fetcher (pure): which failures are tried again, backoff with full jitter,
// Retry-After parsing.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FetchError, StoreError, type FailureClass } from '../src/errors.js';
import { backoffDelay, describeDelay, isRetryable, parseRetryAfter } from '../src/fetch/retry.js';

function withCode(failure: FailureClass, code: string): FetchError {
  const cause: NodeJS.ErrnoException = new Error(code);
  cause.code = code;
  return new FetchError(failure, 'x', { cause });
}

describe('isRetryable', () => {
  const table: Array<[string, unknown, boolean]> = [
    ['network', new FetchError('network', 'x'), true],
    ['timeout', new FetchError('timeout', 'x'), true],
    ['connect ECONNRESET', withCode('connect', 'ECONNRESET'), true],
    ['connect ECONNREFUSED', withCode('connect', 'ECONNREFUSED'), true],
    ['connect without a code', new FetchError('connect', 'x'), true],
    ['connect, bad certificate', withCode('connect', 'CERT_HAS_EXPIRED'), false],
    ['connect, self-signed', withCode('connect', 'DEPTH_ZERO_SELF_SIGNED_CERT'), false],
    ['connect, TLS error', withCode('connect', 'ERR_TLS_CERT_ALTNAME_INVALID'), false],
    ['dns EAI_AGAIN', withCode('dns', 'EAI_AGAIN'), true],
    ['dns ENOTFOUND', withCode('dns', 'ENOTFOUND'), false],
    ['dns without a code', new FetchError('dns', 'x'), false],
    ['http-429', new FetchError('http-429', 'x'), true],
    ['http-500', new FetchError('http-500', 'x'), true],
    ['http-503', new FetchError('http-503', 'x'), true],
    ['http-599', new FetchError('http-599', 'x'), true],
    ['http-400', new FetchError('http-400', 'x'), false],
    ['http-403', new FetchError('http-403', 'x'), false],
    ['http-404', new FetchError('http-404', 'x'), false],
    ['http-302', new FetchError('http-302', 'x'), false],
    ['too-big', new FetchError('too-big', 'x'), false],
    ['bad-url', new FetchError('bad-url', 'x'), false],
    ['bad-content', new FetchError('bad-content', 'x'), false],
    ['blocked-address', new FetchError('blocked-address', 'x'), false],
    ['blocked-by-robots', new FetchError('blocked-by-robots', 'x'), false],
    ['blocked-redirect', new FetchError('blocked-redirect', 'x'), false],
    ['too-many-redirects', new FetchError('too-many-redirects', 'x'), false],
    ['StoreError', new StoreError('disk full'), false],
    ['plain Error', new Error('x'), false],
  ];
  for (const [name, error, expected] of table) {
    it(`${name} → ${expected ? 'retry' : 'no retry'}`, () => assert.equal(isRetryable(error), expected));
  }
});

describe('backoffDelay (full jitter)', () => {
  it('grows exponentially up to the cap, scaled by the random draw', () => {
    const half = (): number => 0.5;
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, 500, 30_000, half)),
      [250, 500, 1000, 2000, 4000, 8000, 15_000, 15_000],
    );
  });

  it('stays within [0, ceiling) for any draw, even a misbehaving one', () => {
    assert.equal(backoffDelay(1, 500, 30_000, () => 0), 0);
    assert.equal(backoffDelay(1, 500, 30_000, () => 0.999_999), 499);
    assert.equal(backoffDelay(3, 500, 30_000, () => 7), 2000);
    assert.equal(backoffDelay(3, 500, 30_000, () => -1), 0);
    assert.equal(backoffDelay(200, 500, 30_000, () => 0.5), 15_000);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-07-01T10:00:00Z');
  const table: Array<[string | undefined, number | undefined]> = [
    [undefined, undefined],
    ['0', 0],
    ['1', 1000],
    [' 120 ', 120_000],
    ['99999', 99_999_000],
    ['Tue, 01 Jul 2025 10:00:05 GMT', 5000],
    ['Tuesday, 01-Jul-25 10:01:00 GMT', 60_000],
    ['Tue Jul  1 10:00:30 2025', 30_000 - new Date(now).getTimezoneOffset() * -60_000],
    ['Mon, 30 Jun 2025 10:00:00 GMT', 0],
    ['-5', undefined],
    ['1.5', undefined],
    ['soon', undefined],
    ['', undefined],
  ];
  for (const [value, expected] of table) {
    it(`${JSON.stringify(value)} → ${String(expected)}`, () => {
      if (value?.startsWith('Tue Jul')) {
        // asctime has no zone: Date.parse reads it as local time; only check it is understood.
        assert.equal(typeof parseRetryAfter(value, now), 'number');
        return;
      }
      assert.equal(parseRetryAfter(value, now), expected);
    });
  }

  it('an absurd number of seconds does not overflow into a small delay', () => {
    const ms = parseRetryAfter('9'.repeat(40), now);
    assert.ok(ms !== undefined && ms > 1e15);
  });
});

describe('describeDelay', () => {
  it('uses seconds, then minutes, then hours', () => {
    assert.equal(describeDelay(1000), '1 s');
    assert.equal(describeDelay(119_000), '119 s');
    assert.equal(describeDelay(120_000), '2 min');
    assert.equal(describeDelay(99_999_000), '28 h');
  });
});
