// Run by test/paused-parser-guard.test.ts in a child process, because what it provokes (undici 7's
// uncatchable `assert(!this.paused)`, nodejs/undici#5360) kills the process it happens in.
//
//   node paused-parser-child.js <bare|guarded> <length|eof|chunked|short>
//
// A server on 127.0.0.1 answers one request with a 256 KiB body in the given framing and closes the
// connection (FIN). The client asks through an undici Agent (its connector wrapped by
// guardPausedParser when `guarded`) with a body buffer one byte smaller than the body, and reads
// nothing for 300 ms: undici pauses its parser exactly at the last body byte, and the FIN arrives
// while it is paused. Then it reads the body and prints {"bytes": n} or {"error": code}.
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, buildConnector, request } from 'undici';
import { guardPausedParser } from '../../src/fetch/paused-parser-guard.js';

const [mode, framing] = process.argv.slice(2);
// `node --test dist/test/` also runs this file, without arguments: then there is nothing to do.
if (mode !== undefined) await run(mode, framing);

async function run(mode: string, framing: string | undefined): Promise<void> {
  const body = Buffer.alloc(256 * 1024, 'leakmirror ');
  const heads: Record<string, string> = {
    length: `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
    short: `HTTP/1.1 200 OK\r\nContent-Length: ${body.length + 100}\r\nConnection: close\r\n\r\n`,
    chunked: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n',
    eof: 'HTTP/1.0 200 OK\r\n\r\n',
  };
  const head = heads[framing ?? ''];
  if (head === undefined || (mode !== 'bare' && mode !== 'guarded')) throw new Error(`usage: paused-parser-child <bare|guarded> <${Object.keys(heads).join('|')}>`);

  const server = net.createServer((socket) => {
    socket.once('data', () => {
      socket.write(head);
      socket.end(framing === 'chunked' ? Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]) : body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = buildConnector({});
  const connect: buildConnector.connector =
    mode === 'guarded'
      ? (options, callback) =>
          base(options, (error, socket) => {
            if (error !== null || socket === null) callback(error ?? new Error('no socket'), null);
            else callback(null, guardPausedParser(socket));
          })
      : base;
  const agent = new Agent({ connect });
  const { port } = server.address() as net.AddressInfo;
  const response = await request(`http://127.0.0.1:${port}/`, { dispatcher: agent, highWaterMark: body.length - 1 });
  await sleep(300);
  let bytes = 0;
  let outcome: { bytes: number; expected: number; error?: string };
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) bytes += chunk.length;
    outcome = { bytes, expected: body.length };
  } catch (error) {
    outcome = { bytes, expected: body.length, error: (error as NodeJS.ErrnoException).code ?? String(error) };
  }
  await agent.close();
  server.close();
  process.stdout.write(JSON.stringify(outcome));
}
