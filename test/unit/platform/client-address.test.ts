/**
 * The client's address behind a load balancer: Kong hands the functions the
 * TCP peer (the balancer), and they read X-Forwarded-For only from a trusted
 * proxy, as nginx's realip module does with Kong's trusted_ips.
 */
import type { Event } from '../../../lib/platform/http';
import { canonicalAddress, clientAddress, parseTrustedProxies } from '../../../lib/platform/client-address';

// Read on first use: set before clientOf runs.
process.env.TRUSTED_PROXIES = '10.0.0.0/8, 2001:db8:ff::/48, 192.0.2.10';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { clientOf } = require('../../../lib/platform/http') as typeof import('../../../lib/platform/http');

const trusted = parseTrustedProxies('10.0.0.0/8, 2001:db8:ff::/48, 192.0.2.10');

describe('clientAddress', () => {
  it('is the peer when the peer is not a trusted proxy, whatever X-Forwarded-For claims', () => {
    expect(clientAddress('203.0.113.7', ['198.51.100.1'], trusted)).toBe('203.0.113.7');
    expect(clientAddress('203.0.113.7', ['10.0.0.1, 198.51.100.1'], trusted)).toBe('203.0.113.7');
    // Nothing is trusted by default.
    expect(clientAddress('10.0.0.5', ['198.51.100.1'], parseTrustedProxies(''))).toBe('10.0.0.5');
    expect(clientAddress('10.0.0.5', ['198.51.100.1'], parseTrustedProxies('NONE'))).toBe('10.0.0.5');
  });

  it('behind a trusted balancer, is the entry the balancer appended, not what the client wrote before it', () => {
    expect(clientAddress('10.1.2.3', ['198.51.100.1'], trusted)).toBe('198.51.100.1');
    // The client sent "X-Forwarded-For: 1.1.1.1, 10.0.0.1"; the balancer appended its peer.
    expect(clientAddress('10.1.2.3', ['1.1.1.1, 10.0.0.1, 198.51.100.1'], trusted)).toBe('198.51.100.1');
  });

  it('over several trusted hops (CIDR and single address), the right-most untrusted entry', () => {
    expect(clientAddress('10.1.2.3', ['6.6.6.6, 198.51.100.1, 192.0.2.10, 10.9.9.9'], trusted)).toBe('198.51.100.1');
    // A repeated header is one list, read from its last line.
    expect(clientAddress('10.1.2.3', ['6.6.6.6, 198.51.100.1', '10.0.0.7'], trusted)).toBe('198.51.100.1');
    // 192.0.2.11 is next to a trusted address, not trusted.
    expect(clientAddress('10.1.2.3', ['198.51.100.1, 192.0.2.11'], trusted)).toBe('192.0.2.11');
    // Only trusted hops: the left-most, as nginx's recursive walk ends there.
    expect(clientAddress('10.1.2.3', ['10.0.0.1, 10.0.0.2'], trusted)).toBe('10.0.0.1');
  });

  it('stops at an entry that is not an address, keeping the last address read', () => {
    expect(clientAddress('10.1.2.3', ['198.51.100.1, unknown'], trusted)).toBe('10.1.2.3');
    expect(clientAddress('10.1.2.3', ['unknown, 10.0.0.9'], trusted)).toBe('10.0.0.9');
    expect(clientAddress('10.1.2.3', [''], trusted)).toBe('10.1.2.3');
    expect(clientAddress('10.1.2.3', [], trusted)).toBe('10.1.2.3');
  });

  it('takes entries with ports, IPv6 in brackets or bare, and spells each address one way', () => {
    expect(clientAddress('10.1.2.3', ['198.51.100.1:4711'], trusted)).toBe('198.51.100.1');
    expect(clientAddress('10.1.2.3', ['[2001:DB8:0:0::1]:443'], trusted)).toBe('2001:db8::1');
    expect(clientAddress('2001:db8:ff::5', ['2001:0db8::0001'], trusted)).toBe('2001:db8::1');
    // An IPv6 balancer in front of an IPv6 hop that is trusted too.
    expect(clientAddress('2001:db8:ff::5', ['2001:db8::1, 2001:db8:ff:1::9'], trusted)).toBe('2001:db8::1');
    // An IPv4-mapped peer matches the IPv4 block, and a mapped client is its IPv4 address.
    expect(clientAddress('::ffff:10.1.2.3', ['::ffff:198.51.100.1'], trusted)).toBe('198.51.100.1');
    expect(canonicalAddress('::FFFF:C633:6401')).toBe('198.51.100.1');
    expect(clientAddress('::ffff:203.0.113.7', ['198.51.100.1'], trusted)).toBe('203.0.113.7');
  });
});

describe('TRUSTED_PROXIES', () => {
  it("takes Kong's trusted_ips syntax and refuses what Kong refuses", () => {
    expect(parseTrustedProxies('0.0.0.0/0, ::/0').has('8.8.8.8')).toBe(true);
    expect(parseTrustedProxies('unix:').has('127.0.0.1')).toBe(false);
    for (const bad of ['10.0.0.0/33', 'proxy.example', '10.0.0.1/', '::/129', '10.0.0.0/8/1']) {
      expect(() => parseTrustedProxies(bad)).toThrow(`TRUSTED_PROXIES must be a comma separated list`);
    }
  });
});

describe('clientOf, with TRUSTED_PROXIES set', () => {
  const kongEvent = (sourceIp: string, headers: Record<string, string>, multiValueHeaders?: Record<string, string[]>) =>
    ({ headers, multiValueHeaders, body: null, requestContext: { requestId: 'r', identity: { sourceIp } } }) as unknown as Event;

  it('ignores a spoofed X-Forwarded-For (and X-Real-IP) from a peer that is not a trusted proxy', () => {
    expect(clientOf(kongEvent('203.0.113.7', { 'x-forwarded-for': '10.0.0.1', 'X-Real-IP': '6.6.6.6' })).address).toBe('203.0.113.7');
  });

  it('reads X-Forwarded-For from a trusted balancer, any spelling, every line', () => {
    expect(clientOf(kongEvent('10.1.2.3', { 'X-Forwarded-For': '6.6.6.6, 198.51.100.1' })).address).toBe('198.51.100.1');
    const lines = { 'x-forwarded-for': ['6.6.6.6, 198.51.100.1', '10.0.0.4'] };
    expect(clientOf(kongEvent('10.1.2.3', { 'x-forwarded-for': '6.6.6.6, 198.51.100.1' }, lines)).address).toBe('198.51.100.1');
    // X-Real-IP is never read.
    expect(clientOf(kongEvent('10.1.2.3', { 'X-Real-IP': '6.6.6.6' })).address).toBe('10.1.2.3');
  });
});
