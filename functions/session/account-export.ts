import { accountExport } from '../../lib/composition/account-export';
import { browserAccount } from '../../lib/composition/browser-account';
import { json, route } from '../../lib/platform/http';

/**
 * GET /api/session/account/export: the profile page's download of everything
 * held about the signed-in user (as GET /api/jwt/account/export). A GET that
 * changes nothing: another site can at most make the user's own browser
 * download their own data, which it cannot read (no cors for GET here).
 */
export const handler = route(async (event) => {
  const account = await browserAccount(event);
  return json(200, await accountExport.exportData(account), { 'Content-Disposition': 'attachment; filename="account-export.json"' });
});
