import { sessionIdFrom } from '../../lib/browser-sessions/cookie';
import { consents } from '../../lib/composition/consent-store';
import { browserConfig, browserSessions } from '../../lib/composition/browser-sessions';
import { AppError } from '../../lib/platform/errors';
import { json, readBody, route } from '../../lib/platform/http';
import { requireSameOrigin } from '../../lib/platform/origin';

/**
 * POST /oauth2/consents/revoke {"client_id"} (JSON or a form, same-origin,
 * with the browser session): forgets what the user allowed that client, so
 * the consent page shows again on its next request. Tokens already issued
 * end as their sessions do (revocation, logout).
 */
export const handler = route(async (event) => {
  requireSameOrigin(event, browserConfig.allowedOrigins);
  const session = await browserSessions.resume(sessionIdFrom(event.headers.cookie, browserConfig.cookieSecure));
  if (!session) throw new AppError('login_required');
  const clientId = readBody(event, { forms: true }).client_id;
  if (typeof clientId !== 'string' || clientId.length === 0 || clientId.length > 256) throw new AppError('invalid_request', 'client_id is required');
  const revoked = await consents.revoke(session.accountId, clientId);
  return json(200, { client_id: clientId, revoked });
});
