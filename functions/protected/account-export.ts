import { authenticateCaller } from '../../lib/composition/caller';
import { accountOwnership } from '../../lib/composition/account-ownership';
import { json, route } from '../../lib/platform/http';

/** GET /api/jwt/account/export: everything the service holds about the caller, as one JSON document (GDPR art. 15, 20). */
export const handler = route(async (event) => {
  const { account, claims } = await authenticateCaller(event);
  return json(200, await accountOwnership.exportData(account, claims.sid), { 'Content-Disposition': 'attachment; filename="account-export.json"' });
});
