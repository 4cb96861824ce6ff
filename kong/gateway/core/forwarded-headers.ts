// Header rewriting between the client and the upstream: the request as Kong's
// nginx template sends it upstream (proxy_set_header, hop-by-hop lines
// dropped, Kong's X-Forwarded-* and Via), and which of the upstream answer's
// lines nginx's proxy module passes on to the client.
import type { IncomingMessage } from 'node:http';
import type { RouteConfig, ServiceConfig } from './config';
import { RequestHeaders, ResponseHeaders } from './headers';
import { SERVER_TOKENS } from './kong-headers';
import type { UpstreamCall } from './upstream';

// Client header lines the upstream never gets as sent: hop-by-hop ones, and
// those Kong's nginx template sets itself (proxy_set_header), with its own value or none.
const SET_BY_KONG = new Set([
  'host', 'connection', 'keep-alive', 'expect', 'upgrade', 'te', 'proxy', 'proxy-connection', 'content-length',
  'transfer-encoding', 'via', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port',
  'x-forwarded-path', 'x-forwarded-prefix', 'x-real-ip', 'x-kong-request-id',
]);

// Upstream answer lines nginx does not pass on: the connection's own, and
// proxy_hide_header's defaults (Kong passes Server and Date through).
const NOT_PASSED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'x-pad', 'x-accel-expires', 'x-accel-redirect', 'x-accel-limit-rate', 'x-accel-buffering', 'x-accel-charset']);

/** Kong's csv(): a header value's comma-separated items. */
export const csv = (value: string): string[] => value.split(',').map((item) => item.trim()).filter((item) => item !== '');

/** A header's lines joined as nginx's $http_<name> joins them (1.23+). */
export function joined(headers: Pick<RequestHeaders, 'values'>, name: string): string | undefined {
  const values = headers.values(name);
  return values.length === 0 ? undefined : values.join(', ');
}

/** ngx.req.http_version() as Lua prints it: 1.1, 1 (for 1.0), 2. */
const httpVersion = (req: Pick<IncomingMessage, 'httpVersion' | 'httpVersionMajor' | 'httpVersionMinor'>) =>
  (req.httpVersionMinor === 0 ? String(req.httpVersionMajor) : req.httpVersion);

/** What of a matched request the upstream call is made from (the proxy's Context is one). */
export interface ForwardedRequest {
  req: Pick<IncomingMessage, 'method' | 'httpVersion' | 'httpVersionMajor' | 'httpVersionMinor'> & { socket: { localPort?: number } };
  headers: RequestHeaders;
  /** nginx's $request_uri. */
  requestUri: string;
  requestId: string;
  clientIp: string;
  peerIp: string;
  /** Whether the connection comes from trusted_ips: then the client's X-Forwarded-* are believed. */
  trusted: boolean;
  upstreamPath: string;
  upstreamQuery: string;
}

/** A trusted peer's X-Forwarded-* describe the original request; anyone else's are replaced. */
function told(request: ForwardedRequest, name: string): string | undefined {
  return request.trusted ? joined(request.headers, name) : undefined;
}

/**
 * The request as Kong's nginx template sends it upstream: Kong's own lines
 * first (TE, Via, Host, X-Forwarded-*, X-Real-IP, X-Kong-Request-Id), then the
 * client's, less the hop-by-hop ones and those Kong sets. `prefix` is the
 * route path that matched (null for a route matching on methods only).
 */
