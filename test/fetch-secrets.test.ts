// Secret handling of the fetcher (pure): header checks, scrubbing, sanitized causes.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../src/errors.js';
import { checkHeaders, safeCause, scrub, secretStrings } from '../src/fetch/secrets.js';

describe('checkHeaders', () => {
  it('lower-cases names and keeps values', () => {
    assert.deepEqual(checkHeaders({ Authorization: 'Bearer x', 'X-Api-Key': 'k' }, 'src'), {
      authorization: 'Bearer x',
      'x-api-key': 'k',
    });
    assert.deepEqual(checkHeaders(undefined, 'src'), {});
  });

  const refused: Array<[Record<string, string>, RegExp]> = [
    [{ 'bad name': 'v' }, /not a valid header name/],
    [{ Host: 'evil.test' }, /Host header is set by the fetcher/],
    [{ 'Accept-Encoding': 'zstd' }, /set by the fetcher/],
    [{ 'If-None-Match': '"x"' }, /set by the fetcher/],
    [{ 'Transfer-Encoding': 'chunked' }, /set by the fetcher/],
    [{ 'X-Token': 'sekrit\r\nInjected: yes' }, /X-Token header is not a valid header value \(value not shown\)/],
    [{ 'X-Token': 'sekrit\u2028' }, /not a valid header value/],
  ];
  for (const [headers, message] of refused) {
    it(`refuses ${JSON.stringify(Object.keys(headers))} without showing the value`, () => {
      assert.throws(
        () => checkHeaders(headers, 'source docs'),
        (error: unknown) => {
          assert.ok(error instanceof UsageError);
          assert.match(error.message, message);
          assert.match(error.message, /^source docs: /);
          assert.doesNotMatch(error.message, /sekrit|evil|zstd/);
          return true;
        },
      );
    });
  }
});

describe('secretStrings and scrub', () => {
  it('scrubs values, the credential of "Scheme credential" values and their URL-encoded forms', () => {
    const secrets = secretStrings(['Bearer tok/en+123456', 'short', '']);
    const text = 'a Bearer tok/en+123456 b tok/en+123456 c tok%2Fen%2B123456 d short';
    assert.equal(scrub(text, secrets), 'a [redacted] b [redacted] c [redacted] d short');
  });

  it('leaves text alone when there is nothing to scrub', () => {
    assert.equal(scrub('nothing here', []), 'nothing here');
  });
});

describe('safeCause', () => {
  it('keeps name, code, errno, syscall and a scrubbed message; drops every other field', () => {
    const original = Object.assign(new TypeError('Invalid URL: http://u:sekrit-pass@h x/'), {
      code: 'ERR_INVALID_URL',
      errno: -22,
      syscall: 'parse',
      input: 'http://u:sekrit-pass@h x/',
      socket: { remoteAddress: '127.0.0.1' },
    });
    const copy = safeCause(original, secretStrings(['sekrit-pass']));
    assert.equal(copy.name, 'TypeError');
    assert.equal(copy.message, 'Invalid URL: http://u:[redacted]@h x/');
    assert.deepEqual({ ...copy }, { code: 'ERR_INVALID_URL', errno: -22, syscall: 'parse' });
    assert.doesNotMatch(String(copy.stack), /sekrit/);
  });

  it('copies the cause chain, bounded', () => {
    let error: Error = new Error('root sekrit-pass');
    for (let i = 0; i < 10; i++) error = new Error(`level ${i}`, { cause: error });
    const copy = safeCause(error, secretStrings(['sekrit-pass']));
    let depth = 0;
    for (let current: unknown = copy; current instanceof Error; current = current.cause) depth++;
    assert.equal(depth, 5);
    const shallow = safeCause(new Error('top', { cause: new Error('under sekrit-pass') }), secretStrings(['sekrit-pass']));
    assert.equal((shallow.cause as Error).message, 'under [redacted]');
  });

  it('accepts thrown non-errors', () => {
    assert.equal(safeCause('a string', []).message, 'a string');
  });
});
