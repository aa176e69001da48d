// Which redirects the fetcher follows without allowCrossSiteRedirects (pure).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redirectRefusal, siteOf } from '../src/fetch/redirect-policy.js';

describe('siteOf', () => {
  const table: Array<[string, string]> = [
    ['https://www.example.org/x', 'example.org'],
    ['https://a.b.example.co.uk/', 'example.co.uk'],
    ['https://alice.github.io/', 'alice.github.io'],
    ['http://127.0.0.1:8080/', '127.0.0.1'],
    ['http://[::1]/', '::1'],
    ['http://localhost/', 'localhost'],
    ['http://docs.test/', 'docs.test'],
  ];
  for (const [url, site] of table) {
    it(`${url} → ${site}`, () => assert.equal(siteOf(new URL(url)), site));
  }
});

describe('redirectRefusal', () => {
  const follow: Array<[string, string]> = [
    ['http://example.org/a', 'https://example.org/a'], // upgrade, same host
    ['https://example.org/a', 'http://example.org/a'], // downgrade on the same host
    ['http://example.org/a', 'http://example.org:8080/b'], // another port, same host
    ['https://a.example.org/', 'https://b.example.org/'],
    ['https://example.org/', 'https://www.example.org/'],
    ['http://a.example.org/', 'https://b.example.org/'],
    ['https://docs.example.co.uk/', 'https://files.example.co.uk/'],
    ['http://127.0.0.1:1/', 'http://127.0.0.1:2/'],
  ];
  for (const [from, to] of follow) {
    it(`follows ${from} → ${to}`, () => assert.equal(redirectRefusal(new URL(from), new URL(to), false), undefined));
  }

  const refuse: Array<[string, string, RegExp]> = [
    ['https://a.example.org/', 'https://other.example.net/', /other\.example\.net is on another site than a\.example\.org/],
    ['https://example.org/', 'https://example.org.evil.test/', /another site/],
    ['https://alice.github.io/', 'https://bob.github.io/', /bob\.github\.io.*alice\.github\.io/],
    ['https://a.example.org/', 'http://b.example.org/', /https on a\.example\.org to plain http on b\.example\.org/],
    ['https://example.co.uk/', 'https://other.co.uk/', /another site/],
    ['http://127.0.0.1/', 'http://127.0.0.2/', /127\.0\.0\.2 is on another site than 127\.0\.0\.1/],
    ['http://127.0.0.1/', 'http://localhost/', /another site/],
  ];
  for (const [from, to, message] of refuse) {
    it(`refuses ${from} → ${to}`, () => {
      assert.match(redirectRefusal(new URL(from), new URL(to), false) ?? '(followed)', message);
      assert.equal(redirectRefusal(new URL(from), new URL(to), true), undefined);
    });
  }
});
