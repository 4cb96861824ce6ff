import type { ActiveAccount } from '../accounts';
import { kongCredentials } from '../kong';
import { securityEvent } from '../platform/security-events';
import { sessions } from '../token-sessions';
import { currentKey } from './subject';

/**
 * Ends every session of the account: refresh tokens and (for the API and
 * introspection) access tokens through the session epoch, access tokens at
 * Kong by rotating the credentials they are checked against.
 */
export async function signOutEverywhere(account: ActiveAccount): Promise<void> {
  await sessions.endAll(account.username);
  await kongCredentials.rotate(account, await currentKey());
  securityEvent('signed_out_everywhere', { username: account.username, reason: 'user_request' });
}
