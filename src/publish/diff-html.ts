// The diff part of a diff page, behind one function: the diff stage's own HTML renderer
// (src/diff/format-html.ts, `formatHtmlFragment` styled by `HTML_DIFF_CSS`), which escapes every
// piece of text and links nowhere.
import { formatHtmlFragment, HTML_DIFF_CSS } from '../diff/format-html.js';
import type { DiffResult } from '../diff/types.js';

export interface DiffPageMeta {
  id: string;
  title: string | null;
  url: string;
  from: { commit: string; date: string };
  to: { commit: string; date: string };
}

export const DIFF_CSS = HTML_DIFF_CSS;

export function renderDiffFragment(result: DiffResult, meta: DiffPageMeta): string {
  return formatHtmlFragment(result, { id: meta.id, title: meta.title, url: meta.url, from: meta.from, to: meta.to });
}
