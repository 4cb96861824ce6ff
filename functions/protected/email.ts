import { authenticateCaller } from '../../lib/composition/caller';
import { changeEmail } from '../../lib/composition/email-change';
import { clientOf, json, jsonRoute } from '../../lib/platform/http';
import { emailChangeBody } from '../../lib/recovery/schemas';

/**
 * POST /api/jwt/email {"current_password","new_email"[,"code"|"recovery_code"]} → 202:
 * a link to the new address, a notice to the old; the old stays until the
 * link is used. The password is an attempt on the caller's session lane; an
 * account with a second factor needs a code or a recent one (lib/flows/email-change.ts).
 */
export const handler = jsonRoute(emailChangeBody, async (event) => {
  const { account, claims } = await authenticateCaller(event);
  const { current_password, new_email, code, recovery_code } = event.body;
  return json(202, await changeEmail(account, current_password, new_email, clientOf(event), claims, { code, recovery_code }));
});
