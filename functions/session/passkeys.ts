import { browserAccount } from '../../lib/composition/browser-account';
import { browserConfig } from '../../lib/composition/browser-sessions';
import { passkeys } from '../../lib/composition/passkeys';
import { browserPasskeyRegisterBody } from '../../lib/passkeys/browser-schemas';
import { json, readBody, route, validate } from '../../lib/platform/http';
import { requireSameOrigin } from '../../lib/platform/origin';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';

/**
 * The security page's "Add a passkey" (its script, app.js), for the browser
 * session's account (its cookie; 401 login_required without a live one):
 * POST /api/session/passkeys/options → the options for
 * navigator.credentials.create() (a single-use challenge bound to this
 * account, its passkeys excluded);
 * POST /api/session/passkeys {"response","name"} → 201 the new passkey as the
 * page lists it.
 *
 * CSRF: Sec-Fetch-Site and Origin checked first (lib/platform/origin.ts), and
 * JSON only, so another site's page can neither start nor finish a
 * registration with the user's cookie; and a response only counts against
 * a challenge this account asked for.
 */
export const handler = route(async (event) => {
  requireSameOrigin(event, browserConfig.allowedOrigins);
  const account = await browserAccount(event);
  if (event.path.endsWith('/options')) return json(200, await passkeys.registrationOptions(account));
  const body = validate(browserPasskeyRegisterBody, readBody(event));
  return json(201, await passkeys.register(account, body.response as unknown as RegistrationResponseJSON, body.name));
});
