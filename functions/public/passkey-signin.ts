import { passkeys } from '../../lib/composition/passkeys';
import { signInWithPasskey } from '../../lib/composition/passkey-sign-in';
import { passkeyVerifyBody } from '../../lib/passkeys/schemas';
import { clientOf, json, readBody, route, validate } from '../../lib/platform/http';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';

/**
 * POST /api/public/passkey/options → 200 the options for navigator.credentials.get() (a fresh, single-use challenge).
 * POST /api/public/passkey/verify {"response"} → 200 with what sign-in answers, amr hwk or swk, user, mfa.
 */
export const handler = route(async (event) => {
  if (event.path.endsWith('/options')) return json(200, await passkeys.authenticationOptions());
  const { response } = validate(passkeyVerifyBody, readBody(event));
  return json(200, await signInWithPasskey(response as unknown as AuthenticationResponseJSON, clientOf(event)));
});
