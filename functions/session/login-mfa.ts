import { DEFAULT_AFTER_SIGNIN, safeNext } from '../../lib/browser-sessions';
import { browserConfig } from '../../lib/composition/browser-sessions';
import { browserSignInCodeBody } from '../../lib/browser-sessions/schemas';
import { browserSignInWithSecondFactor } from '../../lib/composition/browser-second-factor-sign-in';
import { signInCodePage, signInPage } from '../../lib/pages/auth-pages';
import { pageFormRoute } from '../../lib/pages/forms';
import { signedIn } from '../../lib/pages/signed-in';
import { clientOf } from '../../lib/platform/http';
import { normalizeCode } from '../../lib/second-factors/totp';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';

/**
 * POST /api/session/login/mfa {"mfa_token","code"} (JSON, or the sign-in
 * page's second step): a six-digit code is a TOTP code, anything else a
 * recovery code; or {"mfa_token","passkey","next"} (JSON only: the page's
 * "Use a passkey", app.js) with the assertion to the first step's
 * passkey_options, as /api/public/signin/mfa takes it, answered with
 * `redirect_to` as the passkey sign-in is. Completes the sign-in as
 * /api/session/login does. A wrong code comes back to the same step while
 * the mfa_token has tries left; a spent one goes back to the password.
 */
export const handler = pageFormRoute({
  schema: browserSignInCodeBody,
  allowedOrigins: browserConfig.allowedOrigins,
  async handle({ event, body, form }) {
    if (body.passkey !== undefined) {
      // A form cannot carry an assertion: this is app.js's JSON call, answered as the passkey sign-in's.
      const started = await browserSignInWithSecondFactor(body.mfa_token, { passkey: body.passkey as unknown as AuthenticationResponseJSON }, clientOf(event));
      return signedIn(event, started, false, undefined, { redirect_to: safeNext(body.next) ?? DEFAULT_AFTER_SIGNIN });
    }
    const code = body.code ?? '';
    const presented = normalizeCode(code) ? { code } : { recovery_code: code };
    const started = await browserSignInWithSecondFactor(body.mfa_token, presented, clientOf(event));
    return signedIn(event, started, form, body.next);
  },
  refusedPage: (values, shown) => {
    const next = safeNext(typeof values.next === 'string' ? values.next : undefined);
    const mfaToken = typeof values.mfa_token === 'string' ? values.mfa_token : '';
    if (shown.message === 'Invalid code' && mfaToken) return signInCodePage({ mfaToken, next, error: shown.message });
    return signInPage({ next, error: shown.message });
  },
});
