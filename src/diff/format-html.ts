// HTML view of a diff: one self-contained, readable page (inline CSS; no script, no external
// asset, no link anywhere), inline or side by side. Pure: the same result and meta always give the
// same bytes. Every piece of text that comes from a document or a commit (id, title, URL, dates,
// headings, the text itself, ignore patterns) is escaped, and a Content-Security-Policy forbids
// scripts and remote loads even if something slipped through. Used by `diff --format html` and by
// the published site's diff pages (which can embed `formatHtmlFragment` with `HTML_DIFF_CSS`).
import { hunkRange } from './format-patch.js';
import { hunkLocation } from './format-text.js';
import type { DiffHunk, DiffPart, DiffResult } from './types.js';

export type HtmlLayout = 'inline' | 'side-by-side';

export interface HtmlVersion {
  /** Commit id (shown shortened, full in a title attribute). */
  commit: string;
  /** When this version was fetched (ISO 8601). */
  date: string;
}

export interface HtmlMeta {
  /** Document id. */
  id: string;
  title?: string | null | undefined;
  /** The document's source URL, shown as text (never as a link). */
  url?: string | null | undefined;
  from: HtmlVersion;
  to: HtmlVersion;
  /** Default `inline`. */
  layout?: HtmlLayout | undefined;
  /** Shown in the footer and the generator meta tag, e.g. "leakmirror 0.1.0". */
  generator?: string | undefined;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text made safe for HTML content and attribute values: the five special characters as entities,
 * and control characters (which HTML forbids) shown as their Unicode control pictures.
 */
export function escapeHtml(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, (c) =>
    c === '\u007f' ? '\u2421' : String.fromCharCode(0x2400 + c.charCodeAt(0)),
  );
}

/** The page's style sheet (light and dark), for pages that embed the fragment. */
export const HTML_DIFF_CSS = `
:root { color-scheme: light dark; --fg: #1f2328; --bg: #ffffff; --muted: #59636e; --line: #d1d9e0;
  --add-bg: #dafbe1; --add-fg: #116329; --del-bg: #ffebe9; --del-fg: #a0111f; --head-bg: #f6f8fa; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --line: #3d444d;
    --add-bg: #12361f; --add-fg: #7ee787; --del-bg: #4a1619; --del-fg: #ffa198; --head-bg: #151b23; }
}
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
.lm-diff { max-width: 72rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
.lm-diff h1 { font-size: 1.5rem; margin: 0 0 .25rem; overflow-wrap: anywhere; }
.lm-id, .lm-url { margin: 0; color: var(--muted); overflow-wrap: anywhere; }
.lm-versions { display: grid; grid-template-columns: auto 1fr; gap: .1rem 1rem; margin: 1rem 0; }
.lm-versions dt { color: var(--muted); }
.lm-versions dd { margin: 0; }
.lm-stats { margin: .5rem 0 1.5rem; }
.lm-stats .lm-plus { color: var(--add-fg); font-weight: 600; }
.lm-stats .lm-minus { color: var(--del-fg); font-weight: 600; }
.lm-note { color: var(--muted); font-style: italic; }
.lm-hunk { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 1.25rem; overflow: hidden; }
.lm-hunk h2 { font-size: .95rem; font-weight: 600; margin: 0; padding: .4rem .75rem; background: var(--head-bg);
  border-bottom: 1px solid var(--line); }
.lm-range { color: var(--muted); font-weight: 400; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.lm-text { margin: 0; padding: .75rem; white-space: pre-wrap; overflow-wrap: anywhere;
  font: 15px/1.6 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
del { background: var(--del-bg); color: var(--del-fg); text-decoration: line-through; }
ins { background: var(--add-bg); color: var(--add-fg); text-decoration: none; }
.lm-mode-line del, .lm-mode-line ins { display: block; }
.lm-sbs { width: 100%; border-collapse: collapse; table-layout: fixed;
  font: 14px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.lm-sbs col.lm-num { width: 3.5em; }
.lm-sbs td { vertical-align: top; padding: 0 .5rem; white-space: pre-wrap; overflow-wrap: anywhere; }
.lm-sbs td.lm-n { color: var(--muted); text-align: right; user-select: none; }
.lm-sbs td.lm-o { border-right: 1px solid var(--line); }
.lm-sbs tr.lm-chg td.lm-o { background: color-mix(in srgb, var(--del-bg) 40%, transparent); }
.lm-sbs tr.lm-chg td.lm-nw { background: color-mix(in srgb, var(--add-bg) 40%, transparent); }
.lm-sbs td.lm-empty { background: var(--head-bg); }
.lm-nl { color: var(--muted); }
footer.lm-foot { color: var(--muted); font-size: .85rem; margin-top: 2rem; }
@media print { del { color: inherit; } ins { color: inherit; text-decoration: underline; } }
`.trim();

