// Commit messages and `git log` output: how a version's facts travel in its commit (trailers) and
// are read back. Pure, no git process and no simple-git, so the read side can import it cheaply.

export type ChangeType = 'content' | 'technical' | 'removed';

export interface CommitTrailers {
  documentId: string;
  sourceUrl: string;
  contentSha256: string;
  textSha256: string;
  changeType: ChangeType;
  /** Extra trailers, e.g. Wayback-Capture. */
  extra?: Record<string, string>;
}

export interface CommitRecord {
  commit: string;
  /** Author date: when the version was fetched. */
  date: string;
  subject: string;
  trailers: Record<string, string>;
}

// Field and record separators that cannot occur in commit subjects or trailers.
const FIELD = '\x1f';
const RECORD = '\x1e';
export const LOG_FORMAT = `--format=${RECORD}%H${FIELD}%aI${FIELD}%s${FIELD}%(trailers:only,unfold)`;

/** Keep subjects on one line and readable whatever a document's title contains. */
export function commitSubject(verb: string, title: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  const clean = title.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  const subject = `${verb} ${clean}`;
  return subject.length > 100 ? `${subject.slice(0, 99)}…` : subject;
}

export function commitMessage(subject: string, body: string | undefined, trailers: CommitTrailers): string {
  const lines = [
    `Document-Id: ${trailers.documentId}`,
    `Source-URL: ${trailers.sourceUrl}`,
    `Content-SHA256: ${trailers.contentSha256}`,
    `Text-SHA256: ${trailers.textSha256}`,
    `Change-Type: ${trailers.changeType}`,
    ...Object.entries(trailers.extra ?? {}).map(([key, value]) => `${key}: ${value}`),
  ];
  return [subject, '', ...(body ? [body, ''] : []), ...lines, ''].join('\n');
}

export function parseTrailers(block: string): Record<string, string> {
  const trailers: Record<string, string> = {};
  for (const line of block.split('\n')) {
    const match = /^([A-Za-z0-9-]+):\s?(.*)$/.exec(line);
    if (match?.[1] !== undefined) trailers[match[1]] = match[2] ?? '';
  }
  return trailers;
}

/** Parse `git log` output produced with LOG_FORMAT. Pure. */
export function parseLog(output: string): CommitRecord[] {
  const records: CommitRecord[] = [];
  for (const chunk of output.split(RECORD)) {
    if (chunk.trim() === '') continue;
    const [commit, date, subject, trailers] = chunk.split(FIELD);
    if (commit === undefined || date === undefined) continue;
    records.push({ commit: commit.trim(), date, subject: subject ?? '', trailers: parseTrailers(trailers ?? '') });
  }
  return records;
}
