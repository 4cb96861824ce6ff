// What Kong's nginx refuses before Kong runs (nginx 1.25, Kong's template:
// client_header_buffer_size 1k, large_client_header_buffers 4 8k). Node's
// parser accepts some of these requests and refuses others nginx takes, so the
// gateway checks them itself on what Node parsed; what Node refuses outright
// reaches clientError and is answered here the way nginx answers it.
import type { IncomingMessage } from 'node:http';

/** Why nginx refused a request: the status, and how much of the head it had read. */
export interface Refusal {
  /** 400, 405, 414, 494 (sent as 400), 501 or 505. */
  status: number;
  /**
   * Header lines nginx had parsed when it refused: the error page chooses
   * its format from those (none for a bad request line, all for a bad header set).
   */
  parsedHeaders: number;
}

const CLIENT_HEADER_BUFFER = 1024;
const LARGE_HEADER_BUFFER = 8192;
const LARGE_HEADER_BUFFERS = 4;

/**
 * nginx reads the head into one 1k buffer, then moves whatever line does not
 * fit into a fresh 8k buffer, at most four of them. A request line that does
 * not fit in 8k is 414; a header line that does not, or a head that needs a
 * fifth buffer, is 494. Lines are measured as `name: value` plus CRLF (Node
 * does not keep the exact whitespace a client sent).
 */
function headBufferRefusal(req: IncomingMessage): Refusal | null {
  const raw = req.rawHeaders;
  const requestLine = `${req.method} ${req.url} HTTP/${req.httpVersion}`.length + 2;
  // Most heads fit the first buffer whole, blank line included: nothing to refuse.
  let total = requestLine + 2;
  for (let i = 0; i < raw.length; i += 2) total += raw[i].length + raw[i + 1].length + 4;
  if (total <= CLIENT_HEADER_BUFFER) return null;
  const lengths = [requestLine];
  for (let i = 0; i < raw.length; i += 2) lengths.push(raw[i].length + raw[i + 1].length + 4);
  lengths.push(2); // the blank line ending the head
  let capacity = CLIENT_HEADER_BUFFER;
  let used = 0;
  let large = 0;
  for (const [i, length] of lengths.entries()) {
    if (used + length <= capacity) {
      used += length;
      continue;
    }
    if (length > LARGE_HEADER_BUFFER || large === LARGE_HEADER_BUFFERS) {
      return i === 0 ? { status: 414, parsedHeaders: 0 } : { status: 494, parsedHeaders: i - 1 };
    }
    large += 1;
    capacity = LARGE_HEADER_BUFFER;
    used = length;
  }
  return null;
}

/**
 * ngx_http_parse_complex_uri's verdict on a path: a `%` without two hex
 * digits, an escaped NUL, or `..` climbing above the root (also when spelled
 * `%2e%2e`: nginx decodes before it resolves dot segments) is a bad request.
 */
export function pathIsValid(rawPath: string): boolean {
  if (!rawPath.includes('%') && !rawPath.includes('..')) return true; // nothing to decode, nothing climbing
  let decoded = '';
  for (let i = 0; i < rawPath.length; i++) {
    if (rawPath[i] !== '%') {
      decoded += rawPath[i];
      continue;
    }
    const hex = rawPath.slice(i + 1, i + 3);
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) return false;
    const byte = parseInt(hex, 16);
    if (byte === 0) return false;
    decoded += String.fromCharCode(byte);
    i += 2;
  }
  let depth = 0;
  for (const segment of decoded.split('/').slice(1)) {
    if (segment === '..') {
      depth -= 1;
      if (depth < 0) return false;
    } else if (segment !== '.' && segment !== '') {
      depth += 1;
    }
  }
  return true;
}

/** ngx_http_validate_host: no empty name, no `..`, no `/`, no blanks or control characters. */
function hostIsValid(host: string): boolean {
  let dot = -2;
  let length = host.length;
  let inLiteral = false;
  let rest = false;
  for (let i = 0; i < host.length; i++) {
    const ch = host[i];
    const code = host.charCodeAt(i);
    if (ch === '.') {
      if (dot === i - 1) return false;
      dot = i;
    } else if (ch === ':') {
      if (!inLiteral && !rest) {
        length = i;
        rest = true;
      }
    } else if (ch === '[') {
      if (i === 0) inLiteral = true;
    } else if (ch === ']') {
      if (inLiteral) {
        length = i + 1;
        inLiteral = false;
        rest = true;
      }
    } else if (ch === '/' || code <= 0x20 || code === 0x7f) {
      return false;
    }
  }
  if (dot === length - 1) length -= 1;
  return length > 0;
}

/**
 * A request target nginx takes: origin form (`/path`) or absolute form
 * (`http://host/path`, whose path is then what counts). Anything else
 * (`*`, a bare name) is a bad request line.
 */
export function requestPath(target: string): string | null {
  if (target.startsWith('/')) return target;
  const absolute = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?]*/.exec(target);
  if (!absolute) return null;
  const rest = target.slice(absolute[0].length);
  return rest.startsWith('/') ? rest : `/${rest}`;
}

/** nginx's checks, in its order: the request line, the head's size, then the parsed headers. */
export function refusal(req: IncomingMessage): Refusal | null {
  if (req.httpVersionMajor >= 2) return { status: 505, parsedHeaders: 0 };
  const target = requestPath(req.url ?? '');
  if (target === null) return { status: 400, parsedHeaders: 0 };
  const sizes = headBufferRefusal(req);
  if (sizes?.status === 414) return sizes;
  const queryAt = target.indexOf('?');
  if (!pathIsValid(queryAt === -1 ? target : target.slice(0, queryAt))) return { status: 400, parsedHeaders: 0 };
  if (sizes) return sizes;

  const all = { status: 400, parsedHeaders: req.rawHeaders.length / 2 };
  let hosts = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i].length === 4 && req.rawHeaders[i].toLowerCase() === 'host') hosts += 1;
  if (hosts > 1) return all;
  if (hosts === 1 && !hostIsValid(req.headers.host ?? '')) return all;
  if (hosts === 0 && req.httpVersion !== '1.0') return all;
  const transferEncoding = req.headers['transfer-encoding'];
  if (transferEncoding !== undefined) {
    if (req.httpVersion === '1.0') return all;
    if (transferEncoding.toLowerCase() !== 'chunked') return { status: 501, parsedHeaders: all.parsedHeaders };
  }
  if (req.method === 'TRACE' || req.method === 'CONNECT') return { status: 405, parsedHeaders: all.parsedHeaders };
  return null;
}

/** Statuses nginx answers with its own page, not through Kong's error handler. */
export const OWN_PAGE_STATUSES = new Set([501, 505]);

const REASONS: Record<number, string> = { 501: 'Not Implemented', 505: 'HTTP Version Not Supported' };

/** nginx's built-in error page (server_tokens off, OpenResty's name in the tail). */
export function ownPage(status: number): string {
  const title = `${status} ${REASONS[status]}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>openresty</center>\r\n</body>\r\n</html>\r\n`;
}

/** What a request Node's parser refused would have been for nginx. */
export function parserRefusal(err: NodeJS.ErrnoException): number | null {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return 494;
    case 'HPE_INVALID_TRANSFER_ENCODING':
      return 501;
    case 'ECONNRESET':
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'HPE_HEADER_TIMEOUT':
      // nginx closes a connection whose head never arrived, without a word.
      return null;
    default:
      return 400;
  }
}
