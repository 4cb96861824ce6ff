import { json, jsonRoute } from '../lib/http';
import { revokeBody } from '../lib/schemas';
import { revokeRefreshToken } from '../lib/sessions';

/** POST /api/public/revoke {"token"}: revokes a refresh token; the same answer whether it was known or not. */
export const handler = jsonRoute(revokeBody, async ({ body }) => {
  await revokeRefreshToken(body.token);
  return json(200, { message: 'Token revoked' });
});
