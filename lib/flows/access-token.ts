import { isActive, type ActiveAccount } from '../accounts/account';
import type { Accounts } from '../accounts/accounts';
import type { SigningKeys } from '../keys/signing-keys';
import { credentialKey } from '../kong/credentials';
import type { TokenSessionState } from '../token-sessions/token-session';
import type { TokenSessions } from '../token-sessions/token-sessions';
import type { VerifyingAccessTokens } from '../tokens/access-token-verifier';
import { secretKey, type AccessTokenClaims, type UnverifiedClaims, type VerificationKey } from '../tokens/access-tokens';

export interface CheckedAccessToken {
  account: ActiveAccount;
  claims: AccessTokenClaims;
  /** Whether its session stands: callers decide what `ended` means for them. */
  state: TokenSessionState;
}

export interface AccessTokenCheckDeps {
  accounts: Pick<Accounts, 'get'>;
  tokenSessions: Pick<TokenSessions, 'accessTokenState'>;
  accessTokens: Pick<VerifyingAccessTokens, 'unverifiedClaims' | 'verify'>;
  signingKeys: Pick<SigningKeys, 'verificationKey'>;
}

export type CheckAccessToken = (token: string) => Promise<CheckedAccessToken | undefined>;

/**
 * An access token checked as strictly as Kong's jwt plugin checks it, and for
 * what Kong cannot know: the account it names, the key it must be signed with
 * (verificationKeyFor), and its session's state. Undefined when the token is junk,
 * forged, expired, or names no active account. Protected routes (caller.ts)
 * and introspection both check tokens here.
 */
export function accessTokenCheck(deps: AccessTokenCheckDeps): CheckAccessToken {
  const { accounts, tokenSessions, accessTokens, signingKeys } = deps;
  return async function checkAccessToken(token) {
    const claimed = accessTokens.unverifiedClaims(token);
    if (!claimed) return undefined;
    const [account, state] = await Promise.all([accounts.get(claimed.sub), tokenSessions.accessTokenState(claimed)]);
    if (!isActive(account)) return undefined;
    const claims = await accessTokens.verify(token, (unverified) => verificationKeyFor(signingKeys, account, unverified));
    return claims && { account, claims, state };
  };
}

/**
 * The key a token of `account` verifies with, as Kong's jwt plugin would
 * find it: by the credential key claim (`ckey`), which must be the account's, and for
 * public keys by the header's `kid`, which must be published and one the
 * account has a credential for.
 */
export async function verificationKeyFor(
  signingKeys: Pick<SigningKeys, 'verificationKey'>,
  account: ActiveAccount,
  claimed: UnverifiedClaims,
): Promise<VerificationKey | undefined> {
  const { credential } = account;
  if (credential.kind === 'secret') {
    if (claimed.kid !== undefined || claimed.ckey !== credential.key) return undefined;
    return { credentialKey: credential.key, algorithm: 'HS256', key: secretKey(credential.secret) };
  }
  if (claimed.kid === undefined || !credential.kids.includes(claimed.kid)) return undefined;
  const expected = credentialKey(credential.issuer, claimed.kid);
  if (claimed.ckey !== expected) return undefined;
  const key = await signingKeys.verificationKey(claimed.kid);
  return key && { credentialKey: expected, algorithm: key.algorithm, key: key.key };
}
