import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withSourceAdded, initialConfigText } from '../src/config/file.js';
import { parseConfig } from '../src/config/schema.js';
import { ConfigError } from '../src/errors.js';

describe('parseConfig', () => {
  const invalid: Array<{ name: string; text: string; key: string; line: number; message: RegExp }> = [
    { name: 'unknown top-level key', text: 'name: x\nsourcez: {}\n', key: 'sourcez', line: 2, message: /Unrecognized key/ },
    {
      name: 'bad URL in a source',
      text: 'sources:\n  letter:\n    url: ftp://example.org/x\n',
      key: 'sources.letter.url',
      line: 3,
      message: /http/,
    },
    {
      name: 'unknown key in a source',
      text: 'sources:\n  letter:\n    url: https://example.org/\n    selct: main\n',
      key: 'sources.letter.selct',
      line: 4,
      message: /Unrecognized key/,
    },
    {
      name: 'invalid regex',
      text: 'sources:\n  idx:\n    url: https://example.org/\n    links: a\n    match: "(["\n',
      key: 'sources.idx.match',
      line: 5,
      message: /regular expression/,
    },
    { name: 'bad source name', text: 'sources:\n  Bad Name:\n    url: https://example.org/\n', key: 'sources.Bad Name', line: 2, message: /source names/ },
    { name: 'wrong type', text: 'fetch:\n  concurrency: many\n', key: 'fetch.concurrency', line: 2, message: /number/ },
    { name: 'YAML syntax error', text: 'sources:\n  a: [\n', key: '', line: 3, message: /YAML syntax/ },
    {
      name: 'match on a page source',
      text: 'sources:\n  a:\n    url: https://example.org/\n    kind: page\n    match: x\n',
      key: 'sources.a.kind',
      line: 4,
      message: /index sources/,
    },
  ];
  for (const testCase of invalid) {
    it(`rejects ${testCase.name} with key and line`, () => {
      const result = parseConfig(testCase.text);
      assert.equal(result.ok, false);
      if (result.ok) return;
      const issue = result.issues[0];
      assert.ok(issue);
      assert.equal(issue.key, testCase.key);
      assert.equal(issue.line, testCase.line);
      assert.match(issue.message, testCase.message);
    });
  }

  it('merges defaults and derives the source kind', () => {
    const result = parseConfig('name: m\nfetch:\n  delayMs: 0\nsources:\n  idx:\n    url: https://example.org/\n    links: a.doc\n  page:\n    url: https://example.org/a\n');
    assert.ok(result.ok);
    if (!result.ok) return;
    assert.equal(result.config.fetch.delayMs, 0);
    assert.equal(result.config.fetch.maxRedirects, 5);
    assert.equal(result.config.fetch.maxBytes, 100 * 1024 * 1024);
    assert.equal(result.config.rawCopies, true);
    assert.deepEqual(
      result.config.sources.map((source) => [source.name, source.kind]),
      [['idx', 'index'], ['page', 'page']],
    );
  });

  it('accepts an empty file and the initial config', () => {
    assert.ok(parseConfig('').ok);
    assert.ok(parseConfig(initialConfigText('x')).ok);
  });
});

describe('withSourceAdded', () => {
  it('keeps comments and adds the source in block style', () => {
    const text = withSourceAdded(initialConfigText('m'), 'letter', { url: 'https://example.org/letter.html', select: 'main' }, 'm');
    assert.match(text, /# leakmirror configuration/);
    assert.match(text, /sources:\n {2}letter:\n {4}url: https:\/\/example.org\/letter.html\n {4}select: main\n/);
    const parsed = parseConfig(text);
    assert.ok(parsed.ok);
  });

  it('refuses a taken name and an invalid source', () => {
    const once = withSourceAdded(initialConfigText('m'), 'a', { url: 'https://example.org/' }, 'm');
    assert.throws(() => withSourceAdded(once, 'a', { url: 'https://example.org/b' }, 'm'), ConfigError);
    assert.throws(() => withSourceAdded(once, 'b', { url: 'https://example.org/', kind: 'index', match: '(' }, 'm'), /match/);
  });
});
