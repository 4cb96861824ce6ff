import { browserConfig, browserSessions, DEFAULT_AFTER_SIGNIN, safeNext, sessionCookie, sessionIdFrom } from '../../lib/browser-sessions';
import { echoed, formError } from '../../lib/browser-sessions/forms';
import { loginBody } from '../../lib/browser-sessions/schemas';
import { logIn } from '../../lib/flows/browser';
import { signInPage } from '../../lib/pages/auth-pages';
import { htmlResponse, seeOther } from '../../lib/pages/html';
import { isFormPost, json, readBody, route, validate, clientOf } from '../../lib/platform/http';
import { requireSameOrigin } from '../../lib/platform/origin';

/**
 * POST /api/session/login {"username","password"} (JSON, or the sign-in
 * page's form) → a new session in the JSESSIONID cookie. The form goes on
 * to `next` (a path on this site) or the profile page, or comes back to the
 * sign-in page with the error. Same 401 for an unknown user and a wrong password.
 */
export const handler = route(async (event) => {
  // Login CSRF: another site must not sign the browser into an account of its choosing.
  requireSameOrigin(event, browserConfig.allowedOrigins);
  const form = isFormPost(event);
  let values: Record<string, unknown> = {};
  try {
    values = readBody(event, { forms: true });
    const body = validate(loginBody, values);
    const { id, session } = await logIn(body.username, body.password, clientOf(event));
    // Whatever session id the browser held before is not the one signed in (no
    // fixation); if it named a session, that one ends.
    await browserSessions.end(sessionIdFrom(event.headers.cookie));
    const cookie = { 'Set-Cookie': sessionCookie(id, browserConfig.cookieSecure) };
    if (form) return seeOther(safeNext(body.next) ?? DEFAULT_AFTER_SIGNIN, cookie);
    const answer = json(200, {
      username: session.username,
      idle_timeout_seconds: browserConfig.idleSeconds,
      expires_at: new Date(session.absoluteExpiresAt * 1000).toISOString(),
    });
    return { ...answer, headers: { ...answer.headers, ...cookie } };
  } catch (error) {
    const shown = form ? formError(error) : undefined;
    if (!shown) throw error;
    const page = signInPage({ next: safeNext(values.next), username: echoed(values, ['username']).username, error: shown.message });
    return htmlResponse(shown.status, page);
  }
});
