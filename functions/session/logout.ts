import { clearedCookie, revokedSession, sessionIdFrom } from '../../lib/browser-sessions';
import { browserConfig, browserSessions } from '../../lib/composition/browser-sessions';
import { seeOther } from '../../lib/pages/html';
import { isFormPost, json, route } from '../../lib/platform/http';
import { requireSameOrigin } from '../../lib/platform/origin';

/**
 * POST /api/session/logout: ends the browser session server-side and clears
 * the cookie; the same answer with no session. The profile page's sign-out
 * form goes on to the sign-in page.
 */
export const handler = route(async (event) => {
  requireSameOrigin(event, browserConfig.allowedOrigins);
  const id = sessionIdFrom(event.headers.cookie, browserConfig.cookieSecure);
  await browserSessions.end(id);
  // The gateway drops its cached answer for the session at once (forward-auth's accept_revocations).
  const cookie = { 'Set-Cookie': clearedCookie(browserConfig.cookieSecure), ...revokedSession(id) };
  if (isFormPost(event)) return seeOther('/signin?signed_out=1', cookie);
  const answer = json(200, { message: 'Signed out' });
  return { ...answer, headers: { ...answer.headers, ...cookie } };
});
