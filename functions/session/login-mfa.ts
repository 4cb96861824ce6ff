import { safeNext } from '../../lib/browser-sessions';
import { browserConfig } from '../../lib/composition/browser-sessions';
import { browserSignInCodeBody } from '../../lib/browser-sessions/schemas';
import { browserSignInWithSecondFactor } from '../../lib/composition/browser-second-factor-sign-in';
import { signInCodePage, signInPage } from '../../lib/pages/auth-pages';
import { pageFormRoute } from '../../lib/pages/forms';
import { signedIn } from '../../lib/pages/signed-in';
import { clientOf } from '../../lib/platform/http';
import { normalizeCode } from '../../lib/second-factors/totp';

/**
 * POST /api/session/login/mfa {"mfa_token","code"} (JSON, or the sign-in
 * page's second step): a six-digit code is a TOTP code, anything else a
 * recovery code. Completes the sign-in as /api/session/login does. A wrong
 * code comes back to the same step while the mfa_token has tries left; a
 * spent one goes back to the password.
 */
export const handler = pageFormRoute({
  schema: browserSignInCodeBody,
  allowedOrigins: browserConfig.allowedOrigins,
  async handle({ event, body, form }) {
    const presented = normalizeCode(body.code) ? { code: body.code } : { recovery_code: body.code };
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
