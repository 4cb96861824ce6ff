import type { ActiveAccount } from '../accounts/account';
import type { KongCredentials } from '../kong/credentials';
import { securityEvent } from '../platform/security-events';
import type { TokenSessions } from '../token-sessions/token-sessions';
import type { TokenSubjects } from './subject';

export interface SignOutEverywhereDeps {
  tokenSessions: Pick<TokenSessions, 'endAll'>;
  kongCredentials: Pick<KongCredentials, 'rotate'>;
  subjects: Pick<TokenSubjects, 'currentKey'>;
}

/**
 * Ends every session of the account, token and browser sessions alike: refresh
 * tokens, browser sessions and (for the API and introspection) access tokens
 * through the sign-out epoch, access tokens at Kong by rotating the
 * credentials they are checked against.
 */
export function signOutEverywhereFlow({ tokenSessions, kongCredentials, subjects }: SignOutEverywhereDeps) {
  return async function signOutEverywhere(account: ActiveAccount): Promise<void> {
    await tokenSessions.endAll(account.username);
    await kongCredentials.rotate(account, await subjects.currentKey());
    securityEvent('signed_out_everywhere', { username: account.username, reason: 'user_request' });
  };
}
