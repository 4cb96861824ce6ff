import { revokedUser } from '../../lib/browser-sessions/gateway-revocation';
import { authenticateCaller } from '../../lib/composition/caller';
import { signOutEverywhere } from '../../lib/composition/sign-out-everywhere';
import { json, route } from '../../lib/platform/http';

/** POST /api/jwt/logout-all: ends every session of the caller and rotates its Kong credential. */
export const handler = route(async (event) => {
  const { account } = await authenticateCaller(event, { allowEnded: true });
  await signOutEverywhere(account);
  // Browser sessions end too: the gateway drops its cached answers for them at once.
  return json(200, { message: 'Signed out everywhere' }, revokedUser(account.username));
});
