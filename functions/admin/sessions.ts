import { operatorOf, usernameIn } from '../../lib/admin/operator';
import { accountRecordsAdmin as accountAdmin } from '../../lib/composition/account-records-admin';
import { json, route } from '../../lib/platform/http';

/** GET /api/admin/sessions/{username}: the user's live token sessions, newest first (addresses and agents; never a token). */
export const handler = route(async (event) => {
  const operator = operatorOf(event);
  return json(200, await accountAdmin.sessions(operator, usernameIn(event, '/api/admin/sessions/')));
});
