// `publish --site`: a static, self-contained site built from the mirror: an index of documents, a
// page per document (history, current text, a copy of the current raw file), a page per content
// version (its text), a diff page per content change, and Atom feeds (all changes; one per
// document). Everything is relative links and inline CSS, so it works from file:// and any host.
//
// Incremental and fast on large mirrors: the history comes from one `git log` over meta/, texts
// from one long-lived `git cat-file --batch`, and a manifest in the site directory remembers, for
// every file, the sha256 of what was written and the key of its inputs. Pages of a version or a
// change never change once written (their key is the commit ids), so they are not even rendered
// again; document pages and feeds are keyed by the document's metadata and version list; the index
// and the mirror-wide feed are rendered every time and written only when their bytes differ.
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { diffTexts } from '../diff/engine.js';
import { UsageError } from '../errors.js';
import { allVersions, type Version } from '../core/history.js';
import type { Mirror } from '../core/mirror.js';
import { META_DIR, RAW_DIR, STATE_DIR, TEXT_DIR } from '../store/layout.js';
import { readAllMeta, serializeMeta, type DocumentMeta } from '../store/metadata.js';
import { VERSION } from '../version.js';
import { CatFile } from './cat-file.js';
import { DIFF_CSS, renderDiffFragment } from './diff-html.js';
import { atomFeed, type FeedEntry } from './feed.js';
import { escapeHtml, href, page, shortDate } from './html.js';

/** Bump when the page templates change: every page is rendered again. */
const RENDER_VERSION = 2;
const MANIFEST = '.leakmirror-site.json';
const GLOBAL_FEED_ENTRIES = 200;
const DOCUMENT_FEED_ENTRIES = 100;

export interface PublishSiteOptions {
  /** Where to build the site; default `site/` in the mirror. */
  siteDir?: string | undefined;
  /** Absolute URL where the site will be served; makes feed links absolute. */
  baseUrl?: string | undefined;
}

export interface PublishSiteResult {
  siteDir: string;
  documents: number;
  /** Files the site consists of (pages, feeds, raw copies). */
  files: number;
  written: number;
  unchanged: number;
  deleted: number;
}

interface ManifestEntry {
  sha256: string;
  key?: string | undefined;
}

interface Manifest {
  version: number;
  files: Record<string, ManifestEntry>;
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const short = (commit: string): string => commit.slice(0, 12);

/** Writes site files, skipping those whose inputs or bytes are what the manifest says was written. */
class SiteWriter {
  readonly next: Manifest = { version: RENDER_VERSION, files: {} };
  written = 0;
  unchanged = 0;
  private readonly made = new Set<string>();

  constructor(
    private readonly dir: string,
    private readonly previous: Manifest,
    private readonly existing: Set<string>,
  ) {}

  /** True (and the file kept) when it was written before from the same inputs and is still there. */
  keep(path: string, key: string): boolean {
    const old = this.previous.files[path];
    if (old?.key !== key || !this.existing.has(path)) return false;
    this.next.files[path] = old;
    this.unchanged += 1;
    return true;
  }

  async write(path: string, content: string | Buffer, key?: string): Promise<void> {
    const hash = sha256(content);
    this.next.files[path] = { sha256: hash, key };
    const target = join(this.dir, path);
    // Rendered anyway, so compare with the bytes on disk (not only the manifest): a file edited or
    // damaged by hand is written again.
    if (this.existing.has(path) && sha256(await readFile(target).catch(() => Buffer.alloc(0))) === hash) {
      this.unchanged += 1;
      return;
    }
    await this.mkdir(dirname(target));
    const temp = `${target}.tmp-${process.pid}`;
    await writeFile(temp, content);
    await rename(temp, target);
    this.written += 1;
  }

  async copy(path: string, source: string, key: string): Promise<void> {
    if (this.keep(path, key)) return;
    const target = join(this.dir, path);
    await this.mkdir(dirname(target));
    await copyFile(source, target);
    this.next.files[path] = { sha256: key, key };
    this.written += 1;
  }

