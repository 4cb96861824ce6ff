import type { ActiveAccount } from '../accounts';
import { kongCredentials } from '../kong';
import { securityEvent } from '../platform/security-events';
import { sessions } from '../sessions';

/**
 * Ends every session of the account: refresh tokens through the session
 * epoch, access tokens at Kong by rotating the credential they are signed with.
 */
export async function signOutEverywhere(account: ActiveAccount): Promise<void> {
  await sessions.endAll(account.username);
  await kongCredentials.rotate(account);
  securityEvent('signed_out_everywhere', { username: account.username, reason: 'user_request' });
}
