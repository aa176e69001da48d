// git's commit-graph and its changed-path Bloom filters, kept up to date at a bounded cost per run.
//
// The filters make `log <id>` fast on a long history. Each one costs a diff of a commit's tree against
// its parent's, and a layout 1 mirror's flat `text/<source>/` directories make that grow with the
// source (layout 2's shard directories keep it small, layout.ts): after a first sync of 20,000
// documents in layout 1, computing all of them at once took 39 s of CPU and 914 MB (BENCHMARKS.md). So one git process computes at most `maxNewFilters` of them. When it had to stop
// short, further passes rewrite the graph as one layer (`--split=replace`), each computing the next
// bounded number, until none is missing: the same work, in processes of bounded memory. A marker in
// the git directory says filters are still missing, so that a run stopped between passes leaves the
// rest to the next one. A commit without a filter is still found by `log`, by diffing its trees: only
// slower (16 s instead of 0.1 s for one path on a flat source of 20,000 documents).
// Pure: the I/O is MirrorRepo.writeCommitGraph.

/** New filters one git process may compute: 0.9-10 s and 174-392 MB a pass on a source of 20,000 documents. */
export const DEFAULT_MAX_NEW_FILTERS = 2000;

/** In the git directory (`git rev-parse --git-path`): present while commits lack a filter. */
export const FILTERS_PENDING_MARKER = 'leakmirror-filters-pending';

/** The `git commit-graph write` arguments: one new layer, or the whole graph again while filters are missing. */
export function commitGraphWriteArgs(filtersPending: boolean, maxNewFilters: number | undefined): string[] {
  const args = ['commit-graph', 'write', '--reachable', '--changed-paths', filtersPending ? '--split=replace' : '--split'];
  // Without a bound (a git older than 2.29 has no --max-new-filters), every missing filter is computed.
  return maxNewFilters === undefined ? args : [...args, `--max-new-filters=${maxNewFilters}`];
}

/**
 * Whether git refused the bound itself (a git older than 2.29: "unknown option `max-new-filters=…'").
 * Only git's own messages count: the trace2 events on the same stderr repeat the command line.
 */
export function rejectsFilterBound(stderr: string): boolean {
  return stderr.split('\n').some((line) => !line.startsWith('{') && /unknown option .max-new-filters/.test(line));
}

/**
 * How many filters a write computed, read from git's trace2 event stream (one JSON object a line,
 * `GIT_TRACE2_EVENT`); undefined when the stream does not say (another git, tracing turned off).
 */
export function filtersComputed(trace: string): number | undefined {
  let computed: number | undefined;
  for (const line of trace.split('\n')) {
    if (!line.includes('"filter-computed"')) continue;
    try {
      const event = JSON.parse(line) as { event?: unknown; category?: unknown; key?: unknown; value?: unknown };
      if (event.event !== 'data' || event.category !== 'commit-graph' || event.key !== 'filter-computed') continue;
      const value = Number(event.value);
      if (Number.isSafeInteger(value) && value >= 0) computed = (computed ?? 0) + value;
    } catch {
      // Not an event line (git's own messages share stderr): skip it.
    }
  }
  return computed;
}

/**
 * Whether filters may still be missing after a write that computed `computed` of at most
 * `maxNewFilters`: a write that reached its bound may have stopped short (if it stopped exactly at
 * the last one, the next write finds none to compute and clears the marker). A git that does not say
 * is taken at its word, as before the bound: rewriting the whole graph on every run would cost more.
 */
export function filtersStillPending(computed: number | undefined, maxNewFilters: number): boolean {
  return computed !== undefined && computed >= maxNewFilters;
}
