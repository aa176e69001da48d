// The published site in a real browser: headless Chromium (Debian's package) driven by
// playwright-core. Opens the index from a local server, follows a document to its diff page, checks
// the added and removed words are shown, and keeps a screenshot in test-results/.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { addSource } from '../src/core/add.js';
import { initMirror } from '../src/core/init.js';
import { openMirror } from '../src/core/mirror.js';
import { sync } from '../src/core/sync.js';
import { defaultSampleSiteRoot, startSiteServer, type SiteServer } from '../src/demo/site-server.js';
import { publishSite } from '../src/publish/site.js';
import { tempDir } from './helpers/temp.js';

const CHROMIUM = '/usr/bin/chromium';
const artifacts = new URL('../../test-results/', import.meta.url).pathname;
// Flags that keep a headless Chromium from reaching for the network (closed here) at start.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('the published site in headless Chromium', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install chromium); .ci/run installs it` }, () => {
  let sample: SiteServer;
  let published: SiteServer;

  before(async () => {
    sample = await startSiteServer({ root: defaultSampleSiteRoot(), revision: 'rev1' });
    const mirrorDir = join(await tempDir(), 'mirror');
    await initMirror({ dir: mirrorDir });
    await addSource({ mirrorDir, url: sample.url, name: 'sample', links: 'main a', match: '/docs/' });
    await sync({ mirrorDir, allowPrivateNetwork: true, delayMs: 0, retries: 0 });
    sample.setRevision('rev2');
    await sync({ mirrorDir, allowPrivateNetwork: true, delayMs: 0, retries: 0 });
    await publishSite(await openMirror(mirrorDir));
    // The site server serves <root>/<revision>: here, the mirror's site/ directory.
    published = await startSiteServer({ root: mirrorDir, revision: 'site' });
  });
  after(async () => {
    await sample?.close();
    await published?.close();
  });

  it('leads from the index to a diff page that shows what was added and removed', { timeout: 120_000 }, async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      const external: string[] = [];
      page.on('request', (request) => {
        if (!request.url().startsWith(published.url)) external.push(request.url());
      });
      await page.goto(published.url);
      assert.match(await page.title(), /./);
      await page.getByRole('link', { name: /Draft revised ITRs/ }).first().click();
      await page.waitForLoadState();
      assert.match(page.url(), /\/d\/sample\/draft-itrs-td64\//);
      await page.locator('a[href*="diff-"]').first().click();
      await page.waitForLoadState();
      assert.match(page.url(), /diff-[0-9a-f]{12}\.html$/);
      const removed = (await page.locator('del').allTextContents()).join(' ');
      const added = (await page.locator('ins').allTextContents()).join(' ');
      assert.match(removed, /should/);
      assert.match(added, /shall/);
      await mkdir(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, 'site-diff.png'), fullPage: true });
      assert.deepEqual(external, [], 'the pages make no request outside the site');
    } finally {
      await browser.close();
    }
  });
});
