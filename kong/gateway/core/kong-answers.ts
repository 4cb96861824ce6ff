// The answers Kong makes itself rather than proxying: a plugin's
// kong.response.exit or kong.response.error, and an error nginx raises,
// answered from Kong's error handler (error_page). Each fills the answer's
// headers and gives its body; the proxy runs header_filter and sends them.
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { encode as cjsonEncode } from './cjson';
import type { ResponseHeaders } from './headers';
import type { Exit } from './plugin';
import { errorBody, errorContentType, errorPage, type ErrorPage } from './respond';

/** The statuses whose request nginx could not make sense of: it does not keep their connection. */
const CLOSING = new Set([400, 413, 414, 500, 501]);

/**
 * An Exit's headers (after those plugins set for any answer) and body: an
 * error in Kong's template for the request's Accept, a record as cjson's
 * JSON, bytes as they are; no body for 204 or 304. Throws, as Kong does,
 * on a header name or value that cannot be sent. The caller refuses an
 * error status below 400 first (kong.response.error does).
 */
export function exitAnswer(
  exit: Exit, fromPlugins: Record<string, string | number>, accept: readonly string[], requestId: string, headers: ResponseHeaders,
): Buffer | string | undefined {
  const exitHeaders = Object.entries(exit.headers ?? {}).filter(([name]) => name.toLowerCase() !== 'transfer-encoding');
  for (const [name, value] of exitHeaders) {
    validateHeaderName(name);
    for (const item of Array.isArray(value) ? value : [value]) validateHeaderValue(name, item);
  }
  for (const [name, value] of Object.entries(fromPlugins)) headers.set(name, value);
  for (const [name, value] of exitHeaders) headers.set(name, value as string | number | readonly string[]);
  const has = (name: string) => exitHeaders.some(([n]) => n.toLowerCase() === name);

  let body: Buffer | string | undefined;
  if (exit.type === 'error') {
    // A repeated Accept counts as one, joined as Kong joins it.
    const contentType = errorContentType(accept.length === 0 ? undefined : accept.join(','));
    body = errorBody(contentType, exit.message, requestId);
    if (contentType === '') headers.clear('Content-Type');
    else headers.set('Content-Type', contentType);
  } else if (exit.body === undefined || Buffer.isBuffer(exit.body)) {
    body = exit.body;
  } else {
    body = cjsonEncode(exit.body);
    if (!has('content-type')) headers.set('Content-Type', 'application/json; charset=utf-8');
  }
  if (!has('content-length')) headers.set('Content-Length', body === undefined ? 0 : Buffer.byteLength(body));
  if (exit.status === 204) {
    // nginx sends no body, type or length with a 204.
    body = undefined;
    headers.clear('Content-Type');
    headers.clear('Content-Length');
  } else if (exit.status === 304) {
    body = undefined;
  }
  return body;
}

/**
 * The page for an error nginx raised, its headers filled in after those
 * plugins set for any answer; `accept` and `contentType` are the request's
 * first such lines nginx had read. The page's status is the one sent (494 goes out as 400).
 */
export function errorPageAnswer(
  status: number, fromPlugins: Record<string, string | number>, accept: string | undefined, contentType: string | undefined,
  requestId: string, headers: ResponseHeaders,
): ErrorPage {
  const page = errorPage(status, accept, contentType, requestId);
  for (const [name, value] of Object.entries(fromPlugins)) headers.set(name, value);
  if (page.contentType !== '') headers.set('Content-Type', page.contentType);
  headers.set('Content-Length', Buffer.byteLength(page.body));
  if (CLOSING.has(status)) headers.set('Connection', 'close');
  return page;
}
