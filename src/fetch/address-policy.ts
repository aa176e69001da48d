// Which IP addresses the fetcher refuses to connect to unless --allow-private-network is given.
// A mirror fetches URLs from config and from redirects chosen by remote servers; without this a
// hostile page could make us read the cloud metadata service or a router's admin page and then
// publish the answer. Pure functions, no I/O: the fetcher applies them after DNS resolution.

import { isIPv4, isIPv6 } from 'node:net';

interface V4Range {
  base: number;
  bits: number;
  reason: string;
}

function v4(cidr: string, reason: string): V4Range {
  const [address = '', bits = '32'] = cidr.split('/');
  const base = parseIPv4(address);
  if (base === undefined) throw new Error(`bad range ${cidr}`);
  return { base, bits: Number(bits), reason };
}

// Most specific first: the first match names the reason.
const V4_RANGES: readonly V4Range[] = [
  v4('169.254.169.254/32', 'cloud metadata'),
  v4('192.0.0.192/32', 'cloud metadata'),
  v4('100.100.100.200/32', 'cloud metadata'),
  v4('255.255.255.255/32', 'broadcast'),
  v4('0.0.0.0/32', 'unspecified'),
  v4('0.0.0.0/8', '"this network"'),
  v4('127.0.0.0/8', 'loopback'),
  v4('10.0.0.0/8', 'private (RFC 1918)'),
  v4('172.16.0.0/12', 'private (RFC 1918)'),
  v4('192.168.0.0/16', 'private (RFC 1918)'),
  v4('100.64.0.0/10', 'carrier-grade NAT'),
  v4('169.254.0.0/16', 'link-local'),
  v4('192.0.0.0/24', 'IETF protocol assignment'),
  v4('198.18.0.0/15', 'benchmarking'),
  v4('224.0.0.0/4', 'multicast'),
  v4('240.0.0.0/4', 'reserved'),
];

/** Dotted-quad IPv4 to an unsigned 32-bit number; undefined if not strictly a.b.c.d. */
function parseIPv4(ip: string): number | undefined {
  if (!isIPv4(ip)) return undefined;
  const parts = ip.split('.').map(Number);
  return parts.reduce((acc, part) => acc * 256 + part, 0);
}

function classifyIPv4(value: number): string | undefined {
  for (const range of V4_RANGES) {
    const size = 2 ** (32 - range.bits);
    if (Math.floor(value / size) === Math.floor(range.base / size)) return range.reason;
  }
  return undefined;
}

/** IPv6 text (zone id allowed) to 16 bytes; undefined if not IPv6. */
function parseIPv6(ip: string): Uint8Array | undefined {
  const text = ip.replace(/%.*$/, '');
  if (!isIPv6(text)) return undefined;
  const bytes = new Uint8Array(16);
  let head = text;
  let tail = '';
  const gap = text.indexOf('::');
  if (gap !== -1) {
    head = text.slice(0, gap);
    tail = text.slice(gap + 2);
  }
  const toWords = (part: string): number[] => {
    if (part === '') return [];
    const words: number[] = [];
    for (const group of part.split(':')) {
      if (group.includes('.')) {
        // Embedded dotted quad (::ffff:1.2.3.4): two 16-bit words.
        const value = parseIPv4(group) ?? 0;
        words.push(Math.floor(value / 65536), value % 65536);
      } else {
        words.push(parseInt(group, 16));
      }
    }
    return words;
  };
  const headWords = toWords(head);
  const tailWords = toWords(tail);
  const words = [...headWords, ...new Array<number>(8 - headWords.length - tailWords.length).fill(0), ...tailWords];
  words.forEach((word, i) => {
    bytes[i * 2] = word >> 8;
    bytes[i * 2 + 1] = word & 0xff;
  });
  return bytes;
}

function v4At(bytes: Uint8Array, offset: number): number {
  return (((bytes[offset] ?? 0) * 256 + (bytes[offset + 1] ?? 0)) * 256 + (bytes[offset + 2] ?? 0)) * 256 + (bytes[offset + 3] ?? 0);
}

function allZero(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (bytes[i] !== 0) return false;
  return true;
}

function classifyIPv6(bytes: Uint8Array): string | undefined {
  const b = (i: number): number => bytes[i] ?? 0;
  if (allZero(bytes, 0, 16)) return 'unspecified';
  if (allZero(bytes, 0, 15) && b(15) === 1) return 'loopback';
  // Forms that carry an IPv4 address: judge the embedded one, so ::ffff:127.0.0.1 is loopback.
  if (allZero(bytes, 0, 10) && b(10) === 0xff && b(11) === 0xff) return embedded('IPv4-mapped', v4At(bytes, 12));
  if (allZero(bytes, 0, 8) && b(8) === 0xff && b(9) === 0xff && b(10) === 0 && b(11) === 0) {
    return embedded('IPv4-translated', v4At(bytes, 12));
  }
  if (allZero(bytes, 0, 12)) return embedded('IPv4-compatible', v4At(bytes, 12));
  if (b(0) === 0x00 && b(1) === 0x64 && b(2) === 0xff && b(3) === 0x9b) {
    if (allZero(bytes, 4, 12)) return embedded('NAT64', v4At(bytes, 12));
    if (b(4) === 0x00 && b(5) === 0x01) return 'local-use NAT64';
  }
  if (b(0) === 0x20 && b(1) === 0x02) return embedded('6to4', v4At(bytes, 2));
  if (b(0) === 0x01 && b(1) === 0x00 && allZero(bytes, 2, 8)) return 'discard-only';
  if (b(0) === 0xfd && b(1) === 0x00 && b(2) === 0x0e && b(3) === 0xc2 && allZero(bytes, 4, 14) && b(14) === 0x02 && b(15) === 0x54) {
    return 'cloud metadata';
  }
  if ((b(0) & 0xfe) === 0xfc) return 'unique local (fc00::/7)';
  if (b(0) === 0xfe && (b(1) & 0xc0) === 0x80) return 'link-local';
  if (b(0) === 0xfe && (b(1) & 0xc0) === 0xc0) return 'site-local';
  if (b(0) === 0xff) return 'multicast';
  return undefined;
}

function embedded(form: string, value: number): string | undefined {
  const reason = classifyIPv4(value);
  return reason === undefined ? undefined : `${form} ${reason}`;
}

/**
 * Why an address is refused ('loopback', 'private (RFC 1918)', 'IPv4-mapped loopback', ...), or
 * undefined for an ordinary public address. Anything that is not an IP address is refused.
 */
export function describeAddress(ip: string): string | undefined {
  const text = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  const value4 = parseIPv4(text);
  if (value4 !== undefined) return classifyIPv4(value4);
  const bytes = parseIPv6(text);
  if (bytes !== undefined) return classifyIPv6(bytes);
  return 'not an IP address';
}

/** True for addresses the fetcher must not connect to without --allow-private-network. */
export function isForbiddenAddress(ip: string): boolean {
  return describeAddress(ip) !== undefined;
}
