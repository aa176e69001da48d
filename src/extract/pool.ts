// A pool of worker threads for PDF extraction, with a time limit per document.
// pdf.js is CPU-bound and ~2.8x slower than pdftotext (FIELD-NOTES.md): one thread per core keeps up,
// and a PDF that makes pdf.js loop or eat memory costs one worker, not the run. HTML and text stay on
// the calling thread: they are fast, and cheerio is loaded there already.
//
// Protocol (pdf-worker.ts): the pool posts { id, bytes, ocr } with the bytes' buffer transferred (a
// copy: the caller's buffer is never detached; the worker hands that buffer on to pdf.js as it is);
// the worker answers `started`, `progress` before each page it reads by OCR, then `done` or `failed`
// with the error serialized (class, failure, message, hint), rebuilt here as the same class.
// Waiting PDFs go largest first: with both workers busy, a big PDF taken last would leave one
// worker idle at the end of a run. Workers start as the work calls for them (a second one for a
// queue, not for every PDF), and one that has read a large PDF is replaced to give its memory back.

import os from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  DocumentError,
  errorMessage,
  ExtractError,
  FatalError,
  LeakmirrorError,
  UsageError,
  type FailureClass,
} from '../errors.js';
import { detectKind } from './detect.js';
import { DEFAULT_OCR_LANGUAGE, DEFAULT_OCR_PAGE_TIMEOUT_MS } from './ocr.js';
import { extract, withVolatileFiltered } from './index.js';
import type { ExtractInput, Extraction } from './types.js';

export interface ExtractorOptions {
  /** PDFs extracted at once, one worker thread each. Default: `os.availableParallelism()`. */
  workers?: number;
  /** Per PDF, from the moment its worker starts on it; the worker is then terminated. Default 60,000. */
  timeoutMs?: number;
  /** Heap limit of each worker (`resourceLimits.maxOldGenerationSizeMb`); beyond it the worker dies. Default 1,024. */
  maxOldGenerationSizeMb?: number;
  /**
   * Young generation of each worker (`resourceLimits.maxYoungGenerationSizeMb`). Default 12: with V8's
   * own (32-48 MiB a thread) a cold sync of the bench peaked 20-60 MiB higher, and on the real corpus
   * PDFs the smaller one costs no measurable CPU (BENCHMARKS.md).
   */
  maxYoungGenerationSizeMb?: number;
  /** A worker that has just read a PDF of at least this many bytes is replaced by a fresh one. Default 16 MiB. */
  recycleAfterBytes?: number;
  /**
   * OCR (sources with `ocr: true`, PDFs without text): tesseract's time limit per page; the page is
   * left empty beyond it. Default 60,000. While a PDF is read by OCR the pool's clock restarts at
   * each page, with `timeoutMs` + this for the page (rendering, then tesseract).
   */
  ocrPageTimeoutMs?: number;
  /** OCR: tesseract's languages (`-l`). Default `eng`. */
  ocrLanguage?: string;
  /** OCR: the tesseract executable. Default: `tesseract` on PATH; `null`: no OCR (as without tesseract). */
  ocrCommand?: string | null;
  /**
   * TEST ONLY: never set by the program. `magicInputs` makes the workers obey PDFs that start with
   * `%PDF-1.7\n%leakmirror-test:<hang|oom|exit|throw|builtins>` (see pdf-worker.ts); `onEvent` observes the pool.
   */
  __testHooks?: {
    magicInputs?: boolean;
    onEvent?: (event: PoolEvent) => void;
  };
}

export interface Extractor {
  /** The same result, and the same errors, as `extract()`; PDFs run in a worker thread. */
  extract(input: ExtractInput): Promise<Extraction>;
  /** Terminates the workers; PDFs in flight or queued reject with ExtractorClosedError, and so do later calls. */
  close(): Promise<void>;
}

/** What the pool did, for tests (`__testHooks.onEvent`). `worker` numbers start at 1 and are never reused. */
export type PoolEvent =
  | { type: 'spawn'; worker: number }
  | { type: 'start'; worker: number; job: number; at: number }
  | { type: 'progress'; worker: number; job: number; page: number }
  | { type: 'settle'; worker: number; job: number; at: number; ok: boolean }
  | { type: 'retire'; worker: number; reason: RetireReason };

/** Why a worker left the pool: it overran, died, the pool closed, or it had just read a large PDF. */
type RetireReason = 'timeout' | 'crash' | 'close' | 'recycle';

