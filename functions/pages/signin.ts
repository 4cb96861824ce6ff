import { safeNext } from '../../lib/browser-sessions/redirects';
import { signInPage } from '../../lib/pages/auth-pages';
import { htmlResponse } from '../../lib/pages/html';
import { route } from '../../lib/platform/http';

/** GET /signin[?next=<path>]: the sign-in page; a notice for ?registered=1, ?signed_out=1 or ?account_deleted=1. */
export const handler = route(async (event) => {
  const query = event.queryStringParameters ?? {};
  const notice = query.signed_out ? 'signed_out' : query.registered ? 'registered' : query.password_reset ? 'password_reset' : query.account_deleted ? 'account_deleted' : undefined;
  return htmlResponse(200, signInPage({ next: safeNext(query.next), notice }));
});
