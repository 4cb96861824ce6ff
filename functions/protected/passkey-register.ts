import { authenticateCaller } from '../../lib/composition/caller';
import { passkeyRegistrar } from '../../lib/composition/passkey-registration';
import { passkeyRegisterBody } from '../../lib/passkeys/schemas';
import { AppError } from '../../lib/platform/errors';
import { clientOf, json, readBody, route, validate } from '../../lib/platform/http';
import { presentedCodeBody } from '../../lib/second-factors/schemas';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';

/**
 * POST /api/jwt/passkeys/options {"code" | "recovery_code"}? → 200 the options for navigator.credentials.create()
 *   (a fresh single-use challenge for this account; with a second factor enrolled, a code or a recent one in the session).
 * POST /api/jwt/passkeys {"response", "name"?} → 201 the new passkey as the list shows it.
 * Kong routes both paths as prefixes: anything longer is no route of ours.
 */
export const handler = route(async (event) => {
  const caller = await authenticateCaller(event);
  const path = (event.path ?? '').replace(/\/$/, '');
  if (path === '/api/jwt/passkeys/options') {
    // The body is optional: a session whose second factor is recent needs none.
    const { code, recovery_code } = validate(presentedCodeBody, event.body ? readBody(event) : {});
    return json(200, await passkeyRegistrar.registrationOptions(caller, { code, recovery_code }, clientOf(event)));
  }
  if (path !== '/api/jwt/passkeys') throw new AppError('not_found');
  const { response, name } = validate(passkeyRegisterBody, readBody(event));
  return json(201, await passkeyRegistrar.register(caller, response as unknown as RegistrationResponseJSON, name));
});