/** extract() on an Extractor that was closed (or closed while the document waited or ran). */
export class ExtractorClosedError extends FatalError {
  constructor() {
    super('the extractor is closed');
  }
}

export const DEFAULT_PDF_TIMEOUT_MS = 60_000;
export const DEFAULT_WORKER_HEAP_MB = 1024;
export const DEFAULT_WORKER_YOUNG_MB = 12;
/**
 * A worker that has just read a PDF this large is replaced by a fresh one: V8 keeps the heap that
 * the big document grew long after pdf.js released it (about 45 MiB of RSS after the 80 MiB PDF of
 * the sync bench), and a new thread costs about 0.1 s against the seconds such a PDF takes.
 */
export const DEFAULT_RECYCLE_AFTER_BYTES = 16 * 1024 * 1024;
/** Node flags passed on to the workers (the others concern the main program, or break a worker). */
const INHERITED_FLAGS = new Set(['--enable-source-maps']);
/** With every worker busy: how many waiting PDFs, or how long a wait, start another worker. */
const SPAWN_AT_QUEUE = 4;
const SPAWN_AFTER_WAIT_MS = 1000;
/** setTimeout's largest delay; a longer limit means no limit. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function createExtractor(options: ExtractorOptions = {}): Extractor {
  const workers = options.workers ?? os.availableParallelism();
  const timeoutMs = options.timeoutMs ?? DEFAULT_PDF_TIMEOUT_MS;
  const heapMb = options.maxOldGenerationSizeMb ?? DEFAULT_WORKER_HEAP_MB;
  const youngMb = options.maxYoungGenerationSizeMb ?? DEFAULT_WORKER_YOUNG_MB;
  const recycleAfterBytes = options.recycleAfterBytes ?? DEFAULT_RECYCLE_AFTER_BYTES;
  if (!Number.isInteger(workers) || workers < 1) throw new UsageError(`workers must be a positive integer, not ${workers}`);
  if (!(timeoutMs > 0)) throw new UsageError(`timeoutMs must be a positive number, not ${timeoutMs}`);
  if (!(heapMb > 0)) throw new UsageError(`maxOldGenerationSizeMb must be a positive number, not ${heapMb}`);
  if (!(youngMb > 0)) throw new UsageError(`maxYoungGenerationSizeMb must be a positive number, not ${youngMb}`);
  if (!(recycleAfterBytes > 0)) throw new UsageError(`recycleAfterBytes must be a positive number, not ${recycleAfterBytes}`);
  const ocrPageTimeoutMs = options.ocrPageTimeoutMs ?? DEFAULT_OCR_PAGE_TIMEOUT_MS;
  if (!(ocrPageTimeoutMs > 0)) throw new UsageError(`ocrPageTimeoutMs must be a positive number, not ${ocrPageTimeoutMs}`);
  const ocrLanguage = options.ocrLanguage ?? DEFAULT_OCR_LANGUAGE;
  if (!/^[A-Za-z0-9_/-]+(\+[A-Za-z0-9_/-]+)*$/.test(ocrLanguage)) throw new UsageError(`ocrLanguage must be tesseract language codes joined by +, not ${JSON.stringify(ocrLanguage)}`);

  const workerData: WorkerData = {
    magicInputs: options.__testHooks?.magicInputs === true,
    ocr: { pageTimeoutMs: ocrPageTimeoutMs, language: ocrLanguage, command: options.ocrCommand },
  };
  const pool = new PdfPool({ size: workers, timeoutMs, heapMb, youngMb, recycleAfterBytes }, workerData, options.__testHooks ?? {});
  return {
    async extract(input) {
      if (pool.closed) throw new ExtractorClosedError();
      if (detectKind(input.bytes, input.contentType).kind !== 'pdf') return extract(input);
      // The source's volatile filters, as extract() applies them to what it extracts itself.
      return withVolatileFiltered(await pool.run(input.bytes, input.ocr === true, input.giveUpBytes === true), input.volatile);
    },
    close: () => pool.close(),
  };
}

// ---- Messages between the pool and pdf-worker.ts (types only: the worker never loads this module). ----

export interface WorkerData {
  magicInputs: boolean;
  /** How to OCR, for the PDFs whose request says `ocr`. */
  ocr: { pageTimeoutMs: number; language: string; command: string | null | undefined };
}

export interface WorkerRequest {
  id: number;
  bytes: Uint8Array;
  /** The source asks for OCR of PDFs without text. */
  ocr: boolean;
}

