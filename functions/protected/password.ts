import { passwordChangeBody } from '../../lib/accounts/schemas';
import { authenticateCaller } from '../../lib/composition/caller';
import { changePassword } from '../../lib/composition/password-change';
import { clientOf, json, jsonRoute } from '../../lib/platform/http';

/** POST /api/jwt/password {"current_password","new_password"}: ends every other session; answers fresh tokens. */
export const handler = jsonRoute(passwordChangeBody, async (event) => {
  const { account, claims } = await authenticateCaller(event, { allowEnded: true });
  return json(200, await changePassword(account, event.body.current_password, event.body.new_password, clientOf(event), claims.sid));
});
