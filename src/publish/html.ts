// HTML building blocks for the published site: escaping, the page frame with its inline style sheet
// and Content-Security-Policy, dates. Pages reference nothing outside the site (no CDN, no web
// fonts, no remote images), so the site works from file:// and offline.
import { createHash } from 'node:crypto';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for HTML content and attribute values; control characters shown as pictures. */
export function escapeHtml(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, (c) =>
    c === '\u007f' ? '\u2421' : String.fromCharCode(0x2400 + c.charCodeAt(0)),
  );
}

/** A relative href: each path segment percent-encoded (ids may hold characters URLs reserve). */
export function href(path: string): string {
  return path
    .split('/')
    .map((segment) => (segment === '..' || segment === '.' ? segment : encodeURIComponent(segment)))
    .join('/');
}

/** `2012-12-03 10:00 UTC` */
export function shortDate(iso: string | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return '';
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  return `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export const SITE_CSS = `
:root { color-scheme: light dark; --fg: #1f2328; --bg: #fff; --muted: #59636e; --line: #d1d9e0;
  --add-bg: #dafbe1; --add-fg: #116329; --del-bg: #ffebe9; --del-fg: #a0111f; --head-bg: #f6f8fa; --link: #0969da; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --line: #3d444d;
  --add-bg: #12361f; --add-fg: #7ee787; --del-bg: #4a1619; --del-fg: #ffa198; --head-bg: #151b23; --link: #4493f8; } }
body { margin: 0; background: var(--bg); color: var(--fg); font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main, header, footer { max-width: 72rem; margin: 0 auto; padding: 0 1rem; }
header { padding-top: 1rem; } footer { padding: 2rem 1rem; color: var(--muted); font-size: .875rem; }
a { color: var(--link); }
h1 { font-size: 1.5rem; overflow-wrap: anywhere; margin: .5rem 0; }
h2 { font-size: 1.2rem; margin-top: 2rem; }
.muted { color: var(--muted); overflow-wrap: anywhere; }
nav.crumbs { font-size: .9rem; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--head-bg); white-space: nowrap; }
th button { font: inherit; font-weight: bold; background: none; border: 0; color: inherit; cursor: pointer; padding: 0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.removed { color: var(--del-fg); } .technical { color: var(--muted); }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; }
dl.meta dt { color: var(--muted); } dl.meta dd { margin: 0; overflow-wrap: anywhere; }
pre.text, pre.diff { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--head-bg); border: 1px solid var(--line);
  padding: .75rem; font: 14px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre.diff ins { background: var(--add-bg); color: var(--add-fg); text-decoration: none; }
pre.diff del { background: var(--del-bg); color: var(--del-fg); }
.hunk-head { color: var(--muted); font-family: ui-monospace, monospace; font-size: .85rem; margin: 1rem 0 .25rem; }
#filter { font: inherit; padding: .3rem .5rem; width: min(100%, 24rem); margin: .5rem 0; }
`;

export interface PageOptions {
  title: string;
  /** Relative path from this page to the site root ('' or '../../'). */
  root: string;
  /** Already-escaped HTML of the body. */
  body: string;
  /** Inline script (its hash is allowed by the CSP; nothing else runs). */
  script?: string | undefined;
  /** Relative href of an Atom feed for this page. */
  feed?: string | undefined;
  generator: string;
  /** More inline CSS (the diff renderer's). */
  css?: string | undefined;
}

export function page(options: PageOptions): string {
  const scriptHash = options.script === undefined ? undefined : createHash('sha256').update(options.script).digest('base64');
  // No script without its hash, nothing loaded from anywhere else; styles only inline.
  const csp = `default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'${
    scriptHash === undefined ? '' : `; script-src 'sha256-${scriptHash}'`
  }`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="${escapeHtml(options.generator)}">
<title>${escapeHtml(options.title)}</title>
${options.feed === undefined ? '' : `<link rel="alternate" type="application/atom+xml" title="Changes" href="${escapeHtml(options.feed)}">\n`}<style>${SITE_CSS}${options.css ?? ''}</style>
</head>
<body>
${options.body}
<footer>Published by ${escapeHtml(options.generator)}. <a href="${escapeHtml(options.root)}index.html">All documents</a> · <a href="${escapeHtml(options.root)}feed.xml">Atom feed of all changes</a></footer>
${options.script === undefined ? '' : `<script>${options.script}</script>\n`}</body>
</html>
`;
}
