import { browserConfig } from '../../lib/browser-sessions/config';
import { recovery } from '../../lib/composition/recovery';
import { pageFormRoute } from '../../lib/pages/forms';
import { htmlResponse } from '../../lib/pages/html';
import { forgotPasswordPage } from '../../lib/pages/recovery-pages';
import { clientOf, json } from '../../lib/platform/http';
import { recoveryRequestBody } from '../../lib/recovery/schemas';

/**
 * POST /api/public/password/forgot {"username"} or {"email"} (JSON, or the
 * forgot page's form) → 202, the same body in about the same time whether or
 * not an account matches (OWASP Forgot Password cheat sheet).
 */
export const handler = pageFormRoute({
  schema: recoveryRequestBody,
  allowedOrigins: browserConfig.allowedOrigins,
  async handle({ event, body, form }) {
    const accepted = await recovery.forgotPassword(body, clientOf(event));
    return form ? htmlResponse(202, forgotPasswordPage({ notice: accepted.message })) : json(202, accepted);
  },
  refusedPage: (_values, shown) => forgotPasswordPage({ error: shown.message }),
});
