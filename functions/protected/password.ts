import { passwordChangeBody } from '../../lib/accounts/schemas';
import { revokedUser } from '../../lib/browser-sessions/gateway-revocation';
import { authenticateCaller } from '../../lib/composition/caller';
import { changePassword } from '../../lib/composition/password-change';
import { clientOf, json, jsonRoute } from '../../lib/platform/http';

/** POST /api/jwt/password {"current_password","new_password"}: ends every other session; answers fresh tokens. */
export const handler = jsonRoute(passwordChangeBody, async (event) => {
  const { account, claims } = await authenticateCaller(event, { allowEnded: true });
  const { current_password, new_password, code, recovery_code } = event.body;
  const tokens = await changePassword(account, current_password, new_password, clientOf(event), claims, { code, recovery_code });
  // Browser sessions end too: the gateway drops its cached answers for them at once.
  return json(200, tokens, revokedUser(account.username));
});
