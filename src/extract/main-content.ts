// Finds a page's main content, so site furniture (menus, site headers and footers, cookie banners,
// share buttons, comment threads, "related" and newsletter blocks) stays out of the text and out of
// every diff. One iterative pass over the tree measures the text under each element and collects
// the candidates; the decision is then made on those counts:
//
// 1. A single `<main>` (or `[role=main]`; nested ones count once) is the content. Failing that, one
//    dominant `<article>` (an outermost article holding at least half of the page's text) is.
//    Inside the content, elements whose class or id tokens name furniture (share, comments,
//    newsletter…) and `role=navigation|search` are dropped; its own header, footer and asides stay.
// 2. Without such content (or when it would keep too little, see below), the whole page is kept
//    minus the furniture: `header`/`footer` not inside an `article`, `aside`, `main`, `nav` or
//    `section` (the page's banner and content info, as ARIA maps them), `aside` not inside an
//    `article`, `main` or `section`, elements with `role=banner|navigation|contentinfo|complementary|search`,
//    and the class/id token matches.
// 3. A choice that keeps less than a quarter of the page's text and fewer than 500 characters falls
//    back to the next step; the last resort is the whole page, as with `mainContent: false`.
//
// An element that contains a `main`, `[role=main]` or `article`, or more than half of the page's
// text, is never dropped as furniture (a `<div class="social-layout">` wrapping the whole page).
// Text is measured in non-whitespace characters, outside the elements the walker drops anyway.

import type { AnyNode, Element, ParentNode } from 'domhandler';

/** Class or id tokens (split on `-`, `_`, other punctuation and camelCase humps) that name furniture. */
const FURNITURE_TOKENS = new Set([
  'cookie', 'cookies', 'consent', 'gdpr',
  'share', 'sharing', 'sharer', 'social', 'socials',
  'comment', 'comments',
  'breadcrumb', 'breadcrumbs',
  'newsletter', 'newsletters',
  'related',
  'ad', 'ads', 'advert', 'adverts', 'advertisement', 'advertisements', 'advertising',
  'nav', 'navbar', 'navigation',
]);
const PAGE_ROLES = new Set(['banner', 'navigation', 'contentinfo', 'complementary', 'search']);
/** Roles dropped even inside the chosen content. */
const CONTENT_ROLES = new Set(['navigation', 'search']);
/** Ancestors that make a header or footer part of the content rather than the page's. */
const HEADER_SCOPES = new Set(['article', 'aside', 'main', 'nav', 'section']);
const ASIDE_SCOPES = new Set(['article', 'main', 'section']);

/** Below both of these, a choice keeps too little: fall back. */
export const MIN_KEPT_SHARE = 0.25;
export const MIN_KEPT_CHARS = 500;

export type MainContentRule = 'main' | 'article' | 'cleaned' | 'whole';

export interface MainContentPlan {
  rule: MainContentRule;
  /** The element whose text is kept (rules `main` and `article`); the whole page otherwise. */
  content?: Element | undefined;
  /** Elements whose text is left out (outermost ones only). */
  drop: Set<Element>;
  /** Non-whitespace characters of the page's text, and of what the plan keeps. */
  totalChars: number;
  keptChars: number;
}

interface Candidate {
  element: Element;
  /** Dropped inside the chosen content too (tokens, navigation and search roles). */
  inContent: boolean;
}

interface Frame {
  element: Element | undefined;
  chars: number;
  /** Whether a main, [role=main] or article is inside (or is) this element. */
  holdsContent: boolean;
}

/**
 * The plan for `root`'s tree. `skip` names the elements whose text the walker never keeps (scripts,
 * styles, nav…): they are neither measured nor chosen.
 */
