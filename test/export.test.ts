// export --format jsonl: one record per version, oldest first, with that version's text.
import assert from 'node:assert/strict';
import { inflateRawSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../src/cli/main.js';
import type { CliIO } from '../src/cli/output.js';
import { addSource } from '../src/core/add.js';
import { initMirror } from '../src/core/init.js';
import { sync } from '../src/core/sync.js';
import { startServer, type TestServer } from './helpers/http-server.js';
import { tempDir } from './helpers/temp.js';

async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) }, env: { NO_COLOR: '1' } };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

describe('export --format jsonl', () => {
  let server: TestServer;
  let mirrorDir: string;
  let version = 1;

  before(async () => {
    server = await startServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`${req.url} version ${version}\n`);
    });
    mirrorDir = join(await tempDir(), 'mirror');
    await initMirror({ dir: mirrorDir, name: 'export' });
    await addSource({ mirrorDir, url: `${server.url}/a.txt`, name: 'a' });
    await addSource({ mirrorDir, url: `${server.url}/b.txt`, name: 'b' });
    await sync({ mirrorDir, allowPrivateNetwork: true, delayMs: 0, retries: 0 });
    version = 2;
    await sync({ mirrorDir, allowPrivateNetwork: true, delayMs: 0, retries: 0, sources: ['a'] });
  });
  after(() => server.close());

  it('writes one record per version to stdout, each with its own text', async () => {
    const run = await runCli(['-C', mirrorDir, 'export']);
    assert.equal(run.code, 0, run.stderr);
    const records = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { id: string; url: string; date: string; sha256: string; text: string });
    assert.equal(records.length, 3);
    const a = records.filter((record) => record.id === 'a');
    assert.deepEqual(a.map((record) => record.text), ['/a.txt version 1\n', '/a.txt version 2\n'], 'oldest first');
    for (const record of records) {
      assert.equal(record.url, `${server.url}/${record.id}.txt`);
      assert.match(record.sha256, /^[0-9a-f]{64}$/);
      assert.ok(!Number.isNaN(Date.parse(record.date)));
    }
  });

  it('--output writes a file; ids filter', async () => {
    const file = join(await tempDir(), 'out.jsonl');
    const run = await runCli(['-C', mirrorDir, 'export', 'b', '--output', file]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '');
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    assert.equal(lines.length, 1);
    assert.equal((JSON.parse(lines[0] as string) as { id: string }).id, 'b');
    assert.equal((await runCli(['-C', mirrorDir, 'export', '--format', 'csv'])).code, 2);
  });

  it('--format zip writes every version as a text file plus an index', async () => {
    const file = join(await tempDir(), 'out.zip');
    const run = await runCli(['-C', mirrorDir, 'export', '--format', 'zip', '--output', file]);
    assert.equal(run.code, 0, run.stderr);
    const entries = readZip(await readFile(file));
    const names = [...entries.keys()].sort();
    assert.equal(names.length, 4);
    assert.ok(names.includes('versions.jsonl'));
    const index = (entries.get('versions.jsonl') ?? '').trim().split('\n').map((line) => JSON.parse(line) as { id: string; file: string; text?: string });
    assert.equal(index.length, 3);
    for (const record of index) {
      assert.equal(record.text, undefined, 'the index carries no text');
      assert.match(entries.get(record.file) ?? '', new RegExp(`/${record.id}.txt version \\d`));
    }
    assert.equal((await runCli(['-C', mirrorDir, 'export', '--format', 'zip'])).code, 2, 'a zip needs --output');
  });
});

/** A minimal zip reader for the test: central directory, local headers, stored or deflated. */
function readZip(zip: Buffer): Map<string, string> {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  const files = new Map<string, string>();
  for (let i = 0; i < count; i += 1) {
    const method = zip.readUInt16LE(offset + 10);
    const size = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extra = zip.readUInt16LE(offset + 30);
    const comment = zip.readUInt16LE(offset + 32);
    const local = zip.readUInt32LE(offset + 42);
    const name = zip.subarray(offset + 46, offset + 46 + nameLength).toString('utf8');
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(dataStart, dataStart + size);
    files.set(name, (method === 8 ? inflateRawSync(data) : data).toString('utf8'));
    offset += 46 + nameLength + extra + comment;
  }
  return files;
}
