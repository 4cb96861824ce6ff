import { isActive } from '../accounts/account';
import type { Accounts } from '../accounts/accounts';
import type { TokenResponse } from '../token-sessions/token-session';
import type { TokenSessions } from '../token-sessions/token-sessions';
import { claimedUsername } from '../tokens/refresh-tokens';
import type { TokenSubjects } from './subject';

export interface RefreshDeps {
  accounts: Pick<Accounts, 'get'>;
  tokenSessions: Pick<TokenSessions, 'refresh'>;
  subjects: Pick<TokenSubjects, 'forRefresh'>;
}

/** Rotates a refresh token; the account must still be active, and the current key signs the new access token. */
export function refreshFlow({ accounts, tokenSessions, subjects }: RefreshDeps) {
  return function refresh(refreshToken: string): Promise<TokenResponse> {
    // The account the token names is read beside its session (one BatchGetItem, lib/platform/dynamodb.ts
    // consistentGet) and used only once the session has vouched for the token and named that same user.
    const claimed = claimedUsername(refreshToken);
    const early = claimed === undefined ? undefined : accounts.get(claimed);
    early?.catch(() => undefined); // a refused token never awaits it
    return tokenSessions.refresh(refreshToken, async (username) => {
      const account = await (early && username === claimed ? early : accounts.get(username));
      return isActive(account) ? subjects.forRefresh(account) : undefined;
    });
  };
}
