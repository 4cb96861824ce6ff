// Gateway-wide settings that Kong takes from kong.conf rather than from
// kong.yml: which of its own headers it sends (`headers`), and whose address
// counts as the client's (`trusted_ips`, `real_ip_header`, `real_ip_recursive`,
// nginx's realip module). Values are parsed as Kong's conf loader parses them
// and refused, as Kong refuses them, at start-up.
import { BlockList, isIP } from 'node:net';
import { ConfigError } from './schema';

/** The header names Kong's `headers` option knows (kong/constants.lua), by lower-case spelling. */
const HEADER_NAMES = [
  'Via', 'Server', 'X-Kong-Proxy-Latency', 'X-Kong-Response-Latency', 'X-Kong-Admin-Latency',
  'X-Kong-Upstream-Latency', 'X-Kong-Upstream-Status', 'X-Kong-Request-Id',
] as const;
export type KongHeader = (typeof HEADER_NAMES)[number];

const BY_LOWER_NAME = new Map<string, KongHeader>(HEADER_NAMES.map((name) => [name.toLowerCase(), name]));
const SERVER_TOKENS: KongHeader[] = ['Via', 'Server'];
const LATENCY_TOKENS: KongHeader[] = ['X-Kong-Proxy-Latency', 'X-Kong-Response-Latency', 'X-Kong-Admin-Latency', 'X-Kong-Upstream-Latency'];

/** Kong's default: `server_tokens, latency_tokens, X-Kong-Request-Id`. */
export const DEFAULT_HEADERS = 'server_tokens, latency_tokens, X-Kong-Request-Id';

/** kong.conf lists: comma-separated, blanks around items ignored. */
const confList = (value: string) => value.split(',').map((item) => item.trim()).filter((item) => item !== '');

/**
 * The `headers` option: a list of header names, `server_tokens`, `latency_tokens`
 * or `off`. Only a leading `off` turns everything off; elsewhere Kong skips it.
 */
export function parseHeaders(value: string): Set<KongHeader> {
  const tokens = confList(value);
  for (const token of tokens) {
    const lower = token.toLowerCase();
    if (token !== 'off' && lower !== 'server_tokens' && lower !== 'latency_tokens' && !BY_LOWER_NAME.has(lower)) {
      throw new ConfigError(`headers: invalid entry '${token}'`);
    }
  }
  const enabled = new Set<KongHeader>();
  if (tokens.length === 0 || tokens[0] === 'off') return enabled;
  for (const token of tokens) {
    const lower = token.toLowerCase();
    if (lower === 'server_tokens') SERVER_TOKENS.forEach((name) => enabled.add(name));
    else if (lower === 'latency_tokens') LATENCY_TOKENS.forEach((name) => enabled.add(name));
    else if (token !== 'off') enabled.add(BY_LOWER_NAME.get(lower)!);
  }
  return enabled;
}

/** Which peers may tell the gateway who the client is (nginx set_real_ip_from). */
export interface TrustedIps {
  has(address: string): boolean;
}

const NONE: TrustedIps = { has: () => false };

/**
 * `trusted_ips`: addresses and CIDR blocks, IPv4 or IPv6, or NONE. Node's
 * BlockList does the matching, so an IPv4-mapped IPv6 peer matches its IPv4 block.
 */
export function parseTrustedIps(value: string): TrustedIps {
  const items = confList(value);
  if (items.length === 0 || (items.length === 1 && items[0] === 'NONE')) return NONE;
  const list = new BlockList();
  for (const item of items) {
    // Kong accepts it for unix-socket listeners; the local gateway has none.
    if (item === 'unix:') continue;
    const [address, prefix, extra] = item.split('/');
    const family = isIP(address);
    const bits = prefix === undefined ? (family === 6 ? 128 : 32) : Number(prefix);
    if (family === 0 || extra !== undefined || !/^\d*$/.test(prefix ?? '') || bits > (family === 6 ? 128 : 32)) {
      throw new ConfigError(`trusted_ips must be a comma separated list in the form of IPv4 or IPv6 address or CIDR block or 'unix:', got '${item}'`);
    }
    list.addSubnet(address, bits, family === 6 ? 'ipv6' : 'ipv4');
  }
  return {
    has(address) {
      const family = isIP(address);
      if (family === 0) return false;
      return list.check(address, family === 6 ? 'ipv6' : 'ipv4');
    },
  };
}

/** nginx's `real_ip_recursive`: on or off. */
export function parseOnOff(name: string, value: string): boolean {
  const lower = value.trim().toLowerCase();
  if (lower === 'on') return true;
  if (lower === 'off') return false;
  throw new ConfigError(`${name} must be 'on' or 'off', got '${value}'`);
}

export interface GatewaySettings {
  /** Kong's `headers`: the default headers it adds to answers. */
  headers: ReadonlySet<KongHeader>;
  trustedIps: TrustedIps;
  /** Kong's `real_ip_header` (default X-Real-IP): where a trusted peer names the client. */
  realIpHeader: string;
  realIpRecursive: boolean;
}

export interface SettingsInput {
  headers?: string;
  trustedIps?: string;
  realIpHeader?: string;
  realIpRecursive?: string | boolean;
}

export function parseSettings(input: SettingsInput = {}): GatewaySettings {
  const realIpHeader = (input.realIpHeader ?? 'X-Real-IP').trim();
  if (realIpHeader === 'proxy_protocol') {
    throw new ConfigError("real_ip_header: 'proxy_protocol' is not supported by the local gateway (it does not read the PROXY protocol)");
  }
  if (!/^[A-Za-z0-9_-]+$/.test(realIpHeader)) throw new ConfigError(`real_ip_header: invalid header name '${realIpHeader}'`);
  const recursive = input.realIpRecursive ?? false;
  return {
    headers: parseHeaders(input.headers ?? DEFAULT_HEADERS),
    trustedIps: parseTrustedIps(input.trustedIps ?? 'NONE'),
    realIpHeader,
    realIpRecursive: typeof recursive === 'boolean' ? recursive : parseOnOff('real_ip_recursive', recursive),
  };
}
