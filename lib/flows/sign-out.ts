import { accounts, type ActiveAccount } from '../accounts';
import { kongCredentials } from '../kong';
import { sessions, type TokenResponse } from '../sessions';
import { currentKey, subjectOf } from './subject';

/**
 * Ends every session of the account: refresh tokens and (for the API and
 * introspection) access tokens through the session epoch, access tokens at
 * Kong by rotating the credentials they are checked against.
 */
export async function signOutEverywhere(account: ActiveAccount): Promise<void> {
  await sessions.endAll(account.username);
  await kongCredentials.rotate(account, await currentKey());
}

/**
 * Changes the password after checking the current one, ends every session,
 * and answers fresh tokens. Sessions end before the password changes: if a
 * later step fails, the old password still works and a retry starts over.
 */
export async function changePassword(account: ActiveAccount, currentPassword: string, newPassword: string): Promise<TokenResponse> {
  await accounts.checkPassword(account, currentPassword);
  await sessions.endAll(account.username);
  const key = await currentKey();
  const updated = await kongCredentials.rotate(await accounts.setPassword(account, newPassword), key);
  return sessions.start(subjectOf(updated, key));
}
