import { authenticateCaller } from '../../lib/composition/caller';
import { secondFactorChange } from '../../lib/composition/second-factor-changes';
import { clientOf, json, readBody, route, validate } from '../../lib/platform/http';
import { presentedCodeBody } from '../../lib/second-factors/schemas';

/**
 * POST /api/jwt/mfa/totp: starts enrolment, answering {"otpauth_uri","secret"} (on after confirm).
 * DELETE /api/jwt/mfa/totp {"code" | "recovery_code"}: turns TOTP off, with a current code.
 */
export const handler = route(async (event) => {
  const caller = await authenticateCaller(event);
  if (event.httpMethod === 'DELETE') {
    const { code, recovery_code } = validate(presentedCodeBody, readBody(event));
    await secondFactorChange.disableTotp(caller, { code, recovery_code }, clientOf(event));
    return json(200, { message: 'TOTP turned off' });
  }
  return json(200, await secondFactorChange.startTotp(caller));
});
