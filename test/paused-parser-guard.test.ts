// The guard against undici 7's crash on a paused parser at the end of a connection
// (nodejs/undici#5360), on the installed undici, in child processes (the crash cannot be caught).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const CHILD = fileURLToPath(new URL('./helpers/paused-parser-child.js', import.meta.url));

interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runChild(mode: 'bare' | 'guarded', framing: 'length' | 'eof' | 'chunked' | 'short'): Promise<ChildRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CHILD, mode, framing], { timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

const T = { timeout: 60_000 };

describe('guardPausedParser (nodejs/undici#5360)', () => {
  for (const framing of ['length', 'eof'] as const) {
    it(`without it, undici crashes the process when the server closes after a ${framing === 'length' ? 'Content-Length' : 'connection-delimited'} body that waits for its reader`, T, async () => {
      const run = await runChild('bare', framing);
      assert.notEqual(run.code, 0, `undici no longer crashes here (${run.stdout}): the guard in src/fetch/paused-parser-guard.ts may be removed`);
      assert.match(run.stderr, /assert\(!this\.paused\)/);
    });
  }

  for (const framing of ['length', 'eof', 'chunked'] as const) {
    it(`with it, the whole ${framing} body arrives and the process lives`, T, async () => {
      const run = await runChild('guarded', framing);
      assert.equal(run.code, 0, run.stderr);
      const outcome = JSON.parse(run.stdout) as { bytes: number; expected: number; error?: string };
      assert.equal(outcome.error, undefined);
      assert.equal(outcome.bytes, outcome.expected);
    });
  }

  it('with it, a body shorter than its Content-Length is still an error, not a complete response', T, async () => {
    const run = await runChild('guarded', 'short');
    assert.equal(run.code, 0, run.stderr);
    const outcome = JSON.parse(run.stdout) as { bytes: number; expected: number; error?: string };
    assert.equal(outcome.error, 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH');
  });
});
