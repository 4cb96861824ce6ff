import { browserConfig } from '../../lib/browser-sessions/config';
import { verifyEmail } from '../../lib/composition/email-verification';
import { pageFormRoute } from '../../lib/pages/forms';
import { htmlResponse } from '../../lib/pages/html';
import { verifyEmailPage } from '../../lib/pages/recovery-pages';
import { json } from '../../lib/platform/http';
import { verifyBody } from '../../lib/recovery/schemas';

/** POST /api/public/email/verify {"token"} (JSON, or the verify page's button) → 200: the address is verified. A bad token: 400 invalid_verification_token. */
export const handler = pageFormRoute({
  schema: verifyBody,
  allowedOrigins: browserConfig.allowedOrigins,
  fromNoReferrerPage: true,
  async handle({ body, form }) {
    const verified = await verifyEmail(body.token);
    return form ? htmlResponse(200, verifyEmailPage({ notice: 'Your email address is confirmed. Thank you.' })) : json(200, verified);
  },
  refusedPage: (_values, shown) => verifyEmailPage({ error: shown.message }),
});
