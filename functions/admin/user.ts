import { operatorOf, usernameIn } from '../../lib/admin/operator';
import { revokedUser } from '../../lib/browser-sessions/gateway-revocation';
import { accountAdmin } from '../../lib/composition/account-admin';
import { json, route } from '../../lib/platform/http';

/**
 * GET /api/admin/users/{username}: the account as an operator sees it.
 * DELETE /api/admin/users/{username}: everything about the user goes
 * (lib/flows/account-erasure.ts); 204 again for a user already gone.
 */
export const handler = route(async (event) => {
  const operator = operatorOf(event);
  const username = usernameIn(event, '/api/admin/users/');
  if (event.httpMethod === 'DELETE') {
    await accountAdmin.remove(operator, username);
    return { statusCode: 204, headers: { 'Cache-Control': 'no-store', ...revokedUser(username) }, body: '' };
  }
  return json(200, await accountAdmin.details(operator, username));
});
