// Where things live in a mirror. Three parallel trees keyed by document id, so the text of every
// document can be browsed (and diffed by git) directly:
//   text/<id>.txt    normalized text       meta/<id>.json   metadata
//   raw/<id>.<ext>   bytes as fetched      .leakmirror/     local state (git-ignored: lock, temp files)
import { join } from 'node:path';

export const TEXT_DIR = 'text';
export const RAW_DIR = 'raw';
export const META_DIR = 'meta';
export const STATE_DIR = '.leakmirror';

export interface DocumentPaths {
  text: string;
  meta: string;
}

/** Paths relative to the mirror root, with forward slashes (they also name git paths). */
export function documentPaths(id: string): DocumentPaths {
  return { text: `${TEXT_DIR}/${id}.txt`, meta: `${META_DIR}/${id}.json` };
}

export function rawPath(id: string, mediaType: string): string {
  return `${RAW_DIR}/${id}.${extensionFor(mediaType)}`;
}

const EXTENSIONS: Record<string, string> = {
  'application/pdf': 'pdf',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'text/plain': 'txt',
  'text/markdown': 'md',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/msword': 'doc',
  'application/json': 'json',
  'application/xml': 'xml',
  'text/xml': 'xml',
};

export function extensionFor(mediaType: string): string {
  return EXTENSIONS[mediaType.toLowerCase()] ?? 'bin';
}

export function tempDir(mirrorDir: string): string {
  return join(mirrorDir, STATE_DIR, 'tmp');
}

export function lockTarget(mirrorDir: string): string {
  return join(mirrorDir, STATE_DIR, 'sync');
}

// Anchored with a leading slash: an unanchored `site/` would also hide a source named "site".
export const MIRROR_GITIGNORE = `# leakmirror's local state: lock and temporary files, never published\n/${STATE_DIR}/\n# the static site built by \`leakmirror publish\`\n/site/\n`;
