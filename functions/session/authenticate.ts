import { sessionIdFrom } from '../../lib/browser-sessions';
import { browserConfig, browserSessions } from '../../lib/composition/browser-sessions';
import { accounts } from '../../lib/composition/accounts';
import { identityOf } from '../../lib/composition/browser-identity';
import { AppError } from '../../lib/platform/errors';
import { json, route } from '../../lib/platform/http';

const loginRequired = () => new AppError('login_required');

/**
 * GET /api/session/authenticate (the JSESSIONID cookie) → 200 with X-User,
 * X-Email, X-Email-Verified, X-First-Name and `Authorization: Bearer <identity token>`, which
 * the gateway's forward-auth plugin hands to the service behind it; or 401.
 * Two DynamoDB round trips (the session and the user's epoch; the account), plus a write at
 * most once a minute to slide the idle expiry; no Kong Admin API call.
 */
export const handler = route(async (event) => {
  const session = await browserSessions.resume(sessionIdFrom(event.headers.cookie, browserConfig.cookieSecure));
  if (!session) throw loginRequired();
  // The account as it is now, for X-Email and X-Email-Verified (a link followed after sign-in counts at once).
  const account = await accounts.get(session.username);
  const { headers, token, expiresIn } = await identityOf(session, account && account.id === session.accountId ? account : undefined);
  const answer = json(200, { username: session.username, token_type: 'Bearer', access_token: token, expires_in: expiresIn });
  return { ...answer, headers: { ...answer.headers, ...headers } };
});
