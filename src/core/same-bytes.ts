// The same bytes under two URLs (a PDF linked from two index pages under two names): noted in the
// metadata (`sameAs`: the other documents' ids) so readers and scripts can tell. The bytes are still
// stored under each document: git stores one blob for identical content anyway, so the repository
// does not grow twice; only the work tree holds two copies.
import type { DocumentMeta } from '../store/metadata.js';

export class SameBytesIndex {
  private readonly shaOf = new Map<string, string>();
  private readonly idsOf = new Map<string, Set<string>>();

  constructor(metas: readonly Pick<DocumentMeta, 'id' | 'sha256'>[]) {
    for (const meta of metas) this.set(meta.id, meta.sha256);
  }

  /** Note that `id` now has bytes `sha256`; the other documents with the same bytes (sorted), or null. */
  claim(id: string, sha256: string): string[] | null {
    this.set(id, sha256);
    const others = [...(this.idsOf.get(sha256) ?? [])].filter((other) => other !== id).sort();
    return others.length === 0 ? null : others;
  }

  private set(id: string, sha256: string): void {
    const before = this.shaOf.get(id);
    if (before !== undefined) this.idsOf.get(before)?.delete(id);
    this.shaOf.set(id, sha256);
    let ids = this.idsOf.get(sha256);
    if (ids === undefined) {
      ids = new Set();
      this.idsOf.set(sha256, ids);
    }
    ids.add(id);
  }
}
