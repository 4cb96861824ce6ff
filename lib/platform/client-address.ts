/**
 * The client's address as Kong works it out behind a load balancer, for the
 * functions, which Kong does not tell.
 *
 * Kong 3.9's aws-lambda plugin puts `var.realip_remote_addr or
 * var.remote_addr` in requestContext.identity.sourceIp
 * (kong/plugins/aws-lambda/request-util.lua): nginx's realip module keeps the
 * TCP peer there, before `trusted_ips` (set_real_ip_from) and
 * `real_ip_header` are applied. Behind a balancer that is the balancer. The
 * event's headers are the request's own (ngx.req.get_headers()), so they hold
 * the X-Forwarded-For the balancer sent (Kong adds its own only when it
 * proxies, which aws-lambda never does).
 *
 * So the functions repeat what nginx's realip module does with
 * `set_real_ip_from <trusted_ips>`, `real_ip_header X-Forwarded-For` and
 * `real_ip_recursive on` (ngx_http_get_forwarded_addr): only when the peer is
 * a trusted proxy is X-Forwarded-For read at all, from its right end, one hop
 * at a time while the hops are trusted too; the first untrusted entry is the
 * client. Entries left of it are whatever the client wrote and are never
 * read. TRUSTED_PROXIES takes the value of Kong's KONG_TRUSTED_IPS.
 */
import { BlockList, isIP } from 'node:net';
import { readString } from './env';

/** Which peers may say who the client is (nginx set_real_ip_from). */
export interface TrustedProxies {
  has(address: string): boolean;
}

const NONE: TrustedProxies = { has: () => false };

/**
 * Kong's `trusted_ips` syntax (kong/conf_loader/parse.lua): a comma-separated
 * list of IPv4 or IPv6 addresses and CIDR blocks, `unix:` (no address to
 * match here), or NONE. Anything else is refused, as Kong refuses it.
 */
export function parseTrustedProxies(value: string, name = 'TRUSTED_PROXIES'): TrustedProxies {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length === 0 || (items.length === 1 && items[0] === 'NONE')) return NONE;
  const list = new BlockList();
  let any = false;
  for (const item of items) {
    if (item === 'unix:') continue;
    const [address, prefix, extra] = item.split('/');
    const family = isIP(address);
    const max = family === 6 ? 128 : 32;
    const bits = prefix === undefined ? max : Number(prefix);
    if (family === 0 || extra !== undefined || !/^\d*$/.test(prefix ?? '') || prefix === '' || bits > max) {
      throw new Error(`Invalid configuration: ${name} must be a comma separated list of IPv4 or IPv6 addresses or CIDR blocks (or NONE), got '${item}'`);
    }
    list.addSubnet(address, bits, family === 6 ? 'ipv6' : 'ipv4');
    any = true;
  }
  if (!any) return NONE;
  return {
    has(address) {
      const family = isIP(address);
      // BlockList matches an IPv4-mapped IPv6 address against IPv4 blocks too.
      return family !== 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4');
    },
  };
}

let fromEnv: TrustedProxies | undefined;

/** TRUSTED_PROXIES, read on first use (lib/platform/config.ts checks it at cold start). */
export function trustedProxies(): TrustedProxies {
  return (fromEnv ??= parseTrustedProxies(readString(process.env, 'TRUSTED_PROXIES', 'NONE')));
}

/**
 * One address as text, the one spelling per address: IPv6 compressed and in
 * lower case, an IPv4-mapped IPv6 address as its IPv4 address (as the local
 * gateway reports such a peer), so one client has one counter.
 */
export function canonicalAddress(address: string): string {
  const family = isIP(address);
  if (family !== 6) return address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  const canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const mappedHex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (!mappedHex) return canonical;
  const high = parseInt(mappedHex[1], 16);
  const low = parseInt(mappedHex[2], 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** ngx_parse_addr_port: an address, optionally with a port (then IPv6 in brackets); null if it is none. */
function parseEntry(text: string): string | null {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) return isIP(bracketed[1]) === 6 ? bracketed[1] : null;
  if (isIP(text) !== 0) return text;
  const withPort = /^([^:]+):\d+$/.exec(text);
  return withPort && isIP(withPort[1]) === 4 ? withPort[1] : null;
}

/**
 * The client's address: `peer` (sourceIp) unless it is a trusted proxy; then
 * the right-most X-Forwarded-For entry that is not a trusted proxy, walking
 * left from the peer. `forwardedFor` holds the header's lines in order (a
 * repeated header counts as one list, as nginx 1.23+ reads it). An entry that
 * is not an address stops the walk at the last address read, and if the
 * first one is not, the peer stays the client (nginx's NGX_DONE and
 * NGX_DECLINED).
 */
export function clientAddress(peer: string, forwardedFor: readonly string[], trusted: TrustedProxies): string {
  if (!trusted.has(peer) || forwardedFor.length === 0) return canonicalAddress(peer);
  const entries = forwardedFor
    .join(',')
    .split(/[ ,]+/)
    .filter((entry) => entry !== '');
  let address = peer;
  for (let i = entries.length - 1; i >= 0; i--) {
    if (!trusted.has(address)) break;
    const parsed = parseEntry(entries[i]);
    if (parsed === null) break;
    address = parsed;
  }
  return canonicalAddress(address);
}
