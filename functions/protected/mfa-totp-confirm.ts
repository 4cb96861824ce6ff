import { authenticateCaller } from '../../lib/composition/caller';
import { secondFactorChange } from '../../lib/composition/second-factor-changes';
import { json, jsonRoute } from '../../lib/platform/http';
import { confirmTotpBody } from '../../lib/second-factors/schemas';

/** POST /api/jwt/mfa/totp/confirm {"code"}: turns the pending TOTP on; answers the ten recovery codes, once. */
export const handler = jsonRoute(confirmTotpBody, async (event) => {
  const caller = await authenticateCaller(event);
  return json(200, await secondFactorChange.confirmTotp(caller, event.body.code));
});