export function upstreamCall(request: ForwardedRequest, route: RouteConfig, prefix: string | null, service: ServiceConfig, body: Buffer): UpstreamCall {
  const { req, headers } = request;
  const clientHost = headers.get('host');
  const host = route.preserveHost ? (clientHost ?? service.url.host) : service.url.host;
  const lines: string[] = [];
  const te = headers.get('te');
  if (te !== undefined && csv(te).includes('trailers')) lines.push('TE', 'trailers');
  const via = joined(headers, 'via');
  const inbound = `${httpVersion(req)} ${SERVER_TOKENS}`;
  lines.push('Via', via === undefined ? inbound : `${via}, ${inbound}`);
  lines.push('Host', host);
  const forwardedFor = joined(headers, 'x-forwarded-for');
  lines.push('X-Forwarded-For', forwardedFor === undefined ? request.clientIp : `${forwardedFor}, ${request.peerIp}`);
  lines.push('X-Forwarded-Proto', told(request, 'x-forwarded-proto') ?? 'http');
  lines.push('X-Forwarded-Host', told(request, 'x-forwarded-host') ?? (clientHost ? clientHost.replace(/:\d+$/, '').toLowerCase() : 'kong'));
  lines.push('X-Forwarded-Port', told(request, 'x-forwarded-port') ?? String(req.socket.localPort));
  const queryAt = request.requestUri.indexOf('?');
  lines.push('X-Forwarded-Path', told(request, 'x-forwarded-path') ?? (queryAt === -1 ? request.requestUri : request.requestUri.slice(0, queryAt)));
  const strippedPrefix = route.stripPath ? (prefix ?? '/') : null;
  const forwardedPrefix = told(request, 'x-forwarded-prefix') ?? (strippedPrefix !== '/' ? strippedPrefix : null);
  if (forwardedPrefix !== null) lines.push('X-Forwarded-Prefix', forwardedPrefix);
  lines.push('X-Real-IP', request.clientIp);
  lines.push('X-Kong-Request-Id', request.requestId);
  // nginx sends the length of the body it read, when the request has one (the pool writes Content-Length).
  const hasBody = headers.get('content-length') !== undefined || headers.get('transfer-encoding') !== undefined || body.length > 0;

  // Headers the client names in Connection are hop-by-hop too.
  let dropped = SET_BY_KONG;
  const connection = joined(headers, 'connection');
  if (connection !== undefined && connection !== 'keep-alive' && connection !== 'close' && connection !== 'upgrade') {
    dropped = new Set(SET_BY_KONG); // SET_BY_KONG itself is shared by every request
    for (const name of csv(connection)) dropped.add(name.toLowerCase());
  }
  headers.forEachSent((name, value) => {
    if (!dropped.has(name.toLowerCase())) lines.push(name, value);
  });

  // A query, even an empty one the client sent as a bare '?', keeps its '?'.
  const query = request.upstreamQuery !== '' || request.requestUri.endsWith('?') ? `?${request.upstreamQuery}` : '';
  return { method: req.method ?? 'GET', path: request.upstreamPath + query, headers: lines, host, body: hasBody ? body : null };
}

/**
 * The upstream answer's headers after nginx's proxy module and Kong's
 * header_filter.before: lines a plugin set in access first (as in nginx's
 * list), then the upstream's, less the connection's own, those it names in
 * Connection, Upgrade, and Trailer unless the client's TE takes trailers.
 */
export function passedOnHeaders(fromPlugins: Record<string, string | number>, raw: readonly string[], clientTe: string | undefined): ResponseHeaders {
  const headers = new ResponseHeaders();
  for (const [name, value] of Object.entries(fromPlugins)) headers.add(name, value);
  const connection: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (name === 'connection') connection.push(raw[i + 1]);
    if (!NOT_PASSED.has(name)) headers.add(raw[i], raw[i + 1]);
  }
  // Headers the upstream names in its Connection header are for the gateway, not the client.
  const named = connection.join(', ');
  if (named !== '' && named !== 'keep-alive' && named !== 'close' && named !== 'upgrade') {
    for (const name of csv(named)) if (!['close', 'upgrade', 'keep-alive'].includes(name)) headers.clear(name);
  }
  // The gateway upgrades no connection, so an upstream's Upgrade never matches what was asked.
  headers.clear('Upgrade');
  // Trailers are for clients that said they take them (TE: trailers).
  if (!csv(clientTe ?? '').includes('trailers')) headers.clear('Trailer');
  return headers;
}

/** Whether an upstream's answer came with a Via of its own. */
export function sentVia(raw: readonly string[]): boolean {
  for (let i = 0; i < raw.length; i += 2) if (raw[i].length === 3 && raw[i].toLowerCase() === 'via') return true;
  return false;
}
