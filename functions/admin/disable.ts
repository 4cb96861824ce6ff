import { operatorOf, usernameIn } from '../../lib/admin/operator';
import { revokedUser } from '../../lib/browser-sessions/gateway-revocation';
import { accountAdmin } from '../../lib/composition/account-admin';
import { json, route } from '../../lib/platform/http';

/** POST /api/admin/disable/{username}: no signin, every session ended, Kong's credentials gone; idempotent. */
export const handler = route(async (event) => {
  const operator = operatorOf(event);
  const username = usernameIn(event, '/api/admin/disable/');
  // Browser sessions end too: the gateway drops its cached answers for them (where it reads this header).
  return json(200, await accountAdmin.disable(operator, username), revokedUser(username));
});
