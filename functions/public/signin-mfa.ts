import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { signInWithSecondFactor } from '../../lib/composition/second-factor-sign-in';
import { clientOf, json, jsonRoute } from '../../lib/platform/http';
import { signinMfaBody } from '../../lib/second-factors/schemas';

/** POST /api/public/signin/mfa {"mfa_token", "code" | "recovery_code" | "passkey"} → 200 with what sign-in answers, amr showing the second factor. */
export const handler = jsonRoute(signinMfaBody, async (event) => {
  const { mfa_token, code, recovery_code, passkey } = event.body;
  const assertion = passkey as unknown as AuthenticationResponseJSON | undefined;
  return json(200, await signInWithSecondFactor(mfa_token, { code, recovery_code, passkey: assertion }, clientOf(event)));
});
