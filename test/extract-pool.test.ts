import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { ExtractError, UsageError, type FailureClass } from '../src/errors.js';
import { extract } from '../src/extract/index.js';
import { createExtractor, ExtractorClosedError, type ExtractorOptions, type PoolEvent } from '../src/extract/pool.js';

const run = promisify(execFile);
const url = 'https://example.org/doc.pdf';

function fixture(relativePath: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../../test/fixtures/real/pdf/${relativePath}`, import.meta.url)));
}

/** A PDF the workers misbehave on, with `__testHooks.magicInputs` only (see pdf-worker.ts). */
function magic(command: 'hang' | 'oom' | 'exit' | 'throw' | 'builtins'): Uint8Array {
  return new Uint8Array(Buffer.from(`%PDF-1.7\n%leakmirror-test:${command}\n`, 'latin1'));
}

/** An extractor with the test hooks, and the events it reported. */
function observed(options: ExtractorOptions = {}): { extractor: ReturnType<typeof createExtractor>; events: PoolEvent[] } {
  const events: PoolEvent[] = [];
  const extractor = createExtractor({ ...options, __testHooks: { magicInputs: true, onEvent: (event) => events.push(event) } });
  return { extractor, events };
}

/** Polls until `condition` holds; fails after `ms` (a bound on the test, not an assertion on speed). */
async function until(condition: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function failsWith(failure: FailureClass, pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof ExtractError, `expected an ExtractError, got ${String(error)}`);
    assert.equal(error.failure, failure);
    assert.match(error.message, pattern);
    return true;
  };
}

const isClosed = (error: unknown): boolean => error instanceof ExtractorClosedError;

const REAL_PDFS = [
  'multicolumn/tracemonkey_2col_14p.pdf',
  'nonlatin/multilang_en-ar-ru-zh-th-ja.pdf',
  'nonlatin/russian_font-without-tounicode_issue20453.pdf',
  'scanned/scan_1p_jbig2_no-text-layer.pdf',
  'encrypted/aes128_empty-user-password_form_issue9972.pdf',
  'broken/bad-xref-offsets_recoverable_helloworld.pdf',
];

describe('createExtractor: PDFs in worker threads', { timeout: 120_000 }, () => {
  it('gives exactly what extract() gives for real PDFs, and leaves the caller\'s bytes alone', { timeout: 60_000 }, async () => {
    const { extractor } = observed({ workers: 2 });
    try {
      for (const name of REAL_PDFS) {
        const bytes = fixture(name);
        const expected = await extract({ bytes, url });
        const actual = await extractor.extract({ bytes, url });
        assert.deepEqual(actual, expected, name);
        assert.equal(bytes.byteLength, fixture(name).byteLength, `${name}: the caller's buffer is not detached`);
        assert.deepEqual(bytes, fixture(name));
      }
      // A Buffer (a view of a shared pool for small sizes) is copied, not transferred.
      const buffer = Buffer.from(fixture('broken/bad-xref-offsets_recoverable_helloworld.pdf'));
      await extractor.extract({ bytes: buffer, url });
      assert.equal(buffer.byteLength, 745);
      assert.equal(buffer.buffer.byteLength > 0, true);
    } finally {
      await extractor.close();
    }
  });

  it('a source\'s volatile filters apply to PDFs from the workers as extract() applies them', { timeout: 60_000 }, async () => {
    const { extractor } = observed({ workers: 1 });
    try {
      const bytes = fixture('multicolumn/tracemonkey_2col_14p.pdf');
      const volatile = { dropLines: ['^Trace-based Just-in-Time'] };
      const expected = await extract({ bytes, url, volatile });
      assert.doesNotMatch(expected.text, /^Trace-based Just-in-Time/m);
      assert.deepEqual(await extractor.extract({ bytes, url, volatile }), expected);
    } finally {
      await extractor.close();
    }
  });

  it('errors cross the thread boundary as the same classes, failures, messages and hints', { timeout: 60_000 }, async () => {
    const { extractor } = observed({ workers: 1 });
    try {
      const cases: Array<[Uint8Array, FailureClass, RegExp]> = [
        [fixture('encrypted/aes256-r6_needs-password-1234.pdf'), 'encrypted', /password/],
        [fixture('broken/truncated_no-startxref_issue15590.pdf'), 'bad-content', /page tree/],
        [new Uint8Array(Buffer.from('%PDF-1.7\n1 0 obj <<')), 'bad-content', /PDF/],
        [new Uint8Array(0), 'bad-content', /empty/],
      ];
      for (const [bytes, failure, pattern] of cases) {
        const inProcess = await extract({ bytes, url, contentType: 'application/pdf' }).then(() => assert.fail('should fail'), (error: unknown) => error);
        assert.ok(inProcess instanceof ExtractError);
        await assert.rejects(extractor.extract({ bytes, url, contentType: 'application/pdf' }), (error: unknown) => {
          failsWith(failure, pattern)(error);
          assert.ok(error instanceof ExtractError);
          assert.equal(error.message, inProcess.message);
          assert.equal(error.hint, inProcess.hint);
          assert.equal(error.name, 'ExtractError');
          return true;
        });
      }
    } finally {
      await extractor.close();
    }
  });

  it('HTML, text and other types stay on the calling thread: no worker starts', { timeout: 30_000 }, async () => {
    const { extractor, events } = observed();
    try {
      const inputs = [
        { bytes: new Uint8Array(Buffer.from('<!doctype html><title>T</title><p>Hi</p>')), url },
        { bytes: new Uint8Array(Buffer.from('plain text\n')), contentType: 'text/plain', url },
        { bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]), contentType: 'image/png', url },
      ];
      for (const input of inputs) assert.deepEqual(await extractor.extract(input), await extract(input));
      await assert.rejects(extractor.extract({ bytes: new Uint8Array(Buffer.from('<p>x</p>')), url, select: 'p[' }), UsageError);
      assert.deepEqual(events, []);
    } finally {
      await extractor.close();
    }
  });

  it('two PDFs are in flight at once with two workers; a third waits', { timeout: 60_000 }, async () => {
    const { extractor, events } = observed({ workers: 2 });
    const calls = [magic('hang'), magic('hang'), magic('hang')].map((bytes) => extractor.extract({ bytes, url }));
    const outcomes = calls.map((call) => call.then(() => 'resolved', (error: unknown) => error));
    // Both hang forever, so two start events mean both were running at the same time.
    await until(() => events.filter((event) => event.type === 'start').length === 2);
    const starts = events.filter((event) => event.type === 'start');
    assert.deepEqual(new Set(starts.map((event) => event.worker)).size, 2, 'on two different workers');
    assert.deepEqual(starts.map((event) => event.job).sort(), [1, 2], 'the first two calls, in order');
    assert.equal(events.filter((event) => event.type === 'spawn').length, 2);
    assert.equal(events.filter((event) => event.type === 'settle').length, 0);
    await extractor.close();
    for (const outcome of await Promise.all(outcomes)) assert.ok(isClosed(outcome), String(outcome));
    assert.equal(events.filter((event) => event.type === 'start').length, 2, 'the queued call never started');
  });

  it('real PDFs submitted together (a queue of four) run on both workers with the same results', { timeout: 60_000 }, async () => {
    const { extractor, events } = observed({ workers: 2 });
    try {
      const bytes = fixture('multicolumn/tracemonkey_2col_14p.pdf');
      const expected = await extract({ bytes, url });
      const results = await Promise.all([1, 2, 3, 4, 5].map(() => extractor.extract({ bytes, url })));
      for (const result of results) assert.deepEqual(result, expected);
      const workers = new Set(events.flatMap((event) => (event.type === 'start' ? [event.worker] : [])));
      assert.deepEqual([...workers].sort(), [1, 2]);
    } finally {
      await extractor.close();
    }
  });

  it('with its worker busy, one waiting PDF does not start a second worker at once, but does after a wait', { timeout: 60_000 }, async () => {
    const { extractor, events } = observed({ workers: 2 });
    try {
      const pdf = fixture('broken/bad-xref-offsets_recoverable_helloworld.pdf');
      const expected = await extract({ bytes: pdf, url });
      // The first worker hangs on its PDF; a lone PDF behind it waits, then gets a worker of its own.
      const hanging = extractor.extract({ bytes: magic('hang'), url }).catch((error: unknown) => error);
      await until(() => events.some((event) => event.type === 'start'));
      const waiting = extractor.extract({ bytes: pdf, url });
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(events.filter((event) => event.type === 'spawn').length, 1, 'no second worker yet');
      assert.deepEqual(await waiting, expected);
      assert.equal(events.filter((event) => event.type === 'spawn').length, 2, 'a second worker after the wait');
      await extractor.close();
      assert.ok(isClosed(await hanging));
    } finally {
      await extractor.close();
    }
  });

  it('a PDF that comes while the only worker is busy and finishes soon waits for it: one worker for all', { timeout: 60_000 }, async () => {
    const { extractor, events } = observed({ workers: 2 });
    try {
      const pdf = fixture('broken/bad-xref-offsets_recoverable_helloworld.pdf');
      await extractor.extract({ bytes: pdf, url });
      // Two at once: the second waits for the first (a few milliseconds on a running worker).
      await Promise.all([extractor.extract({ bytes: pdf, url }), extractor.extract({ bytes: pdf, url })]);
      assert.equal(events.filter((event) => event.type === 'spawn').length, 1);
    } finally {
      await extractor.close();
    }
  });

  it('the queue beyond the pool size is served largest first (equals first in, first out), by the same worker', { timeout: 60_000 }, async () => {
    const { extractor, events } = observed({ workers: 1 });
    try {
      // 28.7 KB (taken at once: the worker is idle), then waiting: 745 B, 10.6 KB, 10.0 KB, 745 B.
      const names = [
        'nonlatin/multilang_en-ar-ru-zh-th-ja.pdf',
        'broken/bad-xref-offsets_recoverable_helloworld.pdf',
        'encrypted/aes256-r6_needs-password-1234.pdf',
        'scanned/scan_1p_jbig2_no-text-layer.pdf',
        'broken/bad-xref-offsets_recoverable_helloworld.pdf',
      ];
      const settled = await Promise.allSettled(names.map((name) => extractor.extract({ bytes: fixture(name), url })));
      assert.deepEqual(settled.map((outcome) => outcome.status), ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      const starts = events.filter((event) => event.type === 'start');
      assert.deepEqual(starts.map((event) => event.job), [1, 3, 4, 2, 5]);
      assert.deepEqual(new Set(starts.map((event) => event.worker)), new Set([1]));
      assert.equal(events.filter((event) => event.type === 'spawn').length, 1, 'workers are reused');
    } finally {
      await extractor.close();
    }
  });

  it('a PDF over the time limit: the worker is terminated, the call fails with extract-timeout, the next PDF works', { timeout: 60_000 }, async () => {
    const { extractor, events } = observed({ workers: 1, timeoutMs: 3_000 });
    try {
      await assert.rejects(extractor.extract({ bytes: magic('hang'), url }), failsWith('extract-timeout', /longer than the limit of 3 s/));
      assert.ok(events.some((event) => event.type === 'retire' && event.reason === 'timeout' && event.worker === 1));
      const bytes = fixture('nonlatin/multilang_en-ar-ru-zh-th-ja.pdf');
      assert.deepEqual(await extractor.extract({ bytes, url }), await extract({ bytes, url }));
      assert.ok(events.some((event) => event.type === 'start' && event.worker === 2), 'a fresh worker took over');
    } finally {
      await extractor.close();
    }
  });

  it('a timed-out PDF frees its place for the queue, which goes on', { timeout: 60_000 }, async () => {
    const { extractor } = observed({ workers: 1, timeoutMs: 3_000 });
    try {
      const hung = extractor.extract({ bytes: magic('hang'), url });
      const next = extractor.extract({ bytes: fixture('broken/bad-xref-offsets_recoverable_helloworld.pdf'), url });
      await assert.rejects(hung, failsWith('extract-timeout', /3 s/));
      assert.match((await next).text, /Hello, world!/);
    } finally {
      await extractor.close();
    }
  });

  it('a worker that crashes (out of memory, exit, uncaught exception) fails its PDF as bad content; the pool recovers', { timeout: 90_000 }, async () => {
    const { extractor, events } = observed({ workers: 1, maxOldGenerationSizeMb: 128 });
    try {
      await assert.rejects(extractor.extract({ bytes: magic('oom'), url }), failsWith('bad-content', /^the PDF extractor crashed: .*memory/));
      await assert.rejects(extractor.extract({ bytes: magic('exit'), url }), failsWith('bad-content', /^the PDF extractor crashed: the worker exited with code 7$/));
      await assert.rejects(extractor.extract({ bytes: magic('throw'), url }), failsWith('bad-content', /^the PDF extractor crashed: uncaught in the worker$/));
      assert.equal(events.filter((event) => event.type === 'retire' && event.reason === 'crash').length, 3);
      const bytes = fixture('nonlatin/multilang_en-ar-ru-zh-th-ja.pdf');
      assert.deepEqual(await extractor.extract({ bytes, url }), await extract({ bytes, url }));
    } finally {
      await extractor.close();
    }
  });

  it('the workers run pdf.js with the engine\'s own push and JSON.parse, after a PDF too (not core-js\'s)', { timeout: 30_000 }, async () => {
    const { extractor } = observed({ workers: 1 });
    try {
      await extractor.extract({ bytes: fixture('multicolumn/tracemonkey_2col_14p.pdf'), url });
      await assert.rejects(extractor.extract({ bytes: magic('builtins'), url }), /^Error: native push: true, native JSON.parse: true$/);
    } finally {
      await extractor.close();
    }
  });

  it('bytes the caller gives up go to the worker without a copy; otherwise the caller keeps them', { timeout: 30_000 }, async () => {
    const extractor = createExtractor({ workers: 1, timeoutMs: 20_000 });
    try {
      const pdf = fixture('broken/bad-xref-offsets_recoverable_helloworld.pdf');
      const expected = await extractor.extract({ bytes: new Uint8Array(pdf), url });
      // Given up, a buffer of exactly these bytes: handed over (detached here), same text.
      const own = new Uint8Array(pdf);
      assert.deepEqual(await extractor.extract({ bytes: own, url, giveUpBytes: true }), expected);
      assert.equal(own.byteLength, 0);
      // Not given up: kept.
      const kept = new Uint8Array(pdf);
      await extractor.extract({ bytes: kept, url });
      assert.deepEqual(kept, pdf);
      // Given up, but a view of a larger buffer: copied, the larger buffer left alone.
      const larger = new Uint8Array(pdf.byteLength + 16);
      larger.set(pdf, 8);
      const view = larger.subarray(8, 8 + pdf.byteLength);
      assert.deepEqual(await extractor.extract({ bytes: view, url, giveUpBytes: true }), expected);
      assert.equal(larger.byteLength, pdf.byteLength + 16);
      assert.deepEqual(view, pdf);
    } finally {
      await extractor.close();
    }
  });

  it('a worker that has read a large PDF is replaced by a fresh one; smaller PDFs keep their worker', { timeout: 60_000 }, async () => {
    const small = fixture('broken/bad-xref-offsets_recoverable_helloworld.pdf');
    const large = fixture('multicolumn/tracemonkey_2col_14p.pdf');
    assert.ok(large.byteLength > 10_000 && small.byteLength < 1_000);
    const { extractor, events } = observed({ workers: 1, recycleAfterBytes: 10_000 });
    try {
      const expected = await extract({ bytes: large, url });
      await extractor.extract({ bytes: small, url });
      await extractor.extract({ bytes: small, url });
      assert.deepEqual(events.filter((event) => event.type === 'retire'), [], 'small PDFs: the same worker');
      assert.deepEqual(await extractor.extract({ bytes: large, url }), expected, 'the large PDF\'s text is given before its worker goes');
      assert.deepEqual(events.filter((event) => event.type === 'retire'), [{ type: 'retire', worker: 1, reason: 'recycle' }]);
      await extractor.extract({ bytes: small, url });
      const spawned = events.filter((event) => event.type === 'spawn').map((event) => event.worker);
      assert.deepEqual(spawned, [1, 2], 'the next PDF starts a new worker');
      const lastStart = events.filter((event) => event.type === 'start').at(-1);
      assert.equal(lastStart?.worker, 2);
    } finally {
      await extractor.close();
    }
  });

  it('without the test hook, a magic input is only a broken PDF', { timeout: 30_000 }, async () => {
    const extractor = createExtractor({ workers: 1, timeoutMs: 20_000 });
    try {
      await assert.rejects(extractor.extract({ bytes: magic('hang'), url }), failsWith('bad-content', /PDF/));
    } finally {
      await extractor.close();
    }
  });

  it('after close(), every call rejects; close() is idempotent', { timeout: 30_000 }, async () => {
    const { extractor, events } = observed({ workers: 1 });
    await extractor.extract({ bytes: fixture('broken/bad-xref-offsets_recoverable_helloworld.pdf'), url });
    await extractor.close();
    await extractor.close();
    assert.ok(events.some((event) => event.type === 'retire' && event.reason === 'close'));
    await assert.rejects(extractor.extract({ bytes: fixture('broken/bad-xref-offsets_recoverable_helloworld.pdf'), url }), ExtractorClosedError);
    await assert.rejects(extractor.extract({ bytes: new Uint8Array(Buffer.from('<p>x</p>')), url }), ExtractorClosedError);
  });

  it('rejects nonsense options', () => {
    assert.throws(() => createExtractor({ workers: 0 }), UsageError);
    assert.throws(() => createExtractor({ workers: 1.5 }), UsageError);
    assert.throws(() => createExtractor({ timeoutMs: 0 }), UsageError);
    assert.throws(() => createExtractor({ maxOldGenerationSizeMb: -1 }), UsageError);
    assert.throws(() => createExtractor({ maxYoungGenerationSizeMb: 0 }), UsageError);
    assert.throws(() => createExtractor({ recycleAfterBytes: Number.NaN }), UsageError);
  });
});

