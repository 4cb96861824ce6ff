// Answers written straight to a socket, for requests Node does not hand over
// as a request/response pair: CONNECT (Node passes its socket apart), and
// what Node's parser refused. nginx answers both from its error page and
// closes the connection; the head is written here with the headers of a
// Kong-made answer that Kong's `headers` setting allows.
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ownPage, OWN_PAGE_STATUSES } from './nginx';
import { SERVER_TOKENS } from './kong-headers';
import { errorPage } from './respond';
import type { KongHeader } from './settings';
import { newRequestId } from './util';

/**
 * The whole answer, head and body, for a refused request with that status;
 * `accept` and `contentType` are the request's first such lines, if nginx
 * had read them. `date` is the Date header's value.
 */
export function rawPage(
  status: number, accept: string | undefined, contentType: string | undefined,
  enabled: ReadonlySet<KongHeader>, requestId: string, date: string,
): string {
  const page = OWN_PAGE_STATUSES.has(status)
    ? { status, contentType: 'text/html', body: ownPage(status) }
    : errorPage(status, accept, contentType, requestId);
  const lines: [string, string][] = [
    ['Date', date],
    ['Content-Type', page.contentType],
    ['Content-Length', String(Buffer.byteLength(page.body))],
    ['Connection', 'close'],
  ];
  if (enabled.has('Server')) lines.push(['Server', SERVER_TOKENS]);
  if (enabled.has('X-Kong-Response-Latency')) lines.push(['X-Kong-Response-Latency', '0']);
  if (enabled.has('X-Kong-Request-Id')) lines.push(['X-Kong-Request-Id', requestId]);
  return `HTTP/1.1 ${page.status} ${STATUS_CODES[page.status]}\r\n${lines.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n${page.body}`;
}

/** Writes the page for a refused request and ends the socket. */
export function writeRawPage(socket: Duplex, status: number, accept: string | undefined, contentType: string | undefined, enabled: ReadonlySet<KongHeader>): void {
  socket.end(rawPage(status, accept, contentType, enabled, newRequestId(), new Date().toUTCString()));
}
