// The program's own version, read once from its package.json.
import { packageVersion } from './util/package-root.js';

export const VERSION: string = packageVersion();

export const HOMEPAGE = 'https://github.com/leakmirror/leakmirror';

export function userAgent(contact: string | undefined): string {
  return `leakmirror/${VERSION} (+${contact ?? HOMEPAGE})`;
}
