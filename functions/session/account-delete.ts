import { accountDeletionBody } from '../../lib/accounts/schemas';
import { clearedCookie, revokedUser } from '../../lib/browser-sessions';
import { browserAccount } from '../../lib/composition/browser-account';
import { browserConfig } from '../../lib/composition/browser-sessions';
import { accountDeletion } from '../../lib/composition/account-ownership';
import { pageFormRoute } from '../../lib/pages/forms';
import { deleteAccountPage } from '../../lib/pages/profile-page';
import { seeOther } from '../../lib/pages/html';
import { clientOf } from '../../lib/platform/http';

/**
 * POST /api/session/account/delete {"password"} (the profile page's form, or
 * JSON): same-origin only (CSRF: pageFormRoute checks Origin before reading
 * the body), the password checked as a counted attempt, then the same erasure
 * as DELETE /api/jwt/account. The cookie is cleared, and the gateway drops its
 * cached answers for the user's sessions (accept_revocations on this route).
 */
export const handler = pageFormRoute({
  schema: accountDeletionBody,
  allowedOrigins: browserConfig.allowedOrigins,
  refusedPage: (_values, shown) => deleteAccountPage(shown.message),
  async handle({ event, body, form }) {
    const account = await browserAccount(event);
    // No access-token claims here: an enrolled second factor is asked for as a code in the form.
    await accountDeletion.deleteOwn({ account, claims: {} }, body, clientOf(event));
    const headers = { 'Set-Cookie': clearedCookie(browserConfig.cookieSecure), ...revokedUser(account.username) };
    if (form) return seeOther('/signin?account_deleted=1', headers);
    return { statusCode: 204, headers: { 'Cache-Control': 'no-store', ...headers }, body: '' };
  },
});
