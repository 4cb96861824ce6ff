import { sessionIdFrom } from '../../lib/browser-sessions';
import { browserConfig, browserSessions } from '../../lib/composition/browser-sessions';
import { identityOf } from '../../lib/composition/browser-identity';
import { AppError } from '../../lib/platform/errors';
import { json, route } from '../../lib/platform/http';

const loginRequired = () => new AppError('login_required');

/**
 * GET /api/session/authenticate (the JSESSIONID cookie) → 200 with X-User,
 * X-Email, X-First-Name and `Authorization: Bearer <identity token>`, which
 * the gateway's forward-auth plugin hands to the service behind it; or 401.
 * One DynamoDB round trip (the session and the user's epoch), plus a write at
 * most once a minute to slide the idle expiry; no Kong Admin API call.
 */
export const handler = route(async (event) => {
  const session = await browserSessions.resume(sessionIdFrom(event.headers.cookie, browserConfig.cookieSecure));
  if (!session) throw loginRequired();
  const { headers, token, expiresIn } = await identityOf(session);
  const answer = json(200, { username: session.username, token_type: 'Bearer', access_token: token, expires_in: expiresIn });
  return { ...answer, headers: { ...answer.headers, ...headers } };
});
