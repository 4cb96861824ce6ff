import { parse, serialize } from 'cookie';

/** The cookie's name, as the 003 design has it. */
export const SESSION_COOKIE = 'JSESSIONID';

/**
 * Where the cookie is Secure (every deployed stage), its name carries the
 * `__Host-` prefix: browsers then take it only when it is Secure, from the
 * host itself, with Path=/ and no Domain, so no sibling subdomain and no
 * plain-http page can set or overwrite it (RFC 6265bis §4.1.3.2, cookie
 * tossing). The plain-http local stack, where a prefixed cookie would be
 * refused, keeps the bare name. kong.yml's forward-auth `session_cookie`
 * follows it (DECK_SESSION_COOKIE).
 */
export const sessionCookieName = (secure: boolean) => (secure ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE);

/**
 * HttpOnly: no script reads it. SameSite=Lax: browsers leave it off
 * cross-site POSTs and subresource requests. Path=/: one cookie for the
 * whole site. Secure unless turned off for plain-http local use. No
 * Max-Age: a session cookie, gone with the browser; the server's idle and
 * absolute expiry are what end the session.
 */
export function sessionCookie(id: string, secure: boolean): string {
  return serialize(sessionCookieName(secure), id, { httpOnly: true, sameSite: 'lax', path: '/', secure });
}

/** Tells the browser to forget the session cookie. */
export function clearedCookie(secure: boolean): string {
  return serialize(sessionCookieName(secure), '', { httpOnly: true, sameSite: 'lax', path: '/', secure, maxAge: 0, expires: new Date(0) });
}

/** The one cookie named `name` in a Cookie header; several (cookie tossing) count as none, as does an empty one. */
function onlyCookie(cookieHeader: string | undefined, name: string): string | undefined {
  if (!cookieHeader) return undefined;
  const named = cookieHeader.split(';').filter((pair) => pair.trim().startsWith(`${name}=`));
  if (named.length !== 1) return undefined;
  // Ids and tokens are base64url, digits and dots: nothing to decode.
  return parse(cookieHeader, { decode: (value) => value })[name] || undefined;
}

/**
 * The session id in a Cookie header. Several session cookies (one set by
 * a sibling subdomain for a longer path comes first: "cookie tossing") are
 * refused rather than guessed between.
 */
export const sessionIdFrom = (cookieHeader: string | undefined, secure: boolean): string | undefined =>
  onlyCookie(cookieHeader, sessionCookieName(secure));

/**
 * The device cookie (lib/protection/device-tokens.ts): the browser's device
 * token, sent back only to the sign-in that reads it. `__Secure-` where it is
 * Secure (not `__Host-`, which would force Path=/); HttpOnly: no script reads
 * it; SameSite=Strict: only our own sign-in form sends it; Path: the login
 * route alone, so no other request carries it; Max-Age: the token's lifetime,
 * so that it outlives the browser session, as it must.
 */
export const DEVICE_COOKIE_PATH = '/api/session/login';
export const deviceCookieName = (secure: boolean) => (secure ? '__Secure-device_token' : 'device_token');

export function deviceCookie(token: string, secure: boolean, maxAgeSeconds: number): string {
  return serialize(deviceCookieName(secure), token, { httpOnly: true, sameSite: 'strict', path: DEVICE_COOKIE_PATH, secure, maxAge: maxAgeSeconds });
}

/** The device token in a Cookie header; several (cookie tossing) count as none, as for the session cookie. */
export const deviceTokenFrom = (cookieHeader: string | undefined, secure: boolean): string | undefined =>
  onlyCookie(cookieHeader, deviceCookieName(secure));
