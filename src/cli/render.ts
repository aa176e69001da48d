// Human-readable renderings of core results for the terminal. Pure functions of data and a chalk
// instance (level 0 gives plain text), so tests can compare strings.
import type { ChalkInstance } from 'chalk';
import type { DocumentReport, SyncResult } from '../core/sync.js';
import type { ListedDocument, RecordedChange } from '../core/list.js';
import type { Version, VersionChange } from '../core/history.js';

const STATUS_ORDER = ['new', 'changed', 'removed', 'failed', 'unchanged'] as const;

export function statusLabel(status: DocumentReport['status'], chalk: ChalkInstance): string {
  const label = status.padEnd(9);
  switch (status) {
    case 'new':
      return chalk.green(label);
    case 'changed':
      return chalk.cyan(label);
    case 'removed':
      return chalk.magenta(label);
    case 'failed':
      return chalk.red(label);
    default:
      return chalk.dim(label);
  }
}

export function renderDocumentLine(report: DocumentReport, chalk: ChalkInstance): string {
  const detail =
    report.status === 'failed'
      ? chalk.red(`${report.errorClass ?? 'error'}: ${report.error ?? ''}`)
      : report.extraction === 'needs-ocr'
        ? chalk.yellow('needs OCR: no text layer (raw bytes kept; `ocr: true` on the source reads it with tesseract)')
        : report.changeType === 'technical'
          ? chalk.dim('(technical: raw bytes changed, same text)')
          : '';
  const warnings = (report.warnings ?? []).map((warning) => `\n    ${chalk.yellow('warning:')} ${warning}`).join('');
  const commit = report.commit === undefined ? '' : chalk.dim(` ${report.commit.slice(0, 8)}`);
  const words = report.wordsAdded === undefined ? '' : ` ${chalk.green(`+${report.wordsAdded}`)} ${chalk.red(`-${report.wordsRemoved ?? 0}`)} words`;
  return `${statusLabel(report.status, chalk)} ${report.id}${commit}${words}${detail === '' ? '' : `  ${detail}`}${warnings}`;
}

export function renderSyncSummary(result: SyncResult, chalk: ChalkInstance): string {
  const lines: string[] = [];
  for (const status of STATUS_ORDER) {
    if (status === 'unchanged') continue;
    for (const report of result.documents.filter((doc) => doc.status === status)) lines.push(renderDocumentLine(report, chalk));
  }
  const { summary } = result;
  const counts = STATUS_ORDER.map((status) => `${summary[status]} ${status}`).join(', ');
  const causes = failuresByCause(result.documents);
  if (causes !== '') lines.push(chalk.red(`failures by cause: ${causes}`));
  lines.push(`${result.dryRun ? chalk.yellow('dry run, nothing written: ') : ''}${chalk.bold(`${result.documents.length} documents`)}: ${counts}`);
  return lines.join('\n');
}

export function table(rows: string[][], chalk: ChalkInstance): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, visibleLength(cell))));
  return rows
    .map((row, rowIndex) => {
      const line = row.map((cell, index) => (index === row.length - 1 ? cell : cell + ' '.repeat((widths[index] ?? 0) - visibleLength(cell)))).join('  ');
      return rowIndex === 0 ? chalk.bold(line) : line;
    })
    .join('\n');
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
function visibleLength(text: string): number {
  return text.replace(ANSI, '').length;
}

export function renderList(documents: readonly ListedDocument[], chalk: ChalkInstance): string {
  if (documents.length === 0) return 'no documents yet: add a source with `leakmirror add <url>`, then run `leakmirror sync`';
  const rows = [['ID', 'VERSIONS', 'LAST CHANGED', 'STATUS', 'TITLE']];
  for (const doc of documents) {
    const status = doc.status === 'removed' ? chalk.magenta('removed') : doc.extraction === 'text' ? 'active' : chalk.yellow(doc.extraction);
    rows.push([doc.id, String(doc.versions), doc.lastChanged?.slice(0, 10) ?? '-', status, doc.title ?? '']);
  }
  return table(rows, chalk);
}

function changeLabel(status: Version['status'], chalk: ChalkInstance): string {
  return status === 'content' ? chalk.cyan('content') : status === 'removed' ? chalk.magenta('removed') : chalk.dim('technical');
}

/** "+12 -3" (green and red), or '' when the text did not change or nothing is known. */
export function wordsLabel(change: Partial<Pick<VersionChange, 'wordsAdded' | 'wordsRemoved'>> | undefined, chalk: ChalkInstance): string {
  if (change?.wordsAdded === undefined || change.wordsRemoved === undefined) return '';
  if (change.wordsAdded === 0 && change.wordsRemoved === 0) return '';
  return `${chalk.green(`+${change.wordsAdded}`)} ${chalk.red(`-${change.wordsRemoved}`)}`;
}

export function renderVersions(versions: readonly Version[], chalk: ChalkInstance, changes?: readonly VersionChange[]): string {
  const withWords = changes !== undefined;
  const rows = [['#', 'COMMIT', 'DATE', 'CHANGE', ...(withWords ? ['WORDS'] : []), 'MESSAGE']];
  versions.forEach((version, index) => {
    const words = withWords ? [version.status === 'content' ? wordsLabel(changes[index], chalk) || '+0 -0' : ''] : [];
    rows.push([`@${index}`, chalk.yellow(version.commit.slice(0, 10)), version.date, changeLabel(version.status, chalk), ...words, version.message]);
  });
  return table(rows, chalk);
}

export function renderChanges(changes: readonly RecordedChange[], chalk: ChalkInstance): string {
  if (changes.length === 0) return 'no versions recorded in that window';
  const withWords = changes.some((change) => change.wordsAdded !== undefined);
  const rows = [['DATE', 'COMMIT', 'CHANGE', ...(withWords ? ['WORDS'] : []), 'DOCUMENT', 'MESSAGE']];
  for (const change of changes) {
    const words = withWords ? [change.status === 'content' ? wordsLabel(change, chalk) || '+0 -0' : ''] : [];
    rows.push([change.date, chalk.yellow(change.commit.slice(0, 10)), changeLabel(change.status, chalk), ...words, change.documentId, change.message]);
  }
  return table(rows, chalk);
}

/** `timeout 2, http-500 1`: what to fix first, most frequent first. */
export function failuresByCause(documents: readonly DocumentReport[]): string {
  const counts = new Map<string, number>();
  for (const doc of documents) if (doc.status === 'failed') counts.set(doc.errorClass ?? 'error', (counts.get(doc.errorClass ?? 'error') ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([cause, count]) => `${cause} ${count}`)
    .join(', ');
}
