import { accountDeletionBody } from '../../lib/accounts/schemas';
import { revokedUser } from '../../lib/browser-sessions/gateway-revocation';
import { authenticateCaller } from '../../lib/composition/caller';
import { accountDeletion } from '../../lib/composition/account-ownership';
import { clientOf, jsonRoute } from '../../lib/platform/http';

/** DELETE /api/jwt/account {"password"[, "code"]}: the caller's account and everything about it go (GDPR art. 17); a wrong password is 403 and counted; a second factor when enrolled. */
export const handler = jsonRoute(accountDeletionBody, async (event) => {
  const { account, claims } = await authenticateCaller(event);
  await accountDeletion.deleteOwn({ account, claims }, event.body, clientOf(event));
  return { statusCode: 204, headers: { 'Cache-Control': 'no-store', ...revokedUser(account.username) }, body: '' };
});
