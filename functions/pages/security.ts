import { decodeJwt } from 'jose';
import { isActive } from '../../lib/accounts/account';
import { clearedCookie, deviceCookie, revokedSessionHash, revokedUser, sessionCookie } from '../../lib/browser-sessions';
import { accounts } from '../../lib/composition/accounts';
import { browserConfig, browserSessions } from '../../lib/composition/browser-sessions';
import { changePassword } from '../../lib/composition/password-change';
import { tokenSessions } from '../../lib/composition/token-sessions';
import { config } from '../../lib/platform/config';
import { changeEmail } from '../../lib/composition/email-change';
import { pageIdentity } from '../../lib/composition/page-identity';
import { passkeyChange } from '../../lib/composition/passkey-changes';
import { secondFactorChange } from '../../lib/composition/second-factor-changes';
import { formError } from '../../lib/pages/forms';
import { htmlResponse, seeOther } from '../../lib/pages/html';
import { qrCodeSvg, securityPage, type SecurityPage } from '../../lib/pages/security-page';
import { AppError, invalidRequest } from '../../lib/platform/errors';
import { clientOf, readBody, route, validate } from '../../lib/platform/http';
import { requireSameOrigin } from '../../lib/platform/origin';
import { presentedField, securityFormBody } from '../../lib/second-factors/browser-schemas';
import { normalizeCode } from '../../lib/second-factors/totp';

/** A six-digit code is a TOTP code; anything else typed there is taken for a recovery code. */
const presented = (code = '') => (normalizeCode(code) ? { code } : { recovery_code: code });

/** What the page says for a change refused for want of a recent second factor (the API's message names no way out). */
const STEP_UP_MESSAGE = 'This change needs your second factor: enter a current code, or sign in again with a passkey and try within a few minutes.';

/**
 * GET /security (behind forward-auth): the signed-in user's second factors;
 * POST /security (a same-origin form): one change. The gateway hides the
 * session cookie from it: the user is who the identity token (verified here
 * with the service's keys) says, and the account must still be that one. Enrolment's secret and the recovery codes are
 * shown in the answer to the post that made them, never stored for display.
 */