export function findMainContent(root: AnyNode, skip: ReadonlySet<string>): MainContentPlan {
  const chars = new Map<Element, number>();
  const holdsContent = new Set<Element>();
  const mains: Element[] = [];
  const articles: Element[] = [];
  const candidates: Candidate[] = [];
  const open: Record<'main' | 'article' | 'header' | 'aside', number> = { main: 0, article: 0, header: 0, aside: 0 };

  const frames: Frame[] = [{ element: undefined, chars: 0, holdsContent: false }];
  const stack: Array<{ node: AnyNode; exit: boolean }> = [{ node: root, exit: false }];
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    const { node } = entry;
    if (entry.exit) {
      const element = node as Element;
      const frame = frames.pop() as Frame;
      const parent = frames[frames.length - 1] as Frame;
      parent.chars += frame.chars;
      parent.holdsContent ||= frame.holdsContent;
      chars.set(element, frame.chars);
      if (frame.holdsContent) holdsContent.add(element);
      adjustScopes(open, element, -1);
      continue;
    }
    if ((node.type as string) === 'text') {
      (frames[frames.length - 1] as Frame).chars += nonWhitespaceLength((node as unknown as { data: string }).data);
      continue;
    }
    if (!('children' in node) || (node.type as string) === 'comment') continue;
    if (isElement(node)) {
      if (skip.has(node.name)) continue;
      const role = roleOf(node);
      const isMain = node.name === 'main' || role === 'main';
      if (isMain && open.main === 0) mains.push(node);
      if (node.name === 'article' && open.article === 0) articles.push(node);
      const candidate = furniture(node, role, open);
      if (candidate !== undefined) candidates.push(candidate);
      frames.push({ element: node, chars: 0, holdsContent: isMain || node.name === 'article' });
      adjustScopes(open, node, 1);
      stack.push({ node, exit: true });
    }
    const children = (node as ParentNode).children;
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if (child !== undefined) stack.push({ node: child, exit: false });
    }
  }

  const totalChars = (frames[0] as Frame).chars;
  const charsOf = (element: Element): number => chars.get(element) ?? 0;
  const enough = (kept: number): boolean => kept >= MIN_KEPT_CHARS || kept >= MIN_KEPT_SHARE * totalChars;
  const droppable = (element: Element): boolean => !holdsContent.has(element) && charsOf(element) * 2 <= totalChars;

  /** The outermost droppable candidates within `scope` (the whole tree when undefined). */
  const dropsWithin = (scope: Element | undefined, inContentOnly: boolean): Set<Element> => {
    const drop = new Set<Element>();
    for (const { element, inContent } of candidates) {
      if (inContentOnly && !inContent) continue;
      if (!droppable(element)) continue;
      let inScope = scope === undefined;
      let covered = false;
      for (let ancestor = element.parent; ancestor !== null; ancestor = ancestor.parent) {
        if (ancestor === scope) inScope = true;
        if (drop.has(ancestor as Element)) covered = true;
      }
      if (inScope && !covered && element !== scope) drop.add(element);
    }
    return drop;
  };
  const keptChars = (base: number, drop: Set<Element>): number => {
    let kept = base;
    for (const element of drop) kept -= charsOf(element);
    return kept;
  };

  let content: Element | undefined;
  let rule: MainContentRule | undefined;
  if (mains.length === 1) {
    content = mains[0];
    rule = 'main';
  } else {
    const largest = articles.reduce<Element | undefined>((best, article) => (best === undefined || charsOf(article) > charsOf(best) ? article : best), undefined);
    if (largest !== undefined && charsOf(largest) * 2 >= totalChars && totalChars > 0) {
      content = largest;
      rule = 'article';
    }
  }
  if (content !== undefined && rule !== undefined) {
    const drop = dropsWithin(content, true);
    const kept = keptChars(charsOf(content), drop);
    if (enough(kept)) return { rule, content, drop, totalChars, keptChars: kept };
  }
  const drop = dropsWithin(undefined, false);
  const kept = keptChars(totalChars, drop);
  if (drop.size > 0 && enough(kept)) return { rule: 'cleaned', drop, totalChars, keptChars: kept };
  return { rule: 'whole', drop: new Set(), totalChars, keptChars: totalChars };
}

function furniture(element: Element, role: string, open: Record<'main' | 'article' | 'header' | 'aside', number>): Candidate | undefined {
  if (CONTENT_ROLES.has(role) || hasFurnitureToken(element)) return { element, inContent: true };
  if (PAGE_ROLES.has(role)) return { element, inContent: false };
  if ((element.name === 'header' || element.name === 'footer') && open.header === 0) return { element, inContent: false };
  if (element.name === 'aside' && open.aside === 0) return { element, inContent: false };
  return undefined;
}

/** Counts the open elements that scope headers, footers and asides. */
function adjustScopes(open: Record<'main' | 'article' | 'header' | 'aside', number>, element: Element, by: 1 | -1): void {
  const isMain = element.name === 'main' || roleOf(element) === 'main';
  if (isMain) open.main += by;
  if (element.name === 'article') open.article += by;
  if (HEADER_SCOPES.has(element.name) || isMain) open.header += by;
  if (ASIDE_SCOPES.has(element.name) || isMain) open.aside += by;
}

function roleOf(element: Element): string {
  const role = element.attribs.role;
  // Most elements have no role: no string work (this runs three times an element).
  if (role === undefined || role === '') return '';
  return role.trim().toLowerCase().split(/\s+/, 1)[0] ?? '';
}

/** Whether a token of the class or id names furniture: `share-buttons` does, `shareholders` doesn't. */
export function hasFurnitureToken(element: Element): boolean {
  const { class: className, id } = element.attribs;
  return (className !== undefined && namesFurniture(className)) || (id !== undefined && namesFurniture(id));
}

// The answer for each class or id value seen: a site repeats the same few dozen on every page, and
// splitting a value into tokens takes a replace, a lower-casing, a split and a filter. Short values
// only, and a bounded number of them.
const FURNITURE_VALUE_CACHE = new Map<string, boolean>();
const CACHED_VALUE_MAX_LENGTH = 200;
const CACHED_VALUES_MAX = 4096;

function namesFurniture(value: string): boolean {
  if (value === '') return false;
  const known = FURNITURE_VALUE_CACHE.get(value);
  if (known !== undefined) return known;
  const answer = furnitureTokens(value).some((token) => FURNITURE_TOKENS.has(token));
  if (value.length <= CACHED_VALUE_MAX_LENGTH) {
    if (FURNITURE_VALUE_CACHE.size >= CACHED_VALUES_MAX) FURNITURE_VALUE_CACHE.clear();
    FURNITURE_VALUE_CACHE.set(value, answer);
  }
  return answer;
}

/** `cookie-banner shareButtons ad_slot` → cookie, banner, share, buttons, ad, slot. */
export function furnitureTokens(value: string): string[] {
  return value
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((token) => token !== '');
}

function nonWhitespaceLength(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!(code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d || code === 0xa0)) count++;
  }
  return count;
}

function isElement(node: AnyNode): node is Element {
  const type = node.type as string;
  return type === 'tag' || type === 'script' || type === 'style';
}
