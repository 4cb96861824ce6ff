import { accounts, isActive, type ActiveAccount } from '../accounts';
import { sessions, type SessionState } from '../sessions';
import { accessTokens, type AccessTokenClaims } from '../tokens';
import { verificationKeyFor } from './subject';

export interface CheckedAccessToken {
  account: ActiveAccount;
  claims: AccessTokenClaims;
  /** Whether its session stands: callers decide what `ended` means for them. */
  state: SessionState;
}

/**
 * An access token checked as strictly as Kong's jwt plugin checks it, and for
 * what Kong cannot know: the account it names, the key it must be signed with
 * (subject.ts), and its session's state. Undefined when the token is junk,
 * forged, expired, or names no active account. Protected routes (caller.ts)
 * and introspection both check tokens here.
 */
export async function checkAccessToken(token: string): Promise<CheckedAccessToken | undefined> {
  const claimed = accessTokens.unverifiedClaims(token);
  if (!claimed) return undefined;
  const [account, state] = await Promise.all([accounts.get(claimed.sub), sessions.accessTokenState(claimed)]);
  if (!isActive(account)) return undefined;
  const claims = await accessTokens.verify(token, (unverified) => verificationKeyFor(account, unverified));
  return claims && { account, claims, state };
}
