import { isActive } from '../accounts/account';
import type { Accounts } from '../accounts/accounts';
import type { TokenResponse } from '../token-sessions/token-session';
import type { TokenSessions } from '../token-sessions/token-sessions';
import type { TokenSubjects } from './subject';

export interface RefreshDeps {
  accounts: Pick<Accounts, 'get'>;
  tokenSessions: Pick<TokenSessions, 'refresh'>;
  subjects: Pick<TokenSubjects, 'forRefresh'>;
}

/** Rotates a refresh token; the account must still be active, and the current key signs the new access token. */
export function refreshFlow({ accounts, tokenSessions, subjects }: RefreshDeps) {
  return function refresh(refreshToken: string): Promise<TokenResponse> {
    return tokenSessions.refresh(refreshToken, async (username) => {
      const account = await accounts.get(username);
      return isActive(account) ? subjects.forRefresh(account) : undefined;
    });
  };
}