  private async mkdir(dir: string): Promise<void> {
    if (this.made.has(dir)) return;
    await mkdir(dir, { recursive: true });
    this.made.add(dir);
  }
}

async function readManifest(siteDir: string): Promise<Manifest> {
  try {
    const data = JSON.parse(await readFile(join(siteDir, MANIFEST), 'utf8')) as Manifest;
    if (data.version === RENDER_VERSION && typeof data.files === 'object' && data.files !== null) return data;
  } catch {
    // No manifest (first publish) or an unreadable one: everything is rendered again.
  }
  return { version: RENDER_VERSION, files: {} };
}

async function existingFiles(siteDir: string): Promise<Set<string>> {
  try {
    const entries = await readdir(siteDir, { recursive: true, withFileTypes: true });
    return new Set(entries.filter((entry) => entry.isFile()).map((entry) => relative(siteDir, join(entry.parentPath, entry.name)).split(sep).join('/')));
  } catch {
    return new Set();
  }
}

/** The site directory, refused where it would overwrite the mirror's own files. */
export function resolveSiteDir(mirrorDir: string, siteDir: string | undefined): string {
  const dir = resolve(mirrorDir, siteDir ?? 'site');
  const inside = relative(mirrorDir, dir).split(sep);
  const top = inside[0] ?? '';
  if (dir === resolve(mirrorDir) || [TEXT_DIR, RAW_DIR, META_DIR, STATE_DIR, '.git'].includes(top)) {
    throw new UsageError(`--site ${siteDir ?? ''}: the site cannot be built over the mirror's own files`, { hint: 'use a directory of its own, e.g. site/ (the default)' });
  }
  return dir;
}

/** Raw copies of markup are given a .txt suffix so a static host serves them as text, never as
 * pages running a leaked document's scripts under the site's origin. */
function rawCopyName(meta: DocumentMeta): string | undefined {
  if (meta.raw === null) return undefined;
  const name = basename(meta.raw);
  return /\.(pdf|txt|md|json|docx|doc|bin)$/i.test(name) ? name : `${name}.txt`;
}

interface DocumentLinks {
  dir: string;
  page: string;
  feed: string;
  version(commit: string): string;
  diff(commit: string): string;
}

function linksFor(id: string): DocumentLinks {
  const dir = `d/${id}`;
  return {
    dir,
    page: `${dir}/index.html`,
    feed: `${dir}/feed.xml`,
    version: (commit) => `${dir}/v-${short(commit)}.html`,
    diff: (commit) => `${dir}/diff-${short(commit)}.html`,
  };
}

const rootOf = (path: string): string => '../'.repeat(path.split('/').length - 1);

interface DocumentPlan {
  meta: DocumentMeta;
  versions: Version[];
  /** Content versions (the text changed), newest first, each with the one before it. */
  content: Array<{ version: Version; previous: Version | undefined }>;
  links: DocumentLinks;
  lastChanged: string | null;
}

function plan(meta: DocumentMeta, versions: Version[]): DocumentPlan {
  const contentVersions = versions.filter((version) => version.status === 'content');
  return {
    meta,
    versions,
    content: contentVersions.map((version, index) => ({ version, previous: contentVersions[index + 1] })),
    links: linksFor(meta.id),
    lastChanged: versions.find((version) => version.status !== 'technical')?.date ?? null,
  };
}

/** Where a version's entry in a feed or history points: its diff, its text, or the document. */
function versionTarget(doc: DocumentPlan, version: Version): string {
  const content = doc.content.find((entry) => entry.version.commit === version.commit);
  if (content === undefined) return doc.links.page;
  return content.previous === undefined ? doc.links.version(version.commit) : doc.links.diff(version.commit);
}

export async function publishSite(mirror: Mirror, options: PublishSiteOptions = {}): Promise<PublishSiteResult> {
  const siteDir = resolveSiteDir(mirror.dir, options.siteDir);
  const baseUrl = options.baseUrl === undefined ? undefined : new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`).href;
  const generator = `leakmirror ${VERSION}`;
  const name = mirror.config.name;

  const [metas, versions, previous, existing] = await Promise.all([readAllMeta(mirror.dir), allVersions(mirror.repo), readManifest(siteDir), existingFiles(siteDir)]);
  const byDocument = new Map<string, Version[]>();
  for (const version of versions) {
    const list = byDocument.get(version.documentId);
    if (list === undefined) byDocument.set(version.documentId, [version]);
    else list.push(version);
  }
  const docs = metas.map((meta) => plan(meta, byDocument.get(meta.id) ?? []));
  const writer = new SiteWriter(siteDir, previous, existing);
  let catFile: CatFile | undefined;
  const textAt = async (id: string, commit: string): Promise<string> => {
    catFile ??= new CatFile(mirror.dir);
    return (await catFile.readText(`${commit}:${mirror.repo.layout.documentPaths(id).text}`)) ?? '';
  };

  try {
    for (const doc of docs) await publishDocument(doc, { writer, textAt, mirror, generator, baseUrl, name });
  } finally {
    await catFile?.close();
  }

  await writer.write('index.html', indexPage(docs, name, generator));
  const docById = new Map(docs.map((doc) => [doc.meta.id, doc]));
  const entries = versions.slice(0, GLOBAL_FEED_ENTRIES).flatMap((version) => {
    const doc = docById.get(version.documentId);
    return doc === undefined ? [] : [feedEntry(doc, version)];
  });
  await writer.write(
    'feed.xml',
    atomFeed({
      id: baseUrl !== undefined ? `${baseUrl}feed.xml` : `urn:leakmirror:feed:${encodeURIComponent(name)}`,
      title: `${name}: changes`,
      subtitle: 'Every version recorded by the mirror, newest first',
      author: name,
      self: 'feed.xml',
      alternate: 'index.html',
      baseUrl,
      root: '',
      entries,
      generator: { name: 'leakmirror', version: VERSION },
    }),
  );

  // Files written by an earlier publish that this one did not produce (a page template renamed).
  let deleted = 0;
  for (const path of Object.keys(previous.files)) {
    if (writer.next.files[path] === undefined && existing.has(path)) {
      await rm(join(siteDir, path), { force: true });
      deleted += 1;
    }
  }
  await mkdir(siteDir, { recursive: true });
  await writeFile(join(siteDir, MANIFEST), `${JSON.stringify(writer.next)}\n`);
  return { siteDir, documents: docs.length, files: Object.keys(writer.next.files).length, written: writer.written, unchanged: writer.unchanged, deleted };
}

interface PublishContext {
  writer: SiteWriter;
  textAt(id: string, commit: string): Promise<string>;
  mirror: Mirror;
  generator: string;
  baseUrl: string | undefined;
  name: string;
}

function feedEntry(doc: DocumentPlan, version: Version): FeedEntry {
  const title = doc.meta.title ?? doc.meta.id;
  return {
    // Stable across a rebase (which changes commit ids): the document, the kind of change, the time and the bytes.
    id: `urn:leakmirror:version:${doc.meta.id}:${version.status}:${Math.floor(Date.parse(version.date) / 1000)}:${version.sha256.slice(0, 16)}`,
    title: version.message || `${version.status} ${title}`,
    updated: new Date(Date.parse(version.date)).toISOString(),
    link: versionTarget(doc, version),
    summary: `${version.status === 'content' ? 'The text changed' : version.status === 'technical' ? 'The raw bytes changed; the text did not' : 'Removed upstream'}: ${title} (${doc.meta.id}), ${doc.meta.url}`,
  };
}

async function publishDocument(doc: DocumentPlan, context: PublishContext): Promise<void> {
  const { writer, generator } = context;
  const { meta, links } = doc;
  const title = meta.title ?? meta.id;
  const header = (path: string, what: string): string => {
    const root = rootOf(path);
    return `<header><nav class="crumbs"><a href="${root}index.html">All documents</a> › <a href="${href(`${root}${links.page}`)}">${escapeHtml(title)}</a></nav><h1>${escapeHtml(what)}</h1><p class="muted">${escapeHtml(meta.id)} · ${escapeHtml(meta.url)}</p></header>`;
  };

  // Pages of versions and changes: immutable once written (keyed by commits and the title shown).
  for (const { version, previous } of doc.content) {
    const versionPath = links.version(version.commit);
    const versionKey = sha256(JSON.stringify([RENDER_VERSION, 'version', version.commit, title]));
    if (!writer.keep(versionPath, versionKey)) {
      const text = await context.textAt(meta.id, version.commit);
      const body = `${header(versionPath, `${title}: version of ${shortDate(version.date)}`)}<main><p>Commit <code>${escapeHtml(version.commit)}</code> · text sha256 <code>${escapeHtml(version.textSha256)}</code>${
        previous === undefined ? '' : ` · <a href="${href(basename(links.diff(version.commit)))}">changes from the previous version</a>`
      }</p><pre class="text">${escapeHtml(text)}</pre></main>`;
      await writer.write(versionPath, page({ title: `${title} (${shortDate(version.date)})`, root: rootOf(versionPath), body, generator, feed: 'feed.xml' }), versionKey);
    }
    if (previous === undefined) continue;
    const diffPath = links.diff(version.commit);
    const diffKey = sha256(JSON.stringify([RENDER_VERSION, 'diff', previous.commit, version.commit, title]));
    if (writer.keep(diffPath, diffKey)) continue;
    const [oldText, newText] = await Promise.all([context.textAt(meta.id, previous.commit), context.textAt(meta.id, version.commit)]);
    const result = diffTexts(oldText, newText, { mode: 'word' });
    const fragment = renderDiffFragment(result, { id: meta.id, title: meta.title, url: meta.url, from: { commit: previous.commit, date: previous.date }, to: { commit: version.commit, date: version.date } });
    const root = rootOf(diffPath);
    const body = `<header><nav class="crumbs"><a href="${root}index.html">All documents</a> › <a href="${href(`${root}${links.page}`)}">${escapeHtml(title)}</a></nav></header><main><p>From <a href="${href(basename(links.version(previous.commit)))}">the version of ${escapeHtml(shortDate(previous.date))}</a> (<code>${short(previous.commit)}</code>) to <a href="${href(basename(links.version(version.commit)))}">the version of ${escapeHtml(shortDate(version.date))}</a> (<code>${short(version.commit)}</code>).</p>${fragment}</main>`;
    await writer.write(diffPath, page({ title: `Changes to ${title} (${shortDate(version.date)})`, root, body, generator, feed: 'feed.xml', css: DIFF_CSS }), diffKey);
  }

  // The current raw file, copied so the site stands alone.
  const rawName = rawCopyName(meta);
  let rawLink = '';
  if (rawName !== undefined && meta.raw !== null) {
    const rawSource = join(context.mirror.dir, meta.raw);
    const copied = await writer.copy(`${links.dir}/${rawName}`, rawSource, sha256(JSON.stringify([meta.sha256, rawName]))).then(
      () => true,
      () => false,
    );
    if (copied) rawLink = `<a href="${href(rawName)}">${escapeHtml(rawName)}</a> (${meta.size.toLocaleString('en')} bytes, sha256 <code>${escapeHtml(meta.sha256.slice(0, 16))}…</code>)`;
  }

  const documentKey = sha256(JSON.stringify([RENDER_VERSION, serializeMeta(meta), doc.versions.map((version) => [version.commit, version.status, version.date, version.message]), rawLink, context.baseUrl ?? '', context.name]));
  if (!writer.keep(links.page, documentKey)) {
    const text = await readFile(join(context.mirror.dir, meta.text), 'utf8').catch(() => '');
    const rows = doc.versions
      .map((version, index) => {
        const content = doc.content.find((entry) => entry.version.commit === version.commit);
        const textLink = content === undefined ? '' : `<a href="${href(basename(links.version(version.commit)))}">text</a>`;
        const diffLink = content?.previous === undefined ? '' : ` · <a href="${href(basename(links.diff(version.commit)))}">diff</a>`;
        return `<tr class="${version.status}"><td class="num">@${index}</td><td>${escapeHtml(shortDate(version.date))}</td><td>${escapeHtml(version.status)}</td><td>${escapeHtml(version.message)}</td><td><code title="${escapeHtml(version.commit)}">${short(version.commit)}</code></td><td>${textLink}${diffLink}</td></tr>`;
      })
      .join('\n');
    const facts: Array<[string, string]> = [
      ['Source URL', `<a href="${escapeHtml(meta.url)}" rel="nofollow noopener noreferrer">${escapeHtml(meta.url)}</a>`],
      ['Status', escapeHtml(meta.status + (meta.removedAt === null ? '' : ` since ${shortDate(meta.removedAt)}`))],
      ['Extraction', escapeHtml(meta.extraction + (meta.error === null ? '' : `: ${meta.error}`))],
      ['Type', escapeHtml(meta.mediaType + (meta.pages === null ? '' : `, ${meta.pages} page(s)`))],
      ['Last fetched', escapeHtml(shortDate(meta.fetchedAt))],
      ['Raw file', rawLink === '' ? '<span class="muted">not kept</span>' : rawLink],
      ['Feed', `<a href="feed.xml">Atom feed of this document's changes</a>`],
    ];
    if (meta.author !== null) facts.splice(4, 0, ['Author', escapeHtml(meta.author)]);
    const body = `<header><nav class="crumbs"><a href="${rootOf(links.page)}index.html">All documents</a></nav><h1>${escapeHtml(title)}</h1><p class="muted">${escapeHtml(meta.id)}</p></header>
<main><dl class="meta">${facts.map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`).join('')}</dl>
<h2>History (${doc.versions.length} version${doc.versions.length === 1 ? '' : 's'}, newest first)</h2>
<table><thead><tr><th>#</th><th>Recorded</th><th>Change</th><th>Commit message</th><th>Commit</th><th></th></tr></thead><tbody>
${rows}
</tbody></table>
<h2>Current text</h2><pre class="text">${escapeHtml(text)}</pre></main>`;
    await writer.write(links.page, page({ title, root: rootOf(links.page), body, generator, feed: 'feed.xml' }), documentKey);
  }
  if (!writer.keep(links.feed, documentKey)) {
    await writer.write(
      links.feed,
      atomFeed({
        id: context.baseUrl !== undefined ? new URL(links.feed, context.baseUrl).href : `urn:leakmirror:feed:${encodeURIComponent(context.name)}:${meta.id}`,
        title: `${title}: changes`,
        author: context.name,
        self: links.feed,
        alternate: links.page,
        baseUrl: context.baseUrl,
        root: rootOf(links.feed),
        entries: doc.versions.slice(0, DOCUMENT_FEED_ENTRIES).map((version) => feedEntry(doc, version)),
        generator: { name: 'leakmirror', version: VERSION },
      }),
      documentKey,
    );
  }
}

// Sorting and filtering for the index, in a few lines of plain JS. Without JS the table is all
// there, sorted by last change.
const INDEX_SCRIPT = `(function () {
  var table = document.getElementById('docs'); if (!table) return;
  var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
  var input = document.getElementById('filter'); input.hidden = false;
  var count = document.getElementById('count');
  input.addEventListener('input', function () {
    var q = input.value.toLowerCase(), shown = 0;
    rows.forEach(function (row) { var hit = row.textContent.toLowerCase().indexOf(q) >= 0; row.hidden = !hit; if (hit) shown++; });
    count.textContent = shown + ' of ' + rows.length;
  });
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell, column) {
    var button = document.createElement('button'); button.type = 'button'; button.textContent = cell.textContent;
    cell.textContent = ''; cell.appendChild(button); var ascending = false;
    button.addEventListener('click', function () {
      ascending = !ascending;
      rows.sort(function (a, b) {
        var x = a.cells[column].getAttribute('data-sort') || a.cells[column].textContent;
        var y = b.cells[column].getAttribute('data-sort') || b.cells[column].textContent;
        var n = Number(x) - Number(y); var c = isNaN(n) ? x.localeCompare(y) : n;
        return ascending ? c : -c;
      });
      rows.forEach(function (row) { body.appendChild(row); });
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) { other.removeAttribute('aria-sort'); });
      cell.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    });
  });
})();`;

function indexPage(docs: DocumentPlan[], name: string, generator: string): string {
  const sorted = [...docs].sort((a, b) => (b.lastChanged ?? '').localeCompare(a.lastChanged ?? '') || a.meta.id.localeCompare(b.meta.id));
  const rows = sorted
    .map((doc) => {
      const { meta } = doc;
      return `<tr class="${meta.status}"><td><a href="${href(doc.links.page)}">${escapeHtml(meta.title ?? meta.id)}</a><br><span class="muted">${escapeHtml(meta.id)}</span></td><td>${escapeHtml(meta.source)}</td><td>${escapeHtml(meta.status)}${
        meta.extraction === 'text' ? '' : ` <span class="muted">(${escapeHtml(meta.extraction)})</span>`
      }</td><td class="num">${doc.versions.length}</td><td data-sort="${escapeHtml(doc.lastChanged ?? '')}">${escapeHtml(shortDate(doc.lastChanged))}</td></tr>`;
    })
    .join('\n');
  const body = `<header><h1>${escapeHtml(name)}</h1><p class="muted">${docs.length} document${docs.length === 1 ? '' : 's'} · <a href="feed.xml">Atom feed of all changes</a></p></header>
<main><input id="filter" type="search" placeholder="Filter documents" aria-label="Filter documents" hidden> <span id="count" class="muted"></span>
<table id="docs"><thead><tr><th>Document</th><th>Source</th><th>Status</th><th>Versions</th><th>Last change</th></tr></thead><tbody>
${rows}
</tbody></table></main>`;
  return page({ title: name, root: '', body, generator, feed: 'feed.xml', script: INDEX_SCRIPT });
}
