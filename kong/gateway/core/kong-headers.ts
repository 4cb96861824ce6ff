// The headers Kong's runloop adds to every answer, as its `headers` setting
// allows: Server and Via (server_tokens), the latency headers
// (latency_tokens), X-Kong-Upstream-Status and X-Kong-Request-Id. Pure: the
// proxy calls these around the plugins' header_filter.
import type { ResponseHeaders } from './headers';
import type { KongHeader } from './settings';
import { KONG_VERSION } from './util';

/** Kong's Server header, and its name in the Via lines it adds. */
export const SERVER_TOKENS = `kong/${KONG_VERSION}`;
/** proxy_http_version 1.1: what Kong names itself with in the Via it adds to answers. */
const OUTBOUND_VIA = `1.1 ${SERVER_TOKENS}`;

/** How long the proxied request spent where, for Kong's latency headers (ms). */
export interface Proxied {
  proxyLatency: number;
  upstreamLatency: number;
  /** The upstream answer's own Via, before anything changed it. */
  upstreamVia: string | undefined;
  /** What the upstream answered (nginx's $upstream_status: 502 or 504 for a failed try). */
  upstreamStatus: number;
}

/** Set before the plugins' header_filter, which may change it: X-Kong-Upstream-Status (opt-in). */
export function beforeHeaderFilter(headers: ResponseHeaders, enabled: ReadonlySet<KongHeader>, proxied: Proxied | null): void {
  if (proxied && enabled.has('X-Kong-Upstream-Status')) headers.set('X-Kong-Upstream-Status', proxied.upstreamStatus);
}

/**
 * Set after the plugins' header_filter, so that they cannot be overridden.
 * A proxied answer gets the upstream and proxy latencies and Kong's Via; an
 * answer Kong made itself gets X-Kong-Response-Latency, `now - startedAt`
 * less the time plugins spent waiting on something outside (`waitingTime`).
 */
export function afterHeaderFilter(
  headers: ResponseHeaders, enabled: ReadonlySet<KongHeader>, proxied: Proxied | null,
  requestId: string, startedAt: number, waitingTime: number, now: number,
): void {
  if (proxied) {
    if (enabled.has('X-Kong-Upstream-Latency')) headers.set('X-Kong-Upstream-Latency', proxied.upstreamLatency);
    if (enabled.has('X-Kong-Proxy-Latency')) headers.set('X-Kong-Proxy-Latency', proxied.proxyLatency);
    if (enabled.has('Via')) headers.set('Via', proxied.upstreamVia === undefined ? OUTBOUND_VIA : `${proxied.upstreamVia}, ${OUTBOUND_VIA}`);
    // Kong fills in Server only when the upstream sent none; with Server
    // turned off nginx's own (server_tokens off) shows instead.
    if (!headers.has('Server')) headers.set('Server', enabled.has('Server') ? SERVER_TOKENS : 'openresty');
  } else {
    if (enabled.has('X-Kong-Response-Latency')) headers.set('X-Kong-Response-Latency', Math.max(0, now - startedAt - waitingTime));
    // A plugin answering with its own `Via: kong/<version>` keeps Kong's Server header off.
    if (!(enabled.has('Via') && headers.get('Via') === SERVER_TOKENS)) {
      if (enabled.has('Server')) headers.set('Server', SERVER_TOKENS);
      else headers.clear('Server');
    }
  }
  if (enabled.has('X-Kong-Request-Id')) headers.set('X-Kong-Request-Id', requestId);
}
