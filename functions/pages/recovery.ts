import { resetPasswordPage, forgotPasswordPage, verifyEmailPage } from '../../lib/pages/recovery-pages';
import { htmlResponse } from '../../lib/pages/html';
import { config } from '../../lib/platform/config';
import { route } from '../../lib/platform/http';

/** The token is in these pages' URL: no Referer carries it anywhere, not even to the page's own assets. */
const NO_REFERRER = { 'Referrer-Policy': 'no-referrer' };

const tokenOf = (query: Record<string, string | undefined>) => (query.token ?? '').slice(0, 128);

/**
 * GET /password/forgot, /password/reset?token=…, /email/verify?token=…: the
 * forms only. A GET never spends a token (mail scanners follow links): the
 * form's POST does.
 */
export const handler = route(async (event) => {
  const query = event.queryStringParameters ?? {};
  switch (event.path) {
    case '/password/reset':
      return htmlResponse(200, resetPasswordPage({ token: tokenOf(query), passwordMinLength: config.passwordMinLength }), NO_REFERRER);
    case '/email/verify':
      return htmlResponse(200, verifyEmailPage({ token: tokenOf(query) }), NO_REFERRER);
    default:
      // No token here: the pages' usual Referrer-Policy.
      return htmlResponse(200, forgotPasswordPage());
  }
});
