import { isActive } from '../../lib/accounts/account';
import { sessionIdFrom } from '../../lib/browser-sessions';
import { accounts } from '../../lib/composition/accounts';
import { browserConfig, browserSessions } from '../../lib/composition/browser-sessions';
import { secondFactorChange } from '../../lib/composition/second-factor-changes';
import { formError } from '../../lib/pages/forms';
import { htmlResponse, seeOther } from '../../lib/pages/html';
import { qrCodeSvg, securityPage, type SecurityPage } from '../../lib/pages/security-page';
import { clientOf, readBody, route, validate } from '../../lib/platform/http';
import { requireSameOrigin } from '../../lib/platform/origin';
import { securityFormBody } from '../../lib/second-factors/browser-schemas';
import { normalizeCode } from '../../lib/second-factors/totp';

/** A six-digit code is a TOTP code; anything else typed there is taken for a recovery code. */
const presented = (code = '') => (normalizeCode(code) ? { code } : { recovery_code: code });

/**
 * GET /security (behind forward-auth): the signed-in user's second factors;
 * POST /security (a same-origin form): one change. The browser session is
 * checked here again from its cookie, not only by the gateway: the page acts
 * on the account it names. Enrolment's secret and the recovery codes are
 * shown in the answer to the post that made them, never stored for display.
 */
export const handler = route(async (event) => {
  const session = await browserSessions.resume(sessionIdFrom(event.headers.cookie, browserConfig.cookieSecure));
  const account = session && (await accounts.get(session.username));
  if (!session || !isActive(account) || account.id !== session.accountId) return seeOther('/signin?next=%2Fsecurity');
  // The page's session is its proof of sign-in: its methods and time decide a step-up; codes count on the username.
  const caller = { account, claims: { amr: session.amr, auth_time: session.authTime } };
  const view = async (extra: Partial<SecurityPage> = {}): Promise<SecurityPage> => {
    const status = await secondFactorChange.status(caller);
    return { username: account.username, totp: status.totp, recoveryCodesLeft: status.recovery_codes_left, ...extra };
  };
  if (event.httpMethod !== 'POST') return htmlResponse(200, securityPage(await view()));

  requireSameOrigin(event, browserConfig.allowedOrigins);
  try {
    const { action, code } = validate(securityFormBody, readBody(event, { forms: true }));
    const client = clientOf(event);
    switch (action) {
      case 'totp-start': {
        const { otpauth_uri, secret } = await secondFactorChange.startTotp(caller);
        return htmlResponse(200, securityPage(await view({ enrolment: { qr: await qrCodeSvg(otpauth_uri), secret } })));
      }
      case 'totp-confirm': {
        const { recovery_codes } = await secondFactorChange.confirmTotp(caller, code ?? '');
        return htmlResponse(200, securityPage(await view({ recoveryCodes: recovery_codes, notice: 'Your authenticator app is on.' })));
      }
      case 'recovery-codes': {
        const { recovery_codes } = await secondFactorChange.regenerateRecoveryCodes(caller, presented(code), client);
        return htmlResponse(200, securityPage(await view({ recoveryCodes: recovery_codes, notice: 'New recovery codes: the old ones no longer work.' })));
      }
      case 'totp-disable':
        await secondFactorChange.disableTotp(caller, presented(code), client);
        return htmlResponse(200, securityPage(await view({ notice: 'Your authenticator app is off.' })));
    }
  } catch (error) {
    const shown = formError(error);
    if (!shown) throw error;
    return htmlResponse(shown.status, securityPage(await view({ error: shown.message })));
  }
});
