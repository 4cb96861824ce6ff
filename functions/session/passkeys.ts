import { browserCaller } from '../../lib/composition/browser-account';
import { browserConfig } from '../../lib/composition/browser-sessions';
import { passkeyRegistrar } from '../../lib/composition/passkey-registration';
import { browserPasskeyOptionsBody, browserPasskeyRegisterBody } from '../../lib/passkeys/browser-schemas';
import { clientOf, json, readBody, route, validate } from '../../lib/platform/http';
import { requireSameOrigin } from '../../lib/platform/origin';
import { presentedField } from '../../lib/second-factors/browser-schemas';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';

/**
 * The security page's "Add a passkey" (its script, app.js), for the browser
 * session's account (its cookie; 401 login_required without a live one):
 * POST /api/session/passkeys/options {"code"?} → the options for
 * navigator.credentials.create() (a single-use challenge bound to this
 * account, its passkeys excluded). The token API's rule (passkeyRegistration):
 * with a second factor enrolled, a current code or a session whose second
 * factor is recent, else 403 mfa_required;
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
  const caller = await browserCaller(event);
  if (event.path.endsWith('/options')) {
    const { code } = validate(browserPasskeyOptionsBody, event.body ? readBody(event) : {});
    return json(200, await passkeyRegistrar.registrationOptions(caller, presentedField(code), clientOf(event)));
  }
  const body = validate(browserPasskeyRegisterBody, readBody(event));
  return json(201, await passkeyRegistrar.register(caller, body.response as unknown as RegistrationResponseJSON, body.name));
});
