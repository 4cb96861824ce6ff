import { browserConfig, safeNext } from '../../lib/browser-sessions';
import { browserSignUpBody } from '../../lib/browser-sessions/schemas';
import { browserSignUp } from '../../lib/composition/browser-sign-up';
import { signUpPage } from '../../lib/pages/auth-pages';
import { echoed, pageFormRoute } from '../../lib/pages/forms';
import { seeOther } from '../../lib/pages/html';
import { config } from '../../lib/platform/config';
import { clientOf, json } from '../../lib/platform/http';

/**
 * POST /api/session/register {"username","password","email","first_name"}
 * (JSON, or the register page's form) → 201 with the account; the form
 * goes on to the sign-in page, or comes back with what was wrong.
 */
export const handler = pageFormRoute({
  schema: browserSignUpBody,
  allowedOrigins: browserConfig.allowedOrigins,
  async handle({ event, body, form }) {
    const account = await browserSignUp(body.username, body.password, body.email, body.first_name, clientOf(event));
    if (!form) return json(201, account);
    const next = safeNext(body.next);
    return seeOther(`/signin?registered=1${next ? `&next=${encodeURIComponent(next)}` : ''}`);
  },
  refusedPage: (values, shown) =>
    signUpPage({
      passwordMinLength: config.passwordMinLength,
      next: safeNext(values.next),
      values: echoed(values, ['username', 'email', 'first_name']),
      error: shown.message,
      invalid: shown.field,
    }),
});
