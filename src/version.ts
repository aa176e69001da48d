// The program's own version, read once from package.json (two levels up from dist/src/).
import { readFileSync } from 'node:fs';

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export const HOMEPAGE = 'https://github.com/leakmirror/leakmirror';

export function userAgent(contact: string | undefined): string {
  return `leakmirror/${VERSION} (+${contact ?? HOMEPAGE})`;
}
