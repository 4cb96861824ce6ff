import { DEFAULT_AFTER_SIGNIN, deviceCookie, deviceTokenFrom, revokedSession, safeNext, sessionCookie, sessionIdFrom } from '../../lib/browser-sessions';
import { browserConfig, browserSessions } from '../../lib/composition/browser-sessions';
import { browserSignInBody } from '../../lib/browser-sessions/schemas';
import { browserSignIn } from '../../lib/composition/browser-sign-in';
import { signInPage } from '../../lib/pages/auth-pages';
import { echoed, pageFormRoute } from '../../lib/pages/forms';
import { seeOther } from '../../lib/pages/html';
import { config } from '../../lib/platform/config';
import { clientOf, json, type Response } from '../../lib/platform/http';

/** Two cookies in one answer: a headers map holds one Set-Cookie, multiValueHeaders any number. */
function withCookies(response: Response, cookies: string[]): Response {
  return { ...response, multiValueHeaders: { ...response.multiValueHeaders, 'Set-Cookie': cookies } };
}

/**
 * POST /api/session/login {"username","password"} (JSON, or the sign-in
 * page's form) → a new session in the JSESSIONID cookie, and a new device
 * token in the device cookie (whose old one, if valid for this user, spared
 * the attempt others' failures on the name). The form goes on to `next` (a
 * path on this site) or the profile page, or comes back to the sign-in page
 * with the error. Same 401 for an unknown user and a wrong password.
 */
export const handler = pageFormRoute({
  schema: browserSignInBody,
  allowedOrigins: browserConfig.allowedOrigins,
  async handle({ event, body, form }) {
    const secure = browserConfig.cookieSecure;
    const { id, session, deviceToken } = await browserSignIn(body.username, body.password, clientOf(event), deviceTokenFrom(event.headers.cookie, secure));
    // Whatever session id the browser held before is not the one signed in (no
    // fixation); if it named a session, that one ends.
    const previous = sessionIdFrom(event.headers.cookie, secure);
    await browserSessions.end(previous);
    const cookies = [sessionCookie(id, secure), deviceCookie(deviceToken, secure, config.deviceTokenTtlSeconds)];
    // The gateway drops its cached answer for the replaced session at once (forward-auth's accept_revocations).
    const revocation = revokedSession(previous);
    if (form) return withCookies(seeOther(safeNext(body.next) ?? DEFAULT_AFTER_SIGNIN, revocation), cookies);
    const expiresAt = new Date(session.absoluteExpiresAt * 1000).toISOString();
    return withCookies(json(200, { username: session.username, idle_timeout_seconds: browserConfig.idleSeconds, expires_at: expiresAt }, revocation), cookies);
  },
  refusedPage: (values, shown) => signInPage({ next: safeNext(values.next), username: echoed(values, ['username']).username, error: shown.message }),
});