const NEWLINE_MARK = '↵';

/** A changed run's HTML: a run made only of line breaks gets a visible mark. */
function changed(tag: 'del' | 'ins', text: string): string {
  if (text !== '' && !/[^\r\n]/.test(text)) {
    return text
      .split('\n')
      .map((seg, k, all) => (k < all.length - 1 ? `<${tag} class="lm-nl">${NEWLINE_MARK}</${tag}>` : escapeHtml(seg)))
      .join('\n');
  }
  // One element per line, so a highlighted run never spans a line break (clean wrapping, copying).
  return text
    .split('\n')
    .map((seg) => (seg === '' ? '' : `<${tag}>${escapeHtml(seg)}</${tag}>`))
    .join('\n');
}

function inlineHunk(h: DiffHunk): string {
  let body = '';
  for (const part of h.parts) {
    if (part.op === 'equal') body += escapeHtml(part.text);
    else body += changed(part.op === 'added' ? 'ins' : 'del', part.text);
  }
  return `<pre class="lm-text">${body.replace(/\n$/, '')}</pre>`;
}

interface Segment {
  text: string;
  changed: boolean;
}

/** One side's lines (old: equal + removed parts; new: equal + added), as segments per line. */
function sideLines(parts: readonly DiffPart[], side: 'old' | 'new'): Segment[][] {
  const skip = side === 'old' ? 'added' : 'removed';
  const lines: Segment[][] = [[]];
  for (const part of parts) {
    if (part.op === skip) continue;
    const pieces = part.text.split('\n');
    pieces.forEach((piece, k) => {
      if (k > 0) lines.push([]);
      if (piece !== '') (lines[lines.length - 1] as Segment[]).push({ text: piece, changed: part.op !== 'equal' });
    });
  }
  if ((lines[lines.length - 1] as Segment[]).length === 0) lines.pop();
  return lines;
}

function cell(segments: readonly Segment[] | undefined, tag: 'del' | 'ins'): string {
  if (segments === undefined) return '';
  return segments.map((s) => (s.changed ? `<${tag}>${escapeHtml(s.text)}</${tag}>` : escapeHtml(s.text))).join('');
}

