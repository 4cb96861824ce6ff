import { browserConfig } from '../../lib/browser-sessions/config';
import { resetPassword } from '../../lib/composition/password-reset';
import { pageFormRoute } from '../../lib/pages/forms';
import { seeOther } from '../../lib/pages/html';
import { resetPasswordPage } from '../../lib/pages/recovery-pages';
import { config } from '../../lib/platform/config';
import { json } from '../../lib/platform/http';
import { resetBody } from '../../lib/recovery/schemas';

/**
 * POST /api/public/password/reset {"token","new_password"} (JSON, or the
 * reset page's form) → 200, every session of the account ended, nobody
 * signed in; the form goes on to the sign-in page. A bad token: 400
 * invalid_reset_token; a refused password: 400 weak_password, the token still good.
 */
export const handler = pageFormRoute({
  schema: resetBody,
  allowedOrigins: browserConfig.allowedOrigins,
  fromNoReferrerPage: true,
  async handle({ body, form }) {
    const done = await resetPassword(body.token, body.new_password);
    return form ? seeOther('/signin?password_reset=1') : json(200, done);
  },
  refusedPage: (values, shown) =>
    resetPasswordPage({ token: typeof values.token === 'string' ? values.token : '', passwordMinLength: config.passwordMinLength, error: shown.message }),
});
