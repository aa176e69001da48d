// Worker thread entry of the PDF pool (pool.ts): extracts the PDFs posted to it, one at a time, with
// the very same extractPdf() the main thread would run, and sends back the result or the error.

import { parentPort, workerData } from 'node:worker_threads';
import { extractPdf } from './pdf.js';
import { serializeError, type WorkerData, type WorkerRequest, type WorkerResponse } from './pool.js';

// pdf.js's legacy build (the one pdf-parse ships, for Node 20) installs core-js polyfills as it loads,
// and two of them replace built-ins that Node 20 already has with JavaScript versions:
// Array.prototype.push (forced by a spec corner: array-likes of length 2^32 and more) and JSON.parse (for the
// `source` of a reviver's context). pdf.js pushes for every glyph: the polyfilled push was a fifth of
// a 273-page novel's CPU time. This thread runs only pdf.js and the extractor, neither of which needs
// those corners, so the engine's own functions are put back once pdf.js is loaded.
const nativePush = Array.prototype.push;
const nativeJsonParse = JSON.parse;

const port = parentPort;
if (port === null) throw new Error('pdf-worker.js runs only as a worker thread of the PDF pool');
const options = workerData as WorkerData;

// pdf-parse, pdf.js and pdf.js's own "worker" (run on this thread: pdf.js's fake worker imports
// this very module on the first document) load once per worker, before the first document's clock
// starts, and before the built-ins are put back (pdf.js named here as pdf.ts imports it, so that a
// bundle evaluates its copy now, not on the first document).
// (pdf.worker.mjs has no type declarations: named through a variable, and only loaded.)
const pdfjsWorkerModule: string = 'pdfjs-dist/legacy/build/pdf.worker.mjs';
await Promise.all([import('pdf-parse'), import('pdfjs-dist/legacy/build/pdf.mjs'), import(pdfjsWorkerModule)]);
Object.defineProperty(Array.prototype, 'push', { value: nativePush, writable: true, enumerable: false, configurable: true });
Object.defineProperty(JSON, 'parse', { value: nativeJsonParse, writable: true, enumerable: false, configurable: true });

port.on('message', (request: WorkerRequest) => {
  void handle(request);
});

async function handle({ id, bytes, ocr }: WorkerRequest): Promise<void> {
  const reply = (response: WorkerResponse): void => port?.postMessage(response);
  reply({ type: 'started', id });
  try {
    if (options.magicInputs) await testOnlyMagic(bytes);
    const extraction = await extractPdf(bytes, {
      // The buffer came transferred, this thread's own: pdf.js takes it as it is, no second copy.
      transfer: true,
      ocr: ocr
        ? { ...options.ocr, onPage: (page) => reply({ type: 'progress', id, page }), onProcess: (pid) => reply({ type: 'process', id, pid: pid ?? null }) }
        : undefined,
    });
    reply({ type: 'done', id, extraction });
  } catch (error) {
    reply({ type: 'failed', id, error: serializeError(error) });
  }
}

/**
 * TEST ONLY (ExtractorOptions.__testHooks.magicInputs): misbehaviours on demand, for PDFs that start
 * with `%PDF-1.7\n%leakmirror-test:<command>\n`. Without the hook these are just broken PDFs.
 */
async function testOnlyMagic(bytes: Uint8Array): Promise<void> {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 64)).toString('latin1');
  const command = /^%PDF-1\.7\n%leakmirror-test:(\w+)\n/.exec(head)?.[1];
  switch (command) {
    case 'hang': // pdf.js stuck in a loop: the thread never yields
      for (;;) {
        // spin
      }
    case 'oom': { // pdf.js eating memory until the heap limit kills the worker
      const hoard: number[][] = [];
      for (;;) hoard.push(new Array<number>(1 << 16).fill(hoard.length));
    }
    case 'exit': // the thread ends without an error
      process.exit(7);
      break;
    case 'builtins': { // which built-ins pdf.js's polyfills left in place (they should be the engine's)
      const native = (value: unknown): boolean => typeof value === 'function' && /\{\s*\[native code\]\s*\}$/.test(Function.prototype.toString.call(value));
      throw new Error(`native push: ${native(Array.prototype.push)}, native JSON.parse: ${native(JSON.parse)}`);
    }
    case 'throw': // an exception outside the extraction's promise chain; the job never settles
      setImmediate(() => {
        throw new Error('uncaught in the worker');
      });
      await new Promise<never>(() => undefined);
      break;
    default:
      return;
  }
}
