// The diff part of a diff page, behind one function so it can be swapped for the diff stage's own
// HTML renderer (src/diff/format-html.ts, `formatHtmlFragment`) once that is committed. Until then:
// hunks rendered simply, word-level changes as <del>/<ins>, every piece of text escaped.
import type { DiffResult } from '../diff/types.js';
import { escapeHtml } from './html.js';

export interface DiffPageMeta {
  id: string;
  title: string | null;
  from: { commit: string; date: string };
  to: { commit: string; date: string };
}

export function renderDiffFragment(result: DiffResult, meta: DiffPageMeta): string {
  void meta;
  const unit = result.mode === 'line' ? 'lines' : 'words';
  const out: string[] = [`<p class="stats"><ins>+${result.stats.added}</ins> <del>−${result.stats.removed}</del> ${unit}${result.degraded ? ' (a coarser diff: the texts differ too much for a word diff)' : ''}</p>`];
  if (result.hunks.length === 0) out.push('<p class="muted">The texts are the same.</p>');
  for (const hunk of result.hunks) {
    const where = [hunk.page === undefined ? undefined : `page ${hunk.page}`, hunk.heading].filter((part) => part !== undefined && part !== '').join(' · ');
    out.push(`<p class="hunk-head">@@ −${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@${where === '' ? '' : ` ${escapeHtml(where)}`}</p>`);
    const parts = hunk.parts.map((part) => {
      const text = escapeHtml(part.text);
      return part.op === 'added' ? `<ins>${text}</ins>` : part.op === 'removed' ? `<del>${text}</del>` : text;
    });
    out.push(`<pre class="diff">${parts.join('')}</pre>`);
  }
  return out.join('\n');
}
