// The forward-auth plugin's configuration: the local gateway's reading of
// kong/plugins/forward-auth/schema.lua, the same fields, defaults and checks.
import { boolean, fail, field, list, mapping, number, required, type Check } from '../../core/schema';

export interface ForwardAuthConfig {
  /** The identity provider's endpoint, asked with GET about each request. */
  url: URL;
  /** Request headers sent to it, lower case with '-' (as nginx matches them). */
  forwardHeaders: string[];
  /** Answer headers copied to the upstream request, same spelling. */
  upstreamHeaders: string[];
  /** Bounds connecting, sending and each read (ms). */
  timeout: number;
  /** How long a positive answer is reused (s); 0: never. */
  cacheTtl: number;
  loginUrl: string;
  /** The cookie holding the session id; null: any forwarded credential is asked about as it is. */
  sessionCookie: string | null;
  /** The lengths of a session cookie value worth asking about. */
  sessionCookieMinLength: number;
  sessionCookieMaxLength: number;
  /** Removes the session cookie from the upstream request. */
  hideCredentials: boolean;
  /** false: requests are not checked; the plugin only handles the revocation header. */
  authenticate: boolean;
  /** Acts on the revocation header of the upstream's answer. */
  acceptRevocations: boolean;
  /** The gateway's key for the identity provider's route (key-auth), sent on every call; null: none. */
  apiKey: string | null;
  /** The header carrying it (canonical spelling); it replaces any forwarded header of that name. */
  apiKeyHeader: string;
}

const FIELDS = [
  'url',
  'forward_headers',
  'upstream_headers',
  'timeout',
  'cache_ttl',
  'login_url',
  'session_cookie',
  'session_cookie_min_length',
  'session_cookie_max_length',
  'hide_credentials',
  'authenticate',
  'accept_revocations',
  'api_key',
  'api_key_header',
];

/** Headers that frame or route the upstream request: the identity provider must not fill them. */
const RESERVED_UPSTREAM = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'te', 'upgrade']);

/** How the plugin matches header names: case-insensitively, '_' taken as '-'. */
export const canonicalHeader = (name: string): string => name.toLowerCase().replace(/_/g, '-');

const string: Check<string> = (value, where) => (typeof value === 'string' ? value : fail(where, 'expected a string'));

const headerName: Check<string> = (value, where) => {
  const name = string(value, where);
  if (!/^[A-Za-z0-9_-]+$/.test(name)) fail(where, `bad header name '${name}', allowed characters are A-Z, a-z, 0-9, '_', and '-'`);
  return name;
};

const upstreamHeader: Check<string> = (value, where) => {
  const name = headerName(value, where);
  if (RESERVED_UPSTREAM.has(canonicalHeader(name))) fail(where, `'${name}' cannot be set from the identity provider's answer`);
  return name;
};

/** RFC 6265's cookie-name: a token. */
const cookieName: Check<string | null> = (value, where) => {
  if (value === null) return null;
  const name = string(value, where);
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) fail(where, `bad cookie name '${name}'`);
  return name;
};

/** Why a URL is not an http(s) one with a host, or null when it is. */
function urlProblem(url: string): string | null {
  if (/[ \t\n\v\f\r]/.test(url)) return 'must not contain whitespace';
  const match = /^([A-Za-z]+):\/\/(.*)$/s.exec(url);
  if (!match) return 'missing scheme in url';
  const scheme = match[1].toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') return 'expected an http or https url';
  if (!/^[^/?#]/.test(match[2])) return 'missing host in url';
  return null;
}

const endpoint: Check<URL> = (value, where) => {
  const url = string(value, where);
  const problem = urlProblem(url);
  if (problem !== null) fail(where, problem);
  try {
    return new URL(url);
  } catch {
    return fail(where, 'could not parse url');
  }
};

/**
 * Admin-set, so an absolute URL (a sign-in page on another host) is allowed; a
 * path must be one on this site. `next` is appended as a query parameter, which
 * a fragment would swallow.
 */
const loginUrl: Check<string> = (value, where) => {
  const url = string(value, where);
  if (/[ \t\n\v\f\r\x00-\x1f\x7f#]/.test(url)) fail(where, 'must not contain whitespace, control characters or a fragment');
  if (url.startsWith('/')) {
    if (url[1] === '/' || url[1] === '\\') fail(where, "a path must start with a single '/'");
    return url;
  }
  if (urlProblem(url) !== null) fail(where, "expected a path starting with '/' or an http or https url");
  return url;
};

const apiKey: Check<string | null> = (value, where) => {
  if (value === null) return null;
  const key = string(value, where);
  return key.length > 0 ? key : fail(where, 'length must be at least 1');
};

function nonEmpty<T>(check: Check<T[]>): Check<T[]> {
  return (value, where) => {
    const items = check(value, where);
    return items.length > 0 ? items : fail(where, 'length must be at least 1');
  };
}

export function forwardAuthSchema(value: unknown, where: string): ForwardAuthConfig {
  const c = mapping(value, where, FIELDS);
  const config: ForwardAuthConfig = {
    url: required(c, 'url', where, endpoint),
    forwardHeaders: field(c, 'forward_headers', where, nonEmpty(list(headerName)), ['cookie']).map(canonicalHeader),
    upstreamHeaders: field(c, 'upstream_headers', where, list(upstreamHeader), ['x-user', 'x-email', 'x-first-name', 'authorization']).map(canonicalHeader),
    timeout: field(c, 'timeout', where, number(1, 60000, true), 5000),
    cacheTtl: field(c, 'cache_ttl', where, number(0, 60), 5),
    loginUrl: field(c, 'login_url', where, loginUrl, '/signin'),
    sessionCookie: field(c, 'session_cookie', where, cookieName, null),
    sessionCookieMinLength: field(c, 'session_cookie_min_length', where, number(1, 4096, true), 1),
    sessionCookieMaxLength: field(c, 'session_cookie_max_length', where, number(1, 4096, true), 4096),
    hideCredentials: field(c, 'hide_credentials', where, boolean, false),
    authenticate: field(c, 'authenticate', where, boolean, true),
    acceptRevocations: field(c, 'accept_revocations', where, boolean, false),
    apiKey: field(c, 'api_key', where, apiKey, null),
    apiKeyHeader: canonicalHeader(field(c, 'api_key_header', where, headerName, 'apikey')),
  };
  // schema.lua's entity checks.
  if (config.sessionCookieMinLength > config.sessionCookieMaxLength) {
    fail(where, 'session_cookie_min_length must not exceed session_cookie_max_length');
  }
  if (config.hideCredentials && config.sessionCookie === null) fail(`${where}.session_cookie`, 'required field missing');
  return config;
}
