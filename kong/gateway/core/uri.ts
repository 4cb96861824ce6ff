// Kong's request-path handling (kong/tools/uri.lua): routes match the normalized
// path, and the upstream receives it re-escaped. Strings hold one byte per char.

// RFC 3986 reserved characters keep their percent-encoding (upper-cased).
const RESERVED = new Set([...'!*\'();:@&=+$,/?%#[]'].map((c) => c.charCodeAt(0)));

function decodeUnreserved(triplet: string, hex: string): string {
  const byte = parseInt(hex, 16);
  return RESERVED.has(byte) ? triplet.toUpperCase() : String.fromCharCode(byte);
}

/** Decodes percent-encoded unreserved characters, removes dot segments, merges slashes. */
export function normalizePath(uri: string): string {
  if (uri === '' || uri === '/') return uri;
  if (uri.includes('%')) uri = uri.replace(/%([0-9a-fA-F]{2})/g, decodeUnreserved);
  if (!uri.includes('.') && !uri.includes('//')) return uri;

  const segments: string[] = [];
  while (uri.length > 0) {
    if (uri === '/.') {
      uri = '/';
    } else if (uri === '/..') {
      uri = '/';
      segments.pop();
    } else if (uri === '.' || uri === '..') {
      uri = '';
    } else if (uri.startsWith('../')) {
      uri = uri.slice(3);
    } else if (uri.startsWith('./')) {
      uri = uri.slice(2);
    } else if (uri.startsWith('/./')) {
      uri = uri.slice(2);
    } else if (uri.startsWith('/../')) {
      uri = uri.slice(3);
      segments.pop();
    } else if (uri.startsWith('//')) {
      uri = uri.slice(1);
    } else {
      const next = uri.indexOf('/', 1);
      segments.push(next === -1 ? uri : uri.slice(0, next));
      uri = next === -1 ? '' : uri.slice(next);
    }
  }
  return segments.join('');
}

function percentEncode(char: string): string {
  const code = char.charCodeAt(0);
  return code > 0xff ? encodeURIComponent(char) : `%${code.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** Percent-encodes what is unsafe in a request line, keeping the path's meaning. */
export function escapePath(uri: string): string {
  return uri.replace(/[^!#$&'()*+,/:;=?@[\]A-Za-z0-9\-_.~%]/g, percentEncode);
}
