// The targets of the sync benchmark (issue "Fast at any size"), evaluated by sync-bench.ts and written
// into its JSON; bench/check.ts reads them back. A target whose figure could not be measured (a
// reference tool missing, --scale not given) is 'skipped', not missed.

export type TargetStatus = 'pass' | 'miss' | 'skipped';

export interface TargetResult {
  id: string;
  /** What is compared, in words. */
  label: string;
  /** The measured figure (a ratio, or MB for memory); null when skipped. */
  value: number | null;
  /** The figure must be <= limit ('le') or < limit ('lt'). */
  limit: number;
  comparison: 'le' | 'lt';
  unit: 'x' | 'MB';
  status: TargetStatus;
  /** Why it was skipped, or the figures the value comes from. */
  detail: string;
}

export interface TargetSpec {
  id: string;
  label: string;
  limit: number;
  comparison: 'le' | 'lt';
  unit: 'x' | 'MB';
}

export const TARGETS: readonly TargetSpec[] = [
  { id: 'cold-vs-pipeline', label: 'cold wall time / pipeline cold', limit: 1.0, comparison: 'le', unit: 'x' },
  { id: 'warm-vs-pipeline', label: 'warm wall time / pipeline re-run (nothing changed)', limit: 0.2, comparison: 'le', unit: 'x' },
  { id: 'incremental-vs-pipeline', label: 'incremental wall time / pipeline re-run (1% changed)', limit: 0.25, comparison: 'le', unit: 'x' },
  { id: 'html-cold-vs-urlwatch', label: 'HTML-only cold wall time / urlwatch cold', limit: 1.5, comparison: 'le', unit: 'x' },
  { id: 'html-warm-vs-urlwatch', label: 'HTML-only warm wall time / urlwatch warm', limit: 0.5, comparison: 'le', unit: 'x' },
  { id: 'scale-warm', label: 'warm cost per document, 20,000 / 2,000 documents', limit: 1.2, comparison: 'le', unit: 'x' },
  { id: 'scale-incremental', label: 'incremental cost per document, 20,000 / 2,000 documents', limit: 1.2, comparison: 'le', unit: 'x' },
  { id: 'cold-peak-rss', label: 'cold peak RSS, with one 80 MiB PDF in the corpus (MB = 10^6 bytes)', limit: 400, comparison: 'lt', unit: 'MB' },
];

/**
 * PASS or MISS by the figure; 'skipped' without one, unless `failed` says leakmirror's own run failed,
 * which is a miss (a failure to do the work is not a figure to skip). `failed` also turns a figure
 * measured under changed conditions (e.g. a raised open-file limit) into a miss.
 */
export function evaluateTarget(spec: TargetSpec, value: number | null | undefined, detail: string, failed = false): TargetResult {
  const measured = value !== null && value !== undefined && Number.isFinite(value);
  if (!measured) return { ...spec, value: null, status: failed ? 'miss' : 'skipped', detail };
  const pass = !failed && (spec.comparison === 'le' ? value <= spec.limit : value < spec.limit);
  return { ...spec, value: Math.round(value * 1000) / 1000, status: pass ? 'pass' : 'miss', detail };
}

export function formatTargetValue(target: Pick<TargetResult, 'value' | 'unit'>): string {
  if (target.value === null) return 'n/a';
  return target.unit === 'x' ? `${target.value.toFixed(2)}x` : `${target.value.toFixed(0)} MB`;
}

export function formatLimit(target: Pick<TargetResult, 'limit' | 'unit' | 'comparison'>): string {
  const op = target.comparison === 'le' ? '<=' : '<';
  return target.unit === 'x' ? `${op} ${target.limit.toFixed(2)}x` : `${op} ${target.limit} MB`;
}

export function statusWord(status: TargetStatus): string {
  return status === 'pass' ? 'PASS' : status === 'miss' ? 'MISS' : 'SKIPPED';
}
