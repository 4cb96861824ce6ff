// Answers in Kong's formats: the Admin API's JSON, and the error bodies of
// kong.response.error (kong/tools/http.lua), chosen by the request's Accept.
import type { ServerResponse } from 'node:http';

export function sendJson(
  res: ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string | number> = {},
): void {
  if (body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  const json = JSON.stringify(body);
  res
    .writeHead(status, {
      ...headers,
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(json),
    })
    .end(json);
}

const JSON_TYPE = 'application/json; charset=utf-8';
const HTML_TYPE = 'text/html; charset=utf-8';
const XML_TYPE = 'application/xml; charset=utf-8';
const PLAIN_TYPE = 'text/plain; charset=utf-8';
/** gRPC errors travel in trailers-like headers Kong does not fill here: an empty body, no type. */
const GRPC_TYPE = '';

const MIME_TYPES: Record<string, string> = {
  'application/grpc': GRPC_TYPE,
  'text/html': HTML_TYPE,
  'application/json': JSON_TYPE,
  'text/plain': PLAIN_TYPE,
  'application/xml': XML_TYPE,
  application: JSON_TYPE,
  text: PLAIN_TYPE,
};

const TEMPLATES: Record<string, (message: string, requestId: string) => string> = {
  [JSON_TYPE]: (m, id) => `{\n  "message":"${m}",\n  "request_id":"${id}"\n}`,
  [HTML_TYPE]: (m, id) =>
    `<!doctype html>\n<html>\n  <head>\n    <meta charset="utf-8">\n    <title>Error</title>\n  </head>\n  <body>\n    <h1>Error</h1>\n    <p>${m}.</p>\n    <p>request_id: ${id}</p>\n  </body>\n</html>\n`,
  [XML_TYPE]: (m, id) => `<?xml version="1.0" encoding="UTF-8"?>\n<error>\n  <message>${m}</message>\n  <requestid>${id}</requestid>\n</error>\n`,
  [PLAIN_TYPE]: (m, id) => `${m}\nrequest_id: ${id}\n`,
  [GRPC_TYPE]: () => '',
};

const TOKEN = '[a-z0-9][a-z0-9\\-!#$&^_+.]+';
const MEDIA_RANGE = new RegExp(`^((?:${TOKEN}|\\*)/(?:${TOKEN}|\\*))`, 'i');
const Q_PARAMETER = /\s*;\s*q=(1(?:\.0{0,3})?|0(?:\.\d{0,3})?)/iy;
const OTHER_PARAMETER = new RegExp(`\\s*;\\s*${TOKEN}(?:=[^;]*)?`, 'iy');

/** get_mime_type: unknown types, and lookups in the wrong case, fall back to JSON. */
function mimeType(mediaRange: string): string {
  const [type, subtype] = mediaRange.split('/');
  if (subtype === '*') return type === '*' ? JSON_TYPE : MIME_TYPES[type] ?? JSON_TYPE;
  return Object.hasOwn(MIME_TYPES, mediaRange) ? MIME_TYPES[mediaRange] : JSON_TYPE;
}

/**
 * get_response_type: the first Accept entry with the highest q decides; none,
 * or none that parses, means JSON. Parameters are scanned the way PCRE's
 * repeated group does it, where a later parameter does not reset q.
 */
export function errorContentType(accept: string | undefined): string {
  if (accept === undefined) return JSON_TYPE;
  let contentType = JSON_TYPE;
  let best = 0;
  for (const item of accept.split(',')) {
    const value = item.trim();
    const range = MEDIA_RANGE.exec(value);
    if (!range) continue;
    let q: string | undefined;
    for (let at = range[0].length; ;) {
      Q_PARAMETER.lastIndex = at;
      const qMatch = Q_PARAMETER.exec(value);
      if (qMatch) {
        q = qMatch[1];
        at = Q_PARAMETER.lastIndex;
        continue;
      }
      OTHER_PARAMETER.lastIndex = at;
      if (!OTHER_PARAMETER.exec(value)) break;
      at = OTHER_PARAMETER.lastIndex;
    }
    const quality = q === undefined ? 1 : Number(q);
    if (quality > best) {
      best = quality;
      contentType = mimeType(range[1]);
    }
  }
  return contentType;
}

/** kong.response.error's body for a content type; the message goes in unescaped, as Kong does. */
export function errorBody(contentType: string, message: string, requestId: string): string {
  return TEMPLATES[contentType](message, requestId);
}

/** The messages of Kong's error handler (kong/error_handlers.lua) for statuses nginx produces. */
const NGINX_MESSAGES: Record<number, string> = {
  400: 'Bad request',
  404: 'Not found',
  405: 'Method not allowed',
  408: 'Request timeout',
  411: 'Length required',
  412: 'Precondition failed',
  413: 'Payload too large',
  414: 'URI too long',
  417: 'Expectation failed',
  494: 'Request header or cookie too large',
  500: 'An unexpected error occurred',
  502: 'An invalid response was received from the upstream server',
  503: 'The upstream server is currently unavailable',
  504: 'The upstream server is timing out',
};

/** Kong's error_default_type. */
const ERROR_DEFAULT_TYPE = 'text/plain';

export interface ErrorPage {
  status: number;
  contentType: string;
  body: string;
}

/**
 * The page Kong's error handler makes for an error nginx raised (a refused
 * request, a failed upstream): unlike kong.response.error, the format falls
 * back on the request's Content-Type, then on text/plain; 494 goes out as 400.
 * `accept` and `contentType` are the first lines of those request headers, if any.
 */
export function errorPage(status: number, accept: string | undefined, contentType: string | undefined, requestId: string): ErrorPage {
  const message = NGINX_MESSAGES[status] ?? `The upstream server responded with ${status}`;
  const wanted = accept ?? contentType ?? ERROR_DEFAULT_TYPE;
  const sentStatus = status === 494 ? 400 : status;
  // gRPC clients get their error in the status trailers, which the local gateway does not speak: no body.
  if (wanted.startsWith('application/grpc')) return { status: sentStatus, contentType: GRPC_TYPE, body: '' };
  const type = errorContentType(wanted);
  return { status: sentStatus, contentType: type, body: errorBody(type, message, requestId) };
}
