// Commands that keep many documents in flight (sync, watch, reextract) ask V8 to collect garbage
// sooner. By default V8 lets a heap grow to several times what is live before a full collection: in
// a cold sync of the bench corpus (2,000 documents and an 80 MiB PDF) the main thread's heap reached
// 155-177 MiB with 25-35 MiB of it live, and the process peaked at 351-374 MiB of RSS; with a growth
// factor of 1.3 the heap stayed under 80 MiB and the peak at 272-291 MiB, for 3-14% more user CPU in
// four pairs of runs (BENCHMARKS.md). The flag is process-wide (the PDF workers follow it too) and
// V8 reads it at each collection, so setting it once at the start of the command is enough. CLI
// layer only: the core never touches process-wide state.
import v8 from 'node:v8';

/** Percent a heap may grow beyond its live size before the next full collection. */
export const HEAP_GROWING_PERCENT = 30;

export function collectGarbageSooner(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
