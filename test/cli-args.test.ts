// Which command a command line names: only that command's module is loaded (src/cli/main.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commandNameOf } from '../src/cli/main.js';

describe('commandNameOf', () => {
  const cases: Array<[argv: string[], expected: string | undefined]> = [
    [['diff', 'a/b'], 'diff'],
    [['-C', 'mirror', 'diff', 'a/b'], 'diff'],
    [['--mirror', 'sync', 'log', 'x'], 'log'], // "sync" is the directory here
    [['--mirror=m', 'list'], 'list'],
    [['-Cm', 'list'], 'list'], // value attached to the short option
    [['-qC', 'dir', 'show', 'x'], 'show'], // a cluster of short options ending in C takes the next word
    [['--json', '-q', 'changes', '--since', '2012-12-01'], 'changes'],
    [['--no-color', 'help', 'diff'], 'help'],
    [['--', 'diff'], 'diff'],
    [['--version'], undefined],
    [['-C', 'dir'], undefined],
    [[], undefined],
  ];
  for (const [argv, expected] of cases) {
    it(`${JSON.stringify(argv)} -> ${String(expected)}`, () => {
      assert.equal(commandNameOf(argv), expected);
    });
  }
});
