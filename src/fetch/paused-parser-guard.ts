// A guard against nodejs/undici#5360 in undici 7, the line that runs on Node 20.
//
// When a response body waits for its reader (backpressure), undici pauses its HTTP/1 parser right
// after the body bytes it has handed over. If the server then closes the connection (HTTP/1.0
// style, `Connection: close`), the socket's 'end' reaches `Parser.finish()`, which asserts that the
// parser is not paused: an AssertionError thrown from a socket event handler, which nothing can
// catch, and the whole run dies. The fix (nodejs/undici#5474) is only in undici 8, which needs
// Node 22.
//
// The guard does what that fix does, one step earlier: before the socket's 'end' (or the ECONNRESET
// that some systems report instead) reaches undici's handlers, a parser paused in the middle of a
// response is resumed. The body bytes were all handed over already (the reader's buffer holds
// them), so resuming only lets the parser see the end of the message: a Content-Length or chunked
// body completes as usual, and a body that ends with the connection is finished by undici's own
// 'end' handler, now without the assertion. Nothing is read twice and no backpressure is lost.
//
// It reaches into undici's internals (the socket's parser: its `paused`, `statusCode`, `resume()`,
// and for a body that ends with the connection, llhttp's `llhttp_resume`), which is why it is this narrow: it acts only in the state that would crash, and
// test/paused-parser-guard.test.ts proves on the installed undici both that the crash happens
// without it and that it does not with it (when undici fixes the bug, that test says so).
import type { Duplex } from 'node:stream';

interface UndiciParser {
  paused?: unknown;
  statusCode?: unknown;
  resume?: unknown;
}

let parserKey: symbol | undefined;

/** undici keeps its parser on the socket under a private symbol named 'parser'. */
function parserOf(socket: Duplex): UndiciParser | undefined {
  const holder = socket as unknown as Record<symbol, unknown>;
  if (parserKey === undefined) {
    parserKey = Object.getOwnPropertySymbols(socket).find((key) => key.description === 'parser');
    if (parserKey === undefined) return undefined;
  }
  const parser = holder[parserKey];
  return typeof parser === 'object' && parser !== null ? (parser as UndiciParser) : undefined;
}

/** Clear llhttp's pause without parsing (undici's `resume()` always parses). False if it cannot. */
function liftPause(parser: UndiciParser): boolean {
  const { llhttp, ptr } = parser as { llhttp?: { llhttp_resume?: unknown }; ptr?: unknown };
  if (typeof llhttp?.llhttp_resume !== 'function' || typeof ptr !== 'number') return false;
  (llhttp.llhttp_resume as (pointer: number) => void)(ptr);
  parser.paused = false;
  return true;
}

/** True when 'end' would reach a parser paused inside a response: the state undici 7 asserts on. */
function pausedMidResponse(parser: UndiciParser | undefined): parser is UndiciParser & { resume(): void } {
  return parser !== undefined && parser.paused === true && Boolean(parser.statusCode) && typeof parser.resume === 'function';
}

/**
 * Make `socket` (fresh from the connector, before undici attaches its handlers) resume a paused
 * parser before undici sees the connection end. Returns the socket.
 */
export function guardPausedParser<S extends Duplex>(socket: S): S {
  const emit = socket.emit;
  socket.emit = function guardedEmit(this: S, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'end' || (event === 'error' && (args[0] as NodeJS.ErrnoException | undefined)?.code === 'ECONNRESET')) {
      const parser = parserOf(this);
      if (pausedMidResponse(parser)) {
        try {
          parser.resume();
        } catch (error) {
          // Resuming failed inside undici: fail this connection (its request gets the error) rather
          // than let the event reach the assertion.
          this.destroy(error instanceof Error ? error : new Error(String(error)));
          return false;
        }
        if (pausedMidResponse(parser)) {
          // A body that ends with the connection: the parse above handed the reader an empty
          // chunk and paused again. Lift the pause once more (as upstream's fix does) and let
          // undici's 'end' handler finish the message.
          if (!liftPause(parser)) {
            this.destroy(new Error('connection closed while the response parser was paused'));
            return false;
          }
        }
      }
    }
    return emit.call(this, event, ...args) as boolean;
  } as S['emit'];
  return socket;
}