export const handler = route(async (event) => {
  const identity = await pageIdentity(event);
  const account = identity && (await accounts.get(identity.username));
  if (!identity || !isActive(account) || account.id !== identity.accountId) return seeOther('/signin?next=%2Fsecurity');
  // The session's methods and time (from its identity token) decide a step-up; codes count on the username.
  const caller = { account, claims: { amr: identity.amr, auth_time: identity.authTime } };
  const view = async (extra: Partial<SecurityPage> = {}): Promise<SecurityPage> => {
    const status = await secondFactorChange.status(caller);
    const passkeys = await passkeyChange.list(caller);
    const owner = { id: account.id, username: account.username };
    const [apiSessions, browsers] = await Promise.all([
      tokenSessions.list({ accountId: account.id, username: account.username }),
      browserSessions.listOwn(owner, identity.sessionHash),
    ]);
    return { username: account.username, totp: status.totp, recoveryCodesLeft: status.recovery_codes_left, email: account.email, emailVerified: account.emailVerified, passkeys, tokenSessions: apiSessions, browserSessions: browsers, ...extra };
  };
  if (event.httpMethod !== 'POST') {
    // app.js comes back here after adding a passkey: a fixed notice for a flag, nothing from the URL shown.
    const added = event.queryStringParameters?.passkey_added !== undefined;
    const changed = event.queryStringParameters?.password_changed !== undefined;
    const notice = added ? 'Your passkey was added.' : changed ? 'Your password was changed. Every other session was ended.' : undefined;
    return htmlResponse(200, securityPage(await view(notice ? { notice } : {})));
  }

  requireSameOrigin(event, browserConfig.allowedOrigins);
  try {
    const { action, code, new_email, current_password, credential_id, name, session_id, new_password } = validate(securityFormBody, readBody(event, { forms: true }));
    const client = clientOf(event);
    switch (action) {
      case 'totp-start': {
        const { otpauth_uri, secret } = await secondFactorChange.startTotp(caller);
        return htmlResponse(200, securityPage(await view({ enrolment: { qr: qrCodeSvg(otpauth_uri), secret } })));
      }
      case 'totp-confirm': {
        const { recovery_codes } = await secondFactorChange.confirmTotp(caller, code ?? '');
        return htmlResponse(200, securityPage(await view({ recoveryCodes: recovery_codes, notice: 'Your authenticator app is on.' })));
      }
      case 'recovery-codes': {
        const { recovery_codes } = await secondFactorChange.regenerateRecoveryCodes(caller, presented(code), client);
        return htmlResponse(200, securityPage(await view({ recoveryCodes: recovery_codes, notice: 'New recovery codes: the old ones no longer work.' })));
      }
      case 'email-change': {
        // The API's flow as is: a wrong password is a failed attempt (on the username, as the page's code checks are), a second factor is stepped up.
        if (!new_email) throw invalidRequest('new_email: is required');
        if (!current_password) throw invalidRequest('current_password: is required');
        await changeEmail(account, current_password ?? '', new_email, client, caller.claims, code ? presented(code) : {});
        return htmlResponse(200, securityPage(await view({ notice: `A link is on its way to ${new_email}. Your address changes when you open it.` })));
      }
      case 'passkey-rename':
        if (!credential_id) throw invalidRequest('credential_id: is required');
        await passkeyChange.rename(caller, credential_id, name ?? '');
        return htmlResponse(200, securityPage(await view({ notice: 'Your passkey was renamed.' })));
      case 'passkey-remove':
        if (!credential_id) throw invalidRequest('credential_id: is required');
        // The token API's rule: a code, or a session whose second factor is recent (an empty field is no code).
        await passkeyChange.remove(caller, credential_id, presentedField(code), client);
        return htmlResponse(200, securityPage(await view({ notice: 'Your passkey was removed.' })));
      case 'session-end': {
        if (!session_id) throw invalidRequest('session_id: is required');
        const owner = { accountId: account.id, username: account.username };
        // A token session's id is a UUID (end-session.ts); anything else is taken for a browser session's hash. Not the caller's: 404.
        if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(session_id)) {
          await tokenSessions.endOwn(owner, session_id);
          return htmlResponse(200, securityPage(await view({ notice: 'The session was ended.' })));
        }
        await browserSessions.endOwn({ id: account.id, username: account.username }, session_id);
        // The gateway drops its cached answer for that session at once (this route accepts revocations, kong.yml).
        const revoked = revokedSessionHash(session_id);
        if (session_id === identity.sessionHash) return seeOther('/signin?signed_out=1', { 'Set-Cookie': clearedCookie(browserConfig.cookieSecure), ...revoked });
        return htmlResponse(200, securityPage(await view({ notice: 'The session was ended.' })), revoked);
      }
      case 'password-change': {
        if (!current_password) throw invalidRequest('current_password: is required');
        if (!new_password) throw invalidRequest('new_password: is required');
        // PUT /api/jwt/password's flow as is: policy, attempt, step-up, every session ended (the epoch ends the
        // browser ones), Kong credentials rotated, the notice mailed. The API answers its caller a fresh session;
        // here the fresh session is this browser's: a new cookie, and the token session the flow started for an API
        // caller is ended at once (nobody holds its tokens).
        const tokens = await changePassword(account, current_password, new_password, client, caller.claims, presentedField(code));
        const sid = decodeJwt(tokens.access_token).sid;
        if (typeof sid === 'string') await tokenSessions.endOwn({ accountId: account.id, username: account.username }, sid);
        const secondFactor = presentedField(code).code !== undefined || presentedField(code).recovery_code !== undefined || identity.amr?.includes('mfa');
        const { id } = await browserSessions.start(
          { id: account.id, username: account.username, email: account.email, firstName: account.firstName },
          { amr: secondFactor ? ['pwd', 'otp', 'mfa'] : ['pwd'], authTime: Math.floor(Date.now() / 1000) },
        );
        const secure = browserConfig.cookieSecure;
        const answer = seeOther('/security?password_changed=1', revokedUser(account.username));
        return { ...answer, multiValueHeaders: { 'Set-Cookie': [sessionCookie(id, secure), deviceCookie(tokens.device_token, secure, config.deviceTokenTtlSeconds)] } };
      }
      case 'totp-disable':
        await secondFactorChange.disableTotp(caller, presented(code), client);
        return htmlResponse(200, securityPage(await view({ notice: 'Your authenticator app is off.' })));
    }
  } catch (error) {
    const shown = formError(error);
    if (!shown) throw error;
    const message = error instanceof AppError && error.code === 'mfa_required' ? STEP_UP_MESSAGE : shown.message;
    return htmlResponse(shown.status, securityPage(await view({ error: message })));
  }
});
