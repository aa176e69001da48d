// Worker thread entry of the PDF pool (pool.ts): extracts the PDFs posted to it, one at a time, with
// the very same extractPdf() the main thread would run, and sends back the result or the error.

import { parentPort, workerData } from 'node:worker_threads';
import { extractPdf } from './pdf.js';
import { serializeError, type WorkerData, type WorkerRequest, type WorkerResponse } from './pool.js';

const port = parentPort;
if (port === null) throw new Error('pdf-worker.js runs only as a worker thread of the PDF pool');
const options = workerData as WorkerData;

// pdf-parse (and pdf.js under it) loads once per worker, before the first document's clock starts.
await import('pdf-parse');

port.on('message', (request: WorkerRequest) => {
  void handle(request);
});

async function handle({ id, bytes }: WorkerRequest): Promise<void> {
  const reply = (response: WorkerResponse): void => port?.postMessage(response);
  reply({ type: 'started', id });
  try {
    if (options.magicInputs) await testOnlyMagic(bytes);
    reply({ type: 'done', id, extraction: await extractPdf(bytes) });
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
