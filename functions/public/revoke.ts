import { json, jsonRoute } from '../../lib/platform/http';
import { sessions } from '../../lib/sessions';
import { revokeBody } from '../../lib/sessions/schemas';

/** POST /api/public/revoke {"token"}: revokes a refresh token; the same answer whether it was known or not. */
export const handler = jsonRoute(revokeBody, async ({ body }) => {
  await sessions.revoke(body.token);
  return json(200, { message: 'Token revoked' });
});
