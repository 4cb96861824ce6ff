import { deviceTokenFrom, safeNext } from '../../lib/browser-sessions';
import { browserConfig } from '../../lib/composition/browser-sessions';
import { browserSignInBody } from '../../lib/browser-sessions/schemas';
import { browserSignIn } from '../../lib/composition/browser-sign-in';
import { signInCodePage, signInPage } from '../../lib/pages/auth-pages';
import { echoed, pageFormRoute } from '../../lib/pages/forms';
import { htmlResponse } from '../../lib/pages/html';
import { signedIn } from '../../lib/pages/signed-in';
import { AppError } from '../../lib/platform/errors';
import { clientOf } from '../../lib/platform/http';


/**
 * POST /api/session/login {"username","password"} (JSON, or the sign-in
 * page's form) → a new session in the JSESSIONID cookie, and a new device
 * token in the device cookie (whose old one, if valid for this user, spared
 * the attempt others' failures on the name). The form goes on to `next` (a
 * path on this site) or the profile page, or comes back to the sign-in page
 * with the error. Same 401 for an unknown user and a wrong password.
 */
export const handler = pageFormRoute({
  schema: browserSignInBody,
  allowedOrigins: browserConfig.allowedOrigins,
  async handle({ event, body, form }) {
    const secure = browserConfig.cookieSecure;
    try {
      const started = await browserSignIn(body.username, body.password, clientOf(event), deviceTokenFrom(event.headers.cookie, secure));
      return await signedIn(event, started, form, body.next);
    } catch (error) {
      // A right password of an account with a second factor: the form's second step; a script gets the 403 with its mfa_token.
      const details = error instanceof AppError && error.code === 'mfa_required' ? error.details : undefined;
      const mfaToken = details?.mfa_token;
      if (!form || typeof mfaToken !== 'string') throw error;
      // 403 as the JSON answer is: no session yet, the second step's page instead, with the passkey's options when the account has one.
      const methods = Array.isArray(details?.methods) ? (details.methods as string[]) : [];
      return htmlResponse(403, signInCodePage({ mfaToken, next: safeNext(body.next), methods, passkeyOptions: details?.passkey_options }));
    }
  },
  refusedPage: (values, shown) => signInPage({ next: safeNext(values.next), username: echoed(values, ['username']).username, error: shown.message }),
});
