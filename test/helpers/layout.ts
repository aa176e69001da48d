// Paths of documents in a mirror made by `init` (layout 2, src/store/layout.ts), for tests that
// check files and git paths directly.
import { SHARDED_LAYOUT } from '../../src/store/layout.js';

export function textPath(id: string): string {
  return SHARDED_LAYOUT.documentPaths(id).text;
}

export function metaPath(id: string): string {
  return SHARDED_LAYOUT.documentPaths(id).meta;
}

/** `ext` as the raw file ends: `pdf`, `html`, … */
export function rawPath(id: string, ext: string): string {
  const stem = textPath(id).slice('text/'.length, -'.txt'.length);
  return `raw/${stem}.${ext}`;
}