export type WorkerResponse =
  | { type: 'started'; id: number }
  /** Before each page read by OCR: the clock restarts. */
  | { type: 'progress'; id: number; page: number }
  /** A process the worker started (tesseract) and must not outlive the worker; null: it ended. */
  | { type: 'process'; id: number; pid: number | null }
  | { type: 'done'; id: number; extraction: Extraction }
  | { type: 'failed'; id: number; error: SerializedError };

export interface SerializedError {
  /** The class to rebuild; anything else becomes a plain Error with `name` kept. */
  kind: 'ExtractError' | 'DocumentError' | 'UsageError' | 'FatalError' | 'LeakmirrorError' | 'Error';
  name: string;
  message: string;
  failure?: FailureClass | undefined;
  hint?: string | undefined;
  stack?: string | undefined;
  cause?: { name: string; message: string } | undefined;
}

export function serializeError(error: unknown): SerializedError {
  const base = {
    name: error instanceof Error ? error.name : 'Error',
    message: errorMessage(error),
    stack: error instanceof Error ? error.stack : undefined,
    hint: error instanceof LeakmirrorError ? error.hint : undefined,
    cause: error instanceof Error && error.cause !== undefined ? { name: error.cause instanceof Error ? error.cause.name : 'Error', message: errorMessage(error.cause) } : undefined,
  };
  if (error instanceof ExtractError) return { ...base, kind: 'ExtractError', failure: error.failure };
  if (error instanceof DocumentError) return { ...base, kind: 'DocumentError', failure: error.failure };
  if (error instanceof UsageError) return { ...base, kind: 'UsageError' };
  if (error instanceof FatalError) return { ...base, kind: 'FatalError' };
  if (error instanceof LeakmirrorError) return { ...base, kind: 'LeakmirrorError' };
  return { ...base, kind: 'Error' };
}

export function deserializeError(serialized: SerializedError): Error {
  let cause: Error | undefined;
  if (serialized.cause !== undefined) {
    cause = new Error(serialized.cause.message);
    cause.name = serialized.cause.name;
  }
  const details = { cause, hint: serialized.hint };
  let error: Error;
  switch (serialized.kind) {
    case 'ExtractError':
      error = new ExtractError(serialized.failure ?? 'bad-content', serialized.message, details);
      break;
    case 'DocumentError':
      error = new DocumentError(serialized.failure ?? 'bad-content', serialized.message, details);
      break;
    case 'UsageError':
      error = new UsageError(serialized.message, details);
      break;
    case 'FatalError':
      error = new FatalError(serialized.message, details);
      break;
    case 'LeakmirrorError':
      error = new LeakmirrorError(serialized.message, details);
      break;
    case 'Error':
      error = new Error(serialized.message, cause === undefined ? undefined : { cause });
      break;
  }
  // A subclass the switch does not know (ConfigError, a TypeError) keeps its name.
  error.name = serialized.name;
  if (serialized.stack !== undefined) error.stack = serialized.stack;
  return error;
}

// ---- The pool. ----

interface Job {
  id: number;
  /** The copy to transfer; emptied once posted. */
  bytes: Uint8Array<ArrayBuffer>;
  /** Its size, for the order of the queue (largest first). */
  size: number;
  /** When it was queued (performance.now()), for starting another worker. */
  queuedAt: number;
  ocr: boolean;
  resolve: (extraction: Extraction) => void;
  reject: (error: unknown) => void;
}

interface Slot {
  id: number;
  worker: Worker;
  job: Job | undefined;
  timer: NodeJS.Timeout | undefined;
  retired: boolean;
  exited: Promise<void>;
  /** The process the worker's job is running (tesseract), killed if the worker is ended from outside. */
  childPid: number | undefined;
}

const EMPTY = new Uint8Array(new ArrayBuffer(0));

interface PoolLimits {
  size: number;
  timeoutMs: number;
  heapMb: number;
  youngMb: number;
  recycleAfterBytes: number;
}

