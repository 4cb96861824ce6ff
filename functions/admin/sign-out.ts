import { operatorOf, usernameIn } from '../../lib/admin/operator';
import { revokedUser } from '../../lib/browser-sessions/gateway-revocation';
import { accountAdmin } from '../../lib/composition/account-admin';
import { json, route } from '../../lib/platform/http';

/** POST /api/admin/sign-out/{username}: every session of the user ends, token and browser alike, and Kong refuses their access tokens. */
export const handler = route(async (event) => {
  const operator = operatorOf(event);
  const username = usernameIn(event, '/api/admin/sign-out/');
  await accountAdmin.signOut(operator, username);
  return json(200, { message: 'Every session of the user ended' }, revokedUser(username));
});
