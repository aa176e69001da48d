import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeAddress, isForbiddenAddress } from '../src/fetch/address-policy.js';

// [address, expected reason or undefined for allowed]
const table: Array<[string, string | undefined]> = [
  // loopback and unspecified
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['::1', 'loopback'],
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', '"this network"'],
  ['::', 'unspecified'],
  // RFC 1918
  ['10.0.0.1', 'private (RFC 1918)'],
  ['10.255.255.255', 'private (RFC 1918)'],
  ['172.16.0.1', 'private (RFC 1918)'],
  ['172.31.255.255', 'private (RFC 1918)'],
  ['192.168.1.1', 'private (RFC 1918)'],
  // CGNAT
  ['100.64.0.1', 'carrier-grade NAT'],
  ['100.127.255.255', 'carrier-grade NAT'],
  // link-local and metadata
  ['169.254.1.1', 'link-local'],
  ['169.254.169.254', 'cloud metadata'],
  ['100.100.100.200', 'cloud metadata'],
  ['fe80::1', 'link-local'],
  ['fe80::1%eth0', 'link-local'],
  ['febf::1', 'link-local'],
  ['fd00:ec2::254', 'cloud metadata'],
  // IPv6 unique local
  ['fc00::1', 'unique local (fc00::/7)'],
  ['fd12:3456:789a::1', 'unique local (fc00::/7)'],
  // multicast, broadcast, reserved
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['ff02::1', 'multicast'],
  ['255.255.255.255', 'broadcast'],
  ['240.0.0.1', 'reserved'],
  // IPv4 inside IPv6
  ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
  ['::ffff:7f00:1', 'IPv4-mapped loopback'],
  ['::ffff:10.1.2.3', 'IPv4-mapped private (RFC 1918)'],
  ['::ffff:a9fe:a9fe', 'IPv4-mapped cloud metadata'],
  ['::127.0.0.1', 'IPv4-compatible loopback'],
  ['::7f00:1', 'IPv4-compatible loopback'],
  ['::ffff:0:7f00:1', 'IPv4-translated loopback'],
  ['64:ff9b::192.168.0.1', 'NAT64 private (RFC 1918)'],
  ['2002:7f00:1::', '6to4 loopback'],
  ['2002:c0a8:101::1', '6to4 private (RFC 1918)'],
  ['[::1]', 'loopback'],
  // not an address at all: refused
  ['localhost', 'not an IP address'],
  ['', 'not an IP address'],
  ['127.1', 'not an IP address'],
  // public addresses are allowed
  ['93.184.215.14', undefined],
  ['8.8.8.8', undefined],
  ['1.1.1.1', undefined],
  ['172.15.255.255', undefined],
  ['172.32.0.0', undefined],
  ['100.63.255.255', undefined],
  ['100.128.0.0', undefined],
  ['169.253.255.255', undefined],
  ['192.167.255.255', undefined],
  ['11.0.0.1', undefined],
  ['2606:4700:4700::1111', undefined],
  ['2001:4860:4860::8888', undefined],
  ['::ffff:8.8.8.8', undefined],
  ['64:ff9b::8.8.8.8', undefined],
  ['2002:808:808::1', undefined],
  ['fbff::1', undefined],
  ['fec0::1', 'site-local'],
];

describe('address policy', () => {
  for (const [address, reason] of table) {
    it(`${address || '(empty)'} → ${reason ?? 'allowed'}`, () => {
      assert.equal(describeAddress(address), reason);
      assert.equal(isForbiddenAddress(address), reason !== undefined);
    });
  }
});
