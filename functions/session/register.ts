import { browserConfig, safeNext } from '../../lib/browser-sessions';
import { echoed, formError } from '../../lib/browser-sessions/forms';
import { registerBody } from '../../lib/browser-sessions/schemas';
import { register } from '../../lib/flows/browser-register';
import { registerPage } from '../../lib/pages/auth-pages';
import { htmlResponse, seeOther } from '../../lib/pages/html';
import { isFormPost, json, readBody, route, validate, clientOf } from '../../lib/platform/http';
import { requireSameOrigin } from '../../lib/platform/origin';

/**
 * POST /api/session/register {"username","password","email","first_name"}
 * (JSON, or the register page's form) → 201 with the account; the form
 * goes on to the sign-in page, or comes back with what was wrong.
 */
export const handler = route(async (event) => {
  requireSameOrigin(event, browserConfig.allowedOrigins);
  const form = isFormPost(event);
  let values: Record<string, unknown> = {};
  try {
    values = readBody(event, { forms: true });
    const body = validate(registerBody, values);
    const account = await register(body.username, body.password, body.email, body.first_name, clientOf(event));
    if (!form) return json(201, account);
    const next = safeNext(body.next);
    return seeOther(`/signin?registered=1${next ? `&next=${encodeURIComponent(next)}` : ''}`);
  } catch (error) {
    const shown = form ? formError(error) : undefined;
    if (!shown) throw error;
    const page = registerPage({
      next: safeNext(values.next),
      values: echoed(values, ['username', 'email', 'first_name']),
      error: shown.message,
      invalid: shown.field,
    });
    return htmlResponse(shown.status, page);
  }
});