function sideBySideHunk(h: DiffHunk): string {
  let oldLines = sideLines(h.parts, 'old');
  let newLines = sideLines(h.parts, 'new');
  const oldCount = h.lines.filter((l) => l.op !== 'added').length;
  const newCount = h.lines.filter((l) => l.op !== 'removed').length;
  if (oldLines.length !== oldCount || newLines.length !== newCount) {
    // Parts that do not split into the hunk's lines (ignored differences shown from the old text):
    // fall back to whole lines.
    oldLines = h.lines.filter((l) => l.op !== 'added').map((l) => (l.text === '' ? [] : [{ text: l.text, changed: l.op === 'removed' }]));
    newLines = h.lines.filter((l) => l.op !== 'removed').map((l) => (l.text === '' ? [] : [{ text: l.text, changed: l.op === 'added' }]));
  }
  const rows: string[] = [];
  let oi = 0;
  let ni = 0;
  let oldNo = h.oldStart;
  let newNo = h.newStart;
  const row = (o: Segment[] | undefined, n: Segment[] | undefined, change: boolean): void => {
    const oNum = o === undefined ? '' : String(oldNo++);
    const nNum = n === undefined ? '' : String(newNo++);
    rows.push(
      `<tr${change ? ' class="lm-chg"' : ''}><td class="lm-n">${oNum}</td><td class="lm-o${o === undefined ? ' lm-empty' : ''}">${cell(o, 'del')}</td>` +
        `<td class="lm-n">${nNum}</td><td class="lm-nw${n === undefined ? ' lm-empty' : ''}">${cell(n, 'ins')}</td></tr>`,
    );
  };
  let k = 0;
  while (k < h.lines.length) {
    const line = h.lines[k];
    if (line?.op === 'context') {
      row(oldLines[oi++], newLines[ni++], false);
      k++;
      continue;
    }
    let removed = 0;
    let added = 0;
    while (h.lines[k]?.op === 'removed') {
      removed++;
      k++;
    }
    while (h.lines[k]?.op === 'added') {
      added++;
      k++;
    }
    for (let r = 0; r < Math.max(removed, added); r++) row(r < removed ? oldLines[oi++] : undefined, r < added ? newLines[ni++] : undefined, true);
  }
  return (
    `<table class="lm-sbs" aria-label="old text (left) and new text (right)"><colgroup><col class="lm-num"><col><col class="lm-num"><col></colgroup>` +
    `<tbody>\n${rows.join('\n')}\n</tbody></table>`
  );
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

/** "3.2%" (one decimal; "<0.1%" for a tiny non-zero share). */
export function formatShare(share: number): string {
  if (share > 0 && share < 0.0005) return '<0.1%';
  return `${(Math.round(share * 1000) / 10).toFixed(1)}%`;
}

function version(label: string, v: HtmlVersion): string {
  return `<dt>${label}</dt><dd><time datetime="${escapeHtml(v.date)}">${escapeHtml(v.date)}</time> · <code title="${escapeHtml(v.commit)}">${escapeHtml(v.commit.slice(0, 10))}</code></dd>`;
}

/** The diff as an HTML fragment (`<article class="lm-diff">…</article>`), styled by HTML_DIFF_CSS. */
export function formatHtmlFragment(result: DiffResult, meta: HtmlMeta): string {
  const layout = meta.layout ?? 'inline';
  const heading = meta.title !== undefined && meta.title !== null && meta.title.trim() !== '' ? meta.title : meta.id;
  const s = result.stats;
  const out: string[] = [];
  out.push(`<article class="lm-diff lm-mode-${result.mode}">`);
  out.push('<header>');
  out.push(`<h1>${escapeHtml(heading)}</h1>`);
  if (heading !== meta.id) out.push(`<p class="lm-id">${escapeHtml(meta.id)}</p>`);
  if (meta.url !== undefined && meta.url !== null) out.push(`<p class="lm-url">${escapeHtml(meta.url)}</p>`);
  out.push(`<dl class="lm-versions">${version('From', meta.from)}${version('To', meta.to)}</dl>`);
  if (result.hunks.length > 0) {
    out.push(
      `<p class="lm-stats"><span class="lm-plus">+${plural(s.wordsAdded, 'word')}</span>, <span class="lm-minus">−${plural(s.wordsRemoved, 'word')}</span>` +
        ` (${plural(s.linesAdded, 'line')} added, ${s.linesRemoved.toLocaleString('en-US')} removed) · ${formatShare(s.share)} of words changed · ${plural(result.hunks.length, 'change')}</p>`,
    );
  }
  const ignored = result.ignored;
  if (ignored !== undefined) {
    const what = [...(ignored.whitespace ? ['whitespace'] : []), ...(ignored.case ? ['letter case'] : []), ...ignored.patterns.map((p) => `text matching <code>${escapeHtml(p)}</code>`)];
    out.push(`<p class="lm-note">Ignoring ${what.join(', ')}.</p>`);
  }
  if (result.degraded) out.push('<p class="lm-note">The versions differ too much for a fine diff: some changes are shown as whole blocks.</p>');
  out.push('</header>');
  if (result.hunks.length === 0) {
    out.push(`<p class="lm-none">No differences in the text${meta.from.commit === meta.to.commit ? ' (same version)' : ''}.</p>`);
  }
  for (const h of result.hunks) {
    const where = hunkLocation(h);
    out.push('<section class="lm-hunk">');
    out.push(`<h2>${where === '' ? '' : `${escapeHtml(where)} `}<span class="lm-range">${escapeHtml(hunkRange(h))}</span></h2>`);
    out.push(layout === 'side-by-side' ? sideBySideHunk(h) : inlineHunk(h));
    out.push('</section>');
  }
  if (meta.generator !== undefined) out.push(`<footer class="lm-foot">${escapeHtml(meta.generator)}</footer>`);
  out.push('</article>');
  return out.join('\n');
}

/** The diff as a whole HTML page: no script, no external asset, no link. */
export function formatHtml(result: DiffResult, meta: HtmlMeta): string {
  const heading = meta.title !== undefined && meta.title !== null && meta.title.trim() !== '' ? meta.title : meta.id;
  const title = `Changes to ${heading}: ${meta.from.date.slice(0, 10)} → ${meta.to.date.slice(0, 10)}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="referrer" content="no-referrer">',
    ...(meta.generator !== undefined ? [`<meta name="generator" content="${escapeHtml(meta.generator)}">`] : []),
    `<title>${escapeHtml(title)}</title>`,
    `<style>\n${HTML_DIFF_CSS}\n</style>`,
    '</head>',
    '<body>',
    formatHtmlFragment(result, meta),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
