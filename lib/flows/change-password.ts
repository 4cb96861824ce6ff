import type { ActiveAccount } from '../accounts';
import { passwordAccounts } from '../accounts/hashing';
import { passwordPolicy } from '../accounts/policy';
import { kongCredentials } from '../kong';
import type { Client } from '../platform/http';
import { securityEvent } from '../platform/security-events';
import { protection } from '../protection';
import { sessions, type TokenResponse } from '../token-sessions';
import { currentKey, subjectOf } from './subject';

/**
 * Changes the password after checking the current one, ends every session,
 * and answers fresh tokens. The new password is checked against the rules
 * first, so that a weak one costs no attempt. The current one is checked as
 * an attempt at the username, on the same count as signin: with a stolen
 * access token this route would otherwise be an unthrottled way to guess it.
 * Sessions end before the password changes: if a later step fails, the old
 * password still works and a retry starts over.
 *
 * Its own file, apart from sign-out.ts, so that logout-all does not carry the
 * password rules' dictionaries.
 */
export async function changePassword(account: ActiveAccount, currentPassword: string, newPassword: string, client: Client): Promise<TokenResponse> {
  await passwordPolicy.check(newPassword, account.username, 'new_password');
  await protection.attempt(
    account.username,
    client,
    () => passwordAccounts.checkPassword(account, currentPassword),
    () => ({ event: 'password_change_failed', reason: 'wrong_password' }),
  );
  await sessions.endAll(account.username);
  const key = await currentKey();
  const updated = await kongCredentials.rotate(await passwordAccounts.setPassword(account, newPassword), key);
  securityEvent('password_changed', { username: account.username, reason: 'user_request' });
  return sessions.start(subjectOf(updated, key), client);
}
