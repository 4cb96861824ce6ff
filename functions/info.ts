import { authenticateRequest } from '../lib/auth';
import { json, route } from '../lib/http';

/** GET /api/jwt/info (behind Kong's jwt plugin) → 200 with the caller's identity. */
export const handler = route(async (event) => {
  const { user, claims } = await authenticateRequest(event);
  return json(200, {
    username: user.username,
    consumer_id: user.consumerId,
    created_at: user.createdAt,
    token_expires_at: new Date(claims.exp * 1000).toISOString(),
  });
});
