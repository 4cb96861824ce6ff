import { accounts, isActive } from '../accounts';
import { sessions, type TokenResponse } from '../token-sessions';
import { readySubject } from './subject';

/** Rotates a refresh token; the account must still be active, and the current key signs the new access token. */
export function refresh(refreshToken: string): Promise<TokenResponse> {
  return sessions.refresh(refreshToken, async (username) => {
    const account = await accounts.get(username);
    return isActive(account) ? readySubject(account) : undefined;
  });
}
