// sync --shard k/n: every document in exactly one shard, the same one every time; shards synced
// separately record the whole mirror.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { addSource } from '../src/core/add.js';
import { initMirror } from '../src/core/init.js';
import { listDocuments } from '../src/core/list.js';
import { openMirror } from '../src/core/mirror.js';
import { inShard, parseShard, shardOf } from '../src/core/shard.js';
import { sync } from '../src/core/sync.js';
import { UsageError } from '../src/errors.js';
import { startServer, type TestServer } from './helpers/http-server.js';
import { tempDir } from './helpers/temp.js';

describe('shards', () => {
  it('parses k/n strictly', () => {
    assert.deepEqual(parseShard('2/4'), { index: 2, count: 4 });
    assert.deepEqual(parseShard('1/1'), { index: 1, count: 1 });
    for (const bad of ['0/4', '5/4', '1/0', '1', '1/2/3', 'a/b', '-1/2', '']) assert.throws(() => parseShard(bad), UsageError, bad);
  });

  it('puts every id in exactly one shard, deterministically, spread evenly', () => {
    const ids = Array.from({ length: 3000 }, (_, index) => `source-${index % 7}/doc-${index}`);
    for (const count of [1, 2, 3, 7]) {
      const sizes = new Array<number>(count).fill(0);
      for (const id of ids) {
        const owners = Array.from({ length: count }, (_, k) => k + 1).filter((index) => inShard(id, { index, count }));
        assert.equal(owners.length, 1, `${id} in ${owners.length} of ${count} shards`);
        assert.equal(owners[0], shardOf(id, count));
        const slot = (owners[0] as number) - 1;
        sizes[slot] = (sizes[slot] ?? 0) + 1;
      }
      for (const size of sizes) assert.ok(Math.abs(size - ids.length / count) < (ids.length / count) * 0.15, `uneven: ${sizes.join(', ')}`);
    }
  });
});

describe('sync --shard', () => {
  let server: TestServer;
  let mirrorDir: string;
  const docs = Array.from({ length: 12 }, (_, index) => `doc-${index}.txt`);

  before(async () => {
    server = await startServer((req, res) => {
      if (req.url === '/') {
        res.writeHead(200, { 'content-type': 'text/html' }).end(`<main>${docs.map((doc) => `<a href="/d/${doc}">${doc}</a>`).join(' ')}</main>`);
      } else res.writeHead(200, { 'content-type': 'text/plain' }).end(`Text of ${req.url}\n`);
    });
    mirrorDir = join(await tempDir(), 'mirror');
    await initMirror({ dir: mirrorDir, name: 'shards' });
    await addSource({ mirrorDir, url: `${server.url}/`, name: 'docs', links: 'main a' });
  });
  after(() => server.close());

  it('three shards record every document exactly once', async () => {
    const seen = new Map<string, number>();
    for (let index = 1; index <= 3; index += 1) {
      const result = await sync({ mirrorDir, allowPrivateNetwork: true, delayMs: 0, retries: 0, shard: { index, count: 3 } });
      for (const doc of result.documents) {
        assert.equal(shardOf(doc.id, 3), index);
        seen.set(doc.id, (seen.get(doc.id) ?? 0) + 1);
      }
    }
    assert.equal(seen.size, docs.length);
    assert.ok([...seen.values()].every((count) => count === 1));
    const listed = await listDocuments(await openMirror(mirrorDir));
    assert.equal(listed.length, docs.length);
  });
});
