import { operatorOf, usernameIn } from '../../lib/admin/operator';
import { accountRecordsAdmin as accountAdmin } from '../../lib/composition/account-records-admin';
import { json, route } from '../../lib/platform/http';

/** POST /api/admin/enable/{username}: signin works again (with new Kong credentials); idempotent. */
export const handler = route(async (event) => {
  const operator = operatorOf(event);
  return json(200, await accountAdmin.enable(operator, usernameIn(event, '/api/admin/enable/')));
});
