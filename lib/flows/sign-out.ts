import { accounts, type ActiveAccount } from '../accounts';
import { kongCredentials } from '../kong';
import { sessions, type TokenResponse } from '../sessions';
import { subjectOf } from './subject';

/**
 * Ends every session of the account: refresh tokens through the session
 * epoch, access tokens at Kong by rotating the credential they are signed with.
 */
export async function signOutEverywhere(account: ActiveAccount): Promise<void> {
  await sessions.endAll(account.username);
  await kongCredentials.rotate(account);
}

/**
 * Changes the password after checking the current one, ends every session,
 * and answers fresh tokens. Sessions end before the password changes: if a
 * later step fails, the old password still works and a retry starts over.
 */
export async function changePassword(account: ActiveAccount, currentPassword: string, newPassword: string): Promise<TokenResponse> {
  await accounts.checkPassword(account, currentPassword);
  await sessions.endAll(account.username);
  const updated = await kongCredentials.rotate(await accounts.setPassword(account, newPassword));
  return sessions.start(subjectOf(updated));
}
