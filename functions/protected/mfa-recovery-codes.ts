import { authenticateCaller } from '../../lib/composition/caller';
import { secondFactorChange } from '../../lib/composition/second-factor-changes';
import { clientOf, json, jsonRoute } from '../../lib/platform/http';
import { presentedCodeBody } from '../../lib/second-factors/schemas';

/** POST /api/jwt/mfa/recovery-codes {"code" | "recovery_code"}: ten new recovery codes in place of those left. */
export const handler = jsonRoute(presentedCodeBody, async (event) => {
  const caller = await authenticateCaller(event);
  const { code, recovery_code } = event.body;
  return json(200, await secondFactorChange.regenerateRecoveryCodes(caller, { code, recovery_code }, clientOf(event)));
});
