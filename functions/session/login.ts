import { DEFAULT_AFTER_SIGNIN, safeNext, revokedSession, sessionCookie, sessionIdFrom } from '../../lib/browser-sessions';
import { browserConfig, browserSessions } from '../../lib/composition/browser-sessions';
import { browserSignInBody } from '../../lib/browser-sessions/schemas';
import { browserSignIn } from '../../lib/composition/browser-sign-in';
import { signInPage } from '../../lib/pages/auth-pages';
import { echoed, pageFormRoute } from '../../lib/pages/forms';
import { seeOther } from '../../lib/pages/html';
import { clientOf, json } from '../../lib/platform/http';

/**
 * POST /api/session/login {"username","password"} (JSON, or the sign-in
 * page's form) → a new session in the JSESSIONID cookie. The form goes on
 * to `next` (a path on this site) or the profile page, or comes back to the
 * sign-in page with the error. Same 401 for an unknown user and a wrong password.
 */
export const handler = pageFormRoute({
  schema: browserSignInBody,
  allowedOrigins: browserConfig.allowedOrigins,
  async handle({ event, body, form }) {
    const { id, session } = await browserSignIn(body.username, body.password, clientOf(event));
    // Whatever session id the browser held before is not the one signed in (no
    // fixation); if it named a session, that one ends.
    const previous = sessionIdFrom(event.headers.cookie);
    await browserSessions.end(previous);
    const cookie = { 'Set-Cookie': sessionCookie(id, browserConfig.cookieSecure), ...revokedSession(previous) };
    if (form) return seeOther(safeNext(body.next) ?? DEFAULT_AFTER_SIGNIN, cookie);
    const expiresAt = new Date(session.absoluteExpiresAt * 1000).toISOString();
    return json(200, { username: session.username, idle_timeout_seconds: browserConfig.idleSeconds, expires_at: expiresAt }, cookie);
  },
  refusedPage: (values, shown) => signInPage({ next: safeNext(values.next), username: echoed(values, ['username']).username, error: shown.message }),
});
