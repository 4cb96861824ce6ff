import { json, oauthRoute } from '../../lib/platform/http';
import { tokenSessions } from '../../lib/composition/token-sessions';
import { revocableToken, revokeBody } from '../../lib/token-sessions/schemas';

/** POST /api/public/revoke, JSON `{"token"}` or an RFC 7009 form: revokes a refresh token; the same answer whether it was known or not. */
export const handler = oauthRoute(revokeBody, async ({ body }) => {
  await tokenSessions.revoke(revocableToken(body));
  return json(200, { message: 'Token revoked' });
});
