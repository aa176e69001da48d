// robots.txt (RFC 9309) for the fetcher: parsed with robots-parser and obeyed for the product token
// `leakmirror`, one file per origin, read once per fetcher (one run) and cached. The fetching itself
// is in fetcher.ts (it goes through the same agent, address policy and timeouts as documents).
//
// What happens when there is no usable file (our choices, stated once here):
// - 2xx: the file's rules are obeyed (at most ROBOTS_MAX_BYTES are read; the rest is ignored, as
//   RFC 9309 2.5 allows past 500 KiB);
// - 4xx other than 429 (404, 410, 401, 403, ...) and too many redirects: there is no robots.txt,
//   everything is allowed (RFC 9309 2.3.1.3);
// - 5xx, 429, a network failure, a timeout or an unreadable body: the file is "unreachable". RFC
//   9309 says to assume complete disallow; like Google's crawler once an outage lasts (it then
//   crawls as if there were no file), we treat it as allowing everything, but remember it for the
//   rest of the run (no second attempt per document) and say so in every result from that origin
//   (`robots.state: 'unreachable'`), so the caller can warn. A mirror runs rarely and often exists
//   precisely to keep documents available while a site is failing; a hard disallow would turn
//   every outage of a robots.txt into a failed run.

import robotsModule from 'robots-parser';

/** The product token matched against User-agent lines. */
export const ROBOTS_AGENT = 'leakmirror';
/** Bytes of a robots.txt read at most (after decoding). */
export const ROBOTS_MAX_BYTES = 512 * 1024;
/** Redirects followed at most when fetching robots.txt (RFC 9309 2.3.1.2: at least five). */
export const ROBOTS_MAX_REDIRECTS = 5;

type RobotsParser = typeof robotsModule.default;
type Robot = ReturnType<RobotsParser>;
// robots-parser is CommonJS (module.exports = function): node hands the function over as the default
// export, while its typings describe an ES default. Accept either.
const parseRobots: RobotsParser =
  typeof (robotsModule as unknown) === 'function' ? (robotsModule as unknown as RobotsParser) : robotsModule.default;

export type RobotsVerdict = { allowed: true } | { allowed: false; line: number | undefined; rule: string | undefined };

/** The parsed robots.txt of one origin. */
export class RobotsRules {
  private readonly robot: Robot;
  private readonly lines: string[];

  /** `robotsUrl` is `<origin>/robots.txt` of the origin the rules apply to (even if it redirected). */
  constructor(robotsUrl: string, text: string) {
    const clean = text.startsWith('\ufeff') ? text.slice(1) : text;
    this.robot = parseRobots(robotsUrl, clean);
    // Split as robots-parser does, so its line numbers index this array.
    this.lines = clean.split(/\r\n|\r|\n/);
  }

  /** Whether `url` (same origin, no credentials) may be fetched, and the rule that refuses it. */
  verdict(url: string): RobotsVerdict {
    if (this.robot.isAllowed(url, ROBOTS_AGENT) !== false) return { allowed: true };
    const number = this.robot.getMatchingLineNumber(url, ROBOTS_AGENT);
    const line = typeof number === 'number' && number > 0 ? number : undefined;
    return { allowed: false, line, rule: line === undefined ? undefined : quoteLine(this.lines[line - 1]) };
  }

  /** Crawl-delay of the group that applies to leakmirror, in ms. */
  crawlDelayMs(): number | undefined {
    const seconds = this.robot.getCrawlDelay(ROBOTS_AGENT);
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return undefined;
    return Math.round(seconds * 1000);
  }
}

/** A rule line as it can be shown in a message: no comment, no control characters, bounded. */
function quoteLine(line: string | undefined): string | undefined {
  if (line === undefined) return undefined;
  const hash = line.indexOf('#');
  // eslint-disable-next-line no-control-regex
  const text = (hash === -1 ? line : line.slice(0, hash)).replace(/[\x00-\x1f\x7f]/g, ' ').trim();
  if (text === '') return undefined;
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** The text of a robots.txt body: UTF-8, and when it was cut at the size limit, whole lines only. */
export function robotsText(bytes: Buffer, truncated: boolean): string {
  let end = bytes.length;
  if (truncated) {
    const lastNewline = Math.max(bytes.lastIndexOf(0x0a), bytes.lastIndexOf(0x0d));
    end = lastNewline === -1 ? 0 : lastNewline;
  }
  return bytes.subarray(0, end).toString('utf8');
}

/** What is known about one origin's robots.txt. */
export interface RobotsEntry {
  state: 'rules' | 'none' | 'unreachable';
  rules?: RobotsRules | undefined;
  /** For 'none' and 'unreachable': what happened, for messages (no secrets: no headers are sent). */
  detail?: string | undefined;
}

/** One load per origin, shared by concurrent fetches; the settled entries are kept for the run. */
export class RobotsCache {
  private readonly pending = new Map<string, Promise<RobotsEntry>>();
  private readonly settled = new Map<string, RobotsEntry>();

  constructor(private readonly load: (origin: string) => Promise<RobotsEntry>) {}

  get(origin: string): Promise<RobotsEntry> {
    const known = this.settled.get(origin);
    if (known !== undefined) return Promise.resolve(known);
    let loading = this.pending.get(origin);
    if (loading === undefined) {
      loading = this.load(origin).then(
        (entry) => {
          this.settled.set(origin, entry);
          this.pending.delete(origin);
          return entry;
        },
        (error: unknown) => {
          // Only a closed fetcher gets here; a later call may try again.
          this.pending.delete(origin);
          throw error;
        },
      );
      this.pending.set(origin, loading);
    }
    return loading;
  }

  /** The entry for an origin if it has been loaded. */
  peek(origin: string): RobotsEntry | undefined {
    return this.settled.get(origin);
  }
}
