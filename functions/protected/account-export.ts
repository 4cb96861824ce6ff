import { authenticateCaller } from '../../lib/composition/caller';
import { accountExport } from '../../lib/composition/account-export';
import { json, route } from '../../lib/platform/http';

/** GET /api/jwt/account/export: everything the service holds about the caller, as one JSON document (GDPR art. 15, 20). */
export const handler = route(async (event) => {
  const { account, claims } = await authenticateCaller(event);
  return json(200, await accountExport.exportData(account, claims.sid), { 'Content-Disposition': 'attachment; filename="account-export.json"' });
});
