import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { initMirror } from '../src/core/init.js';
import { tempDir } from './helpers/temp.js';

const git = (dir: string, ...args: string[]) => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' });

describe('init --ci', () => {
  it('writes a GitHub workflow that syncs on a schedule, publishes what was recorded on exit 3, and pushes', async () => {
    const dir = join(await tempDir(), 'm');
    const result = await initMirror({ dir, ci: 'github' });
    assert.equal(result.ciFile, '.github/workflows/leakmirror.yml');
    const workflow = parse(await readFile(join(dir, result.ciFile), 'utf8')) as {
      on: { schedule: Array<{ cron: string }> };
      permissions: Record<string, string>;
      jobs: { sync: { steps: Array<{ name?: string; run?: string; uses?: string; if?: string }> } };
    };
    assert.ok(workflow.on.schedule[0]?.cron);
    assert.equal(workflow.permissions.contents, 'write');
    const steps = workflow.jobs.sync.steps;
    const runs = steps.map((step) => step.run ?? '').join('\n');
    assert.match(runs, /leakmirror@[\d.]+ sync --json/);
    assert.match(runs, /-ne 3/, 'exit 3 does not stop the workflow before publishing');
    assert.match(runs, /publish --site site/);
    assert.match(runs, /publish --push/);
    assert.equal(steps.at(-1)?.if, "steps.sync.outputs.code == '3'", 'the run is marked when documents failed');
    assert.match(git(dir, 'show', '--stat', '--format=', 'HEAD'), /\.github\/workflows\/leakmirror\.yml/);
  });

  it('adds a GitLab pipeline to an existing mirror once, in its own commit', async () => {
    const dir = join(await tempDir(), 'm');
    await initMirror({ dir });
    const added = await initMirror({ dir, ci: 'gitlab' });
    assert.equal(added.created, false);
    assert.ok(added.commit);
    const pipeline = parse(await readFile(join(dir, '.gitlab-ci.yml'), 'utf8')) as { pages: { script: string[]; artifacts: { paths: string[] } } };
    assert.ok(pipeline.pages.script.some((line) => line.includes('publish --site public')));
    assert.ok(pipeline.pages.artifacts.paths.includes('public'));
    const again = await initMirror({ dir, ci: 'gitlab' });
    assert.equal(again.commit, undefined, 'nothing changes the second time');
    assert.equal(git(dir, 'rev-list', '--count', 'HEAD').trim(), '2');
  });
});
