// nginx's realip module as Kong configures it (set_real_ip_from <trusted_ips>,
// real_ip_header, real_ip_recursive): the client's address is taken from the
// header only when the connection comes from a trusted address, and then from
// the right, one hop at a time while the hops are trusted too (recursive).
import { isIP } from 'node:net';
import type { RequestHeaders } from './headers';
import type { GatewaySettings } from './settings';

/** ngx_parse_addr_port: an address, optionally with a port (IPv6 in brackets then). */
function parseAddress(text: string): string | null {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) return isIP(bracketed[1]) === 6 ? bracketed[1] : null;
  if (isIP(text) !== 0) return text;
  const withPort = /^([^:]+):\d+$/.exec(text);
  return withPort && isIP(withPort[1]) === 4 ? withPort[1] : null;
}

type Outcome = { rc: 'ok' | 'done' | 'declined'; address: string };

/** ngx_http_get_forwarded_addr_internal: walks one header value from its last item back. */
function fromValue(start: string, value: string, trusted: (address: string) => boolean, recursive: boolean): Outcome {
  let address = start;
  let found = false;
  let rest = value;
  let from: number;
  do {
    if (!trusted(address)) return { rc: found ? 'done' : 'declined', address };
    let end = rest.length;
    while (end > 1 && (rest[end - 1] === ' ' || rest[end - 1] === ',')) end -= 1;
    rest = rest.slice(0, end);
    from = end - 1;
    while (from > 0 && rest[from] !== ' ' && rest[from] !== ',') from -= 1;
    if (from > 0) from += 1;
    const parsed = parseAddress(rest.slice(from));
    if (parsed === null) return { rc: found ? 'done' : 'declined', address };
    address = parsed;
    found = true;
    rest = rest.slice(0, Math.max(0, from - 1));
  } while (recursive && from > 0);
  return { rc: 'ok', address };
}

/**
 * The client's address (nginx's $remote_addr after realip). X-Forwarded-For
 * is read across all its lines, last first; any other header by its first line.
 */
export function clientAddress(peer: string, headers: RequestHeaders, settings: GatewaySettings): string {
  if (!settings.trustedIps.has(peer)) return peer; // most clients: decided without a closure
  const trusted = (address: string) => settings.trustedIps.has(address);
  const name = settings.realIpHeader.toLowerCase();
  const recursive = settings.realIpRecursive;
  if (name !== 'x-forwarded-for') {
    const value = headers.get(name);
    if (value === undefined) return peer;
    const outcome = fromValue(peer, value, trusted, recursive);
    return outcome.rc === 'declined' ? peer : outcome.address;
  }
  const lines = headers.values('x-forwarded-for').reverse();
  if (lines.length === 0) return peer;
  let outcome: Outcome = { rc: 'declined', address: peer };
  let found = false;
  for (const line of lines) {
    outcome = fromValue(outcome.address, line, trusted, recursive);
    if (!recursive) break;
    if (outcome.rc === 'declined' && found) {
      outcome = { rc: 'done', address: outcome.address };
      break;
    }
    if (outcome.rc !== 'ok') break;
    found = true;
  }
  return outcome.rc === 'declined' ? peer : outcome.address;
}
