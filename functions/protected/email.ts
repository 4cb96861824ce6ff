import { authenticateCaller } from '../../lib/composition/caller';
import { passwordAccounts } from '../../lib/composition/password-accounts';
import { protection } from '../../lib/composition/protection';
import { recovery } from '../../lib/composition/recovery';
import { clientOf, json, jsonRoute } from '../../lib/platform/http';
import { emailChangeBody } from '../../lib/recovery/schemas';

/**
 * POST /api/jwt/email {"current_password","new_email"} → 202: a link to the
 * new address, a notice to the old; the old stays until the link is used.
 * The password is checked as an attempt on the caller's session lane, as the
 * password change checks it (a stolen access token guesses no faster).
 */
export const handler = jsonRoute(emailChangeBody, async (event) => {
  const { account, claims } = await authenticateCaller(event);
  const client = clientOf(event);
  await protection.attempt(
    account.username,
    client,
    () => passwordAccounts.checkPassword(account, event.body.current_password),
    () => ({ event: 'password_change_failed', reason: 'wrong_password_email_change' }),
    `session#${claims.sid}`,
  );
  return json(202, await recovery.requestEmailChange(account, event.body.new_email, client));
});