describe('the pool never keeps the process alive', { timeout: 60_000 }, () => {
  const moduleUrl = new URL('../src/extract/index.js', import.meta.url).href;
  const pdfPath = new URL('../../test/fixtures/real/pdf/broken/bad-xref-offsets_recoverable_helloworld.pdf', import.meta.url);

  async function child(body: string): Promise<string> {
    const script = `import { readFileSync } from 'node:fs';\nimport { createExtractor } from ${JSON.stringify(moduleUrl)};\nconst bytes = new Uint8Array(readFileSync(new URL(${JSON.stringify(pdfPath.href)})));\n${body}`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { timeout: 30_000 });
    return stdout;
  }

  it('an idle extractor that was never closed lets the process exit', { timeout: 40_000 }, async () => {
    const stdout = await child(`const extractor = createExtractor({ workers: 2 });
const extraction = await extractor.extract({ bytes, url: 'u' });
console.log(extraction.text.includes('Hello, world!') ? 'extracted' : 'wrong');`);
    assert.equal(stdout, 'extracted\n');
  });

  it('close() rejects the PDFs in flight and queued, and the process exits', { timeout: 40_000 }, async () => {
    const stdout = await child(`let started = 0;
const extractor = createExtractor({ workers: 1, __testHooks: { magicInputs: true, onEvent: (event) => { if (event.type === 'start') started++; } } });
const hang = new Uint8Array(Buffer.from('%PDF-1.7\\n%leakmirror-test:hang\\n', 'latin1'));
const calls = [extractor.extract({ bytes: hang, url: 'u' }), extractor.extract({ bytes, url: 'u' })].map((call) => call.then(() => 'resolved', (error) => error.name));
while (started === 0) await new Promise((resolve) => setTimeout(resolve, 10));
await extractor.close();
console.log((await Promise.all(calls)).join(' '));`);
    assert.equal(stdout, 'ExtractorClosedError ExtractorClosedError\n');
  });
});