class PdfPool {
  closed = false;
  private readonly slots = new Set<Slot>();
  /** Workers retired (timed out, crashed) whose threads may not have ended yet: close() waits for them. */
  private readonly dying = new Set<Promise<void>>();
  private readonly queue: Job[] = [];
  private nextJob = 1;
  private nextWorker = 1;
  private closing: Promise<void> | undefined;
  private spawnTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly limits: PoolLimits,
    private readonly workerData: WorkerData,
    private readonly hooks: NonNullable<ExtractorOptions['__testHooks']>,
  ) {}

  run(bytes: Uint8Array, ocr: boolean, giveUp = false): Promise<Extraction> {
    if (this.closed) return Promise.reject(new ExtractorClosedError());
    // The buffer posted is transferred to the worker. The caller's own buffer goes when they give it
    // up and it holds exactly these bytes (a large file read whole: no copy of an 80 MiB PDF);
    // otherwise a copy of exactly these bytes (never a view of a larger or pooled buffer) goes, and
    // the caller keeps theirs.
    const buffer = bytes.buffer;
    const own = giveUp && buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength;
    const copy = own ? new Uint8Array(buffer) : new Uint8Array(bytes.byteLength);
    if (!own) copy.set(bytes);
    return new Promise<Extraction>((resolve, reject) => {
      this.queue.push({ id: this.nextJob++, bytes: copy, size: copy.byteLength, queuedAt: performance.now(), ocr, resolve, reject });
      this.pump();
    });
  }

  close(): Promise<void> {
    if (this.closing === undefined) {
      this.closed = true;
      const error = new ExtractorClosedError();
      clearTimeout(this.spawnTimer);
      for (const job of this.queue.splice(0)) job.reject(error);
      for (const slot of [...this.slots]) this.retire(slot, 'close', error);
      this.closing = Promise.all(this.dying).then(() => undefined);
    }
    return this.closing;
  }

  /**
   * Hands queued jobs, largest first (then oldest first), to idle workers, starting workers up to the
   * pool size when the work calls for one (see wantsAnotherWorker).
   */
  private pump(): void {
    clearTimeout(this.spawnTimer);
    this.spawnTimer = undefined;
    while (!this.closed && this.queue.length > 0) {
      let slot = [...this.slots].find((candidate) => candidate.job === undefined);
      if (slot === undefined && this.slots.size < this.limits.size && this.wantsAnotherWorker()) {
        try {
          slot = this.spawn();
        } catch (error) {
          // No thread to be had (out of resources): the document next in line fails, the next may not.
          this.takeNext().reject(error);
          continue;
        }
      }
      if (slot === undefined) {
        this.spawnLater();
        return;
      }
      this.dispatch(slot, this.takeNext());
    }
  }

  /**
   * A new worker costs about 0.5 s of CPU before its first page (loading and compiling pdf.js and its
   * canvas addon; its first PDF took 0.75 s against 0.1 s for the next ones, in an incremental sync
   * of the bench), as much as five ordinary PDFs on a worker that is already running. So with every
   * worker busy, another starts only when SPAWN_AT_QUEUE PDFs wait, or when the oldest has waited
   * SPAWN_AFTER_WAIT_MS: a run with a few PDFs spread over its fetches (a mirror's usual run) starts
   * one worker, a run with many (a first sync) starts them all within its first PDFs.
   */
  private wantsAnotherWorker(): boolean {
    if (this.slots.size === 0 || this.queue.length >= SPAWN_AT_QUEUE) return true;
    return performance.now() - this.oldestQueuedAt() >= SPAWN_AFTER_WAIT_MS;
  }

  /**
   * When the longest-waiting job was queued: the first in the queue, since jobs are appended in
   * order and taking one out (largest first) keeps the others' order. The queue is not empty.
   */
  private oldestQueuedAt(): number {
    return (this.queue[0] as Job).queuedAt;
  }

  /** With jobs waiting and room in the pool, look again once the oldest has waited long enough. */
  private spawnLater(): void {
    if (this.slots.size >= this.limits.size || this.queue.length === 0) return;
    this.spawnTimer = setTimeout(() => this.pump(), Math.max(0, this.oldestQueuedAt() + SPAWN_AFTER_WAIT_MS - performance.now()));
    // The busy workers keep the process alive while jobs wait; this timer need not.
    this.spawnTimer.unref();
  }

  /** Removes and returns the largest queued job (the oldest of equals); the queue is not empty. */
  private takeNext(): Job {
    let best = 0;
    for (let index = 1; index < this.queue.length; index++) {
      if ((this.queue[index] as Job).size > (this.queue[best] as Job).size) best = index;
    }
    return this.queue.splice(best, 1)[0] as Job;
  }

  private spawn(): Slot {
    const worker = new Worker(new URL('./pdf-worker.js', import.meta.url), {
      workerData: this.workerData,
      resourceLimits: { maxOldGenerationSizeMb: this.limits.heapMb, maxYoungGenerationSizeMb: this.limits.youngMb },
      // Not the parent's flags: `node --input-type=module -e …` would make the worker fail to start.
      execArgv: process.execArgv.filter((flag) => INHERITED_FLAGS.has(flag)),
    });
    const slot: Slot = {
      id: this.nextWorker++,
      worker,
      childPid: undefined,
      job: undefined,
      timer: undefined,
      retired: false,
      exited: new Promise((resolve) => worker.once('exit', () => resolve())),
    };
    this.slots.add(slot);
    worker.on('message', (message: WorkerResponse) => this.onMessage(slot, message));
    // After retirement the worker may still report its death: keep listening, ignore it.
    worker.on('error', (error) => this.crashed(slot, errorMessage(error)));
    worker.on('messageerror', (error) => this.crashed(slot, `a message could not be read (${errorMessage(error)})`));
    worker.on('exit', (code) => this.crashed(slot, `the worker exited with code ${code}`));
    worker.unref();
    this.hooks.onEvent?.({ type: 'spawn', worker: slot.id });
    return slot;
  }

  private dispatch(slot: Slot, job: Job): void {
    slot.job = job;
    slot.worker.ref();
    // The clock runs from dispatch (a worker that never starts is caught too) and restarts when
    // the worker takes the document, so starting a thread and loading pdf.js are not charged to it.
    this.arm(slot);
    const request: WorkerRequest = { id: job.id, bytes: job.bytes, ocr: job.ocr };
    slot.worker.postMessage(request, [job.bytes.buffer]);
    job.bytes = EMPTY;
  }

  /** (Re)starts the slot's clock: `timeoutMs`, or for one page read by OCR, that plus tesseract's own limit. */
  private arm(slot: Slot, ocrPage = false): void {
    clearTimeout(slot.timer);
    slot.timer = undefined;
    const limitMs = ocrPage ? this.limits.timeoutMs + this.workerData.ocr.pageTimeoutMs : this.limits.timeoutMs;
    if (limitMs > MAX_TIMER_MS) return;
    slot.timer = setTimeout(() => {
      const what = ocrPage ? 'One page of OCR' : 'PDF extraction';
      this.retire(slot, 'timeout', new ExtractError('extract-timeout', `${what} took longer than the limit of ${formatMs(limitMs)}; the extractor was stopped`, {
        hint: 'the PDF may be huge or malformed',
      }));
      this.pump();
    }, limitMs);
  }

  private onMessage(slot: Slot, message: WorkerResponse): void {
    const job = slot.job;
    if (slot.retired || job === undefined || message.id !== job.id) return;
    if (message.type === 'started') {
      this.arm(slot);
      this.hooks.onEvent?.({ type: 'start', worker: slot.id, job: job.id, at: performance.now() });
      return;
    }
    if (message.type === 'progress') {
      this.arm(slot, true);
      this.hooks.onEvent?.({ type: 'progress', worker: slot.id, job: job.id, page: message.page });
      return;
    }
    if (message.type === 'process') {
      slot.childPid = message.pid ?? undefined;
      return;
    }
    clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.job = undefined;
    slot.worker.unref();
    this.hooks.onEvent?.({ type: 'settle', worker: slot.id, job: job.id, at: performance.now(), ok: message.type === 'done' });
    if (message.type === 'done') job.resolve(message.extraction);
    else job.reject(deserializeError(message.error));
    if (job.size >= this.limits.recycleAfterBytes) this.retire(slot, 'recycle');
    this.pump();
  }

  private crashed(slot: Slot, reason: string): void {
    if (slot.retired) return;
    this.retire(slot, 'crash', new ExtractError('bad-content', `the PDF extractor crashed: ${reason}`));
    this.pump();
  }

  /** Takes a worker out of the pool for good: terminated, its document (if any) rejected with `error`. */
  private retire(slot: Slot, reason: RetireReason, error?: Error): void {
    if (slot.retired) return;
    slot.retired = true;
    this.slots.delete(slot);
    clearTimeout(slot.timer);
    slot.timer = undefined;
    const job = slot.job;
    slot.job = undefined;
    // terminate() settles when the thread is gone, even one stuck in a loop; a dead one settles at once.
    slot.worker.terminate().catch(() => undefined);
    // A process the thread started (tesseract) would run on without it.
    if (slot.childPid !== undefined) {
      try {
        process.kill(slot.childPid, 'SIGKILL');
      } catch {
        // already gone
      }
      slot.childPid = undefined;
    }
    const exited = slot.exited.then(() => {
      this.dying.delete(exited);
    });
    this.dying.add(exited);
    this.hooks.onEvent?.({ type: 'retire', worker: slot.id, reason });
    if (error !== undefined) job?.reject(error);
  }
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${(ms / 1000).toLocaleString('en-US')} s` : `${ms.toLocaleString('en-US')} ms`;
}
