import { DEFAULT_AFTER_SIGNIN, safeNext } from '../../lib/browser-sessions';
import { browserSignInWithPasskey } from '../../lib/composition/browser-passkey-sign-in';
import { browserConfig } from '../../lib/composition/browser-sessions';
import { passkeys } from '../../lib/composition/passkeys';
import { browserPasskeyLoginBody } from '../../lib/passkeys/browser-schemas';
import { signedIn } from '../../lib/pages/signed-in';
import { clientOf, json, readBody, route, validate } from '../../lib/platform/http';
import { requireSameOrigin } from '../../lib/platform/origin';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';

/**
 * The sign-in page's "Sign in with a passkey" (its script, app.js):
 * POST /api/session/passkey/options → the options for
 * navigator.credentials.get() (no allowCredentials: the request names no
 * user), a fresh single-use challenge;
 * POST /api/session/passkey/login {"response","next"} → the same session
 * cookie and device cookie as /api/session/login, and `redirect_to`: `next`
 * if it is a path on this site (safeNext, the sign-in form's rule), else the
 * profile page.
 *
 * CSRF as /api/session/login: Sec-Fetch-Site and Origin checked before the
 * body is read (login CSRF included), and JSON only (readBody refuses a
 * form or text/plain body, which another site could post without a
 * preflight).
 */
export const handler = route(async (event) => {
  requireSameOrigin(event, browserConfig.allowedOrigins);
  if (event.path.endsWith('/options')) return json(200, await passkeys.authenticationOptions());
  const body = validate(browserPasskeyLoginBody, readBody(event));
  const started = await browserSignInWithPasskey(body.response as unknown as AuthenticationResponseJSON, clientOf(event));
  // A script's call: JSON, and the page goes where redirect_to says (app.js).
  return signedIn(event, started, false, undefined, { redirect_to: safeNext(body.next) ?? DEFAULT_AFTER_SIGNIN });
});
