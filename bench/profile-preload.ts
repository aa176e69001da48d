// Loaded with `node --import` into the profiled cold run of the sync benchmark (and, through the
// inherited execArgv, into every worker thread that run starts). It adds what `--cpu-prof` misses:
//
// - main thread: at exit, the process's resource usage (CPU of every thread of the node process, not of
//   its children) into $LEAKMIRROR_BENCH_USAGE, so git's share of the CPU time can be told apart;
// - worker threads: `--cpu-prof` writes a worker's profile only when the worker exits by itself, and
//   leakmirror's PDF pool terminates its workers. So each worker profiles itself through the
//   inspector and writes what it has every second (when its event loop gets to the timer: between two
//   documents), as CPU.worker-<pid>-<thread>-<n>.cpuprofile files in $LEAKMIRROR_BENCH_PROFILE_DIR; bench/profile.ts
//   adds them up per thread. What a worker did after its last write is lost when it is terminated.

import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import workerThreads, { isMainThread, threadId, type WorkerOptions } from 'node:worker_threads';

const usageFile = process.env.LEAKMIRROR_BENCH_USAGE;
const profileDir = process.env.LEAKMIRROR_BENCH_PROFILE_DIR;

if (isMainThread && usageFile !== undefined && usageFile !== '') {
  process.on('exit', () => {
    writeFileSync(usageFile, JSON.stringify(process.resourceUsage()));
  });
}
if (isMainThread && profileDir !== undefined && profileDir !== '') {
  // leakmirror starts its workers with an execArgv of its own, without this --import: give it to them
  // (the same Worker otherwise). syncBuiltinESMExports makes `import { Worker }` see the change.
  const builtin = createRequire(import.meta.url)('node:worker_threads') as typeof workerThreads;
  const Original = builtin.Worker;
  const self = import.meta.url;
  class ProfiledWorker extends Original {
    constructor(file: string | URL, options: WorkerOptions = {}) {
      super(file, { ...options, execArgv: [...(options.execArgv ?? []), '--import', self] });
    }
  }
  builtin.Worker = ProfiledWorker;
  syncBuiltinESMExports();
} else if (!isMainThread && profileDir !== undefined && profileDir !== '') {
  const session = new Session();
  session.connect();
  let chunk = 0;
  let busy = false;
  const post = (method: string, params?: object): Promise<unknown> =>
    new Promise((resolvePost, rejectPost) => {
      session.post(method, params ?? {}, (error, result) => (error !== null ? rejectPost(error) : resolvePost(result)));
    });
  const flush = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    try {
      const { profile } = (await post('Profiler.stop')) as { profile: object };
      writeFileSync(join(profileDir, `CPU.worker-${process.pid}-${threadId}-${String(chunk++).padStart(4, '0')}.cpuprofile`), JSON.stringify(profile));
      await post('Profiler.start');
    } catch {
      // The profile is best effort: a worker being torn down cannot write any more.
    } finally {
      busy = false;
    }
  };
  void post('Profiler.enable')
    .then(() => post('Profiler.setSamplingInterval', { interval: 1000 }))
    .then(() => post('Profiler.start'));
  setInterval(() => void flush(), 1000).unref();
}
