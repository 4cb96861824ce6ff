import { publicAccount } from '../../lib/accounts/account';
import { authenticateCaller } from '../../lib/composition/caller';
import { json, route } from '../../lib/platform/http';

/** GET /api/jwt/info (behind Kong's jwt plugin) → 200 with the caller's identity. */
export const handler = route(async (event) => {
  const { account, claims } = await authenticateCaller(event);
  return json(200, { ...publicAccount(account), token_expires_at: new Date(claims.exp * 1000).toISOString() });
});
