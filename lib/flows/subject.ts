import type { ActiveAccount } from '../accounts/account';
import type { CurrentKey, SigningKeys } from '../keys/signing-keys';
import { credentialKey, type KongCredentials } from '../kong/credentials';
import type { TokenSubject } from '../token-sessions/token-session';
import { secretKey } from '../tokens/access-tokens';
import { localSigner } from '../tokens/signer';

export interface TokenSubjectsDeps {
  kongCredentials: Pick<KongCredentials, 'ensure' | 'ready'>;
  /**
   * The service's keys in ES256/RS256 mode; absent in HS256 mode, where each
   * account's own Kong secret signs its tokens (000/002).
   */
  signingKeys?: Pick<SigningKeys, 'current' | 'publishedKids'>;
}

/**
 * Which key signs an account's access tokens. ES256/RS256: the service's
 * current key, with `ckey` = the account's Kong credential for that key;
 * HS256: the account's own Kong secret. Which key verifies them is
 * access-token.ts', apart from here: signing may call the Kong Admin API,
 * verifying never does.
 */
export function tokenSubjects({ kongCredentials, signingKeys }: TokenSubjectsDeps) {
  /** The service's current key in ES256/RS256 mode; undefined in HS256 mode. */
  const currentKey = async (): Promise<CurrentKey | undefined> => signingKeys?.current();

  /** What signs the account's tokens; `key` is currentKey()'s answer, and Kong has a credential for it (lib/kong). */
  function subjectOf(account: ActiveAccount, key: CurrentKey | undefined): TokenSubject {
    const { id: accountId, username, credential } = account;
    if (credential.kind === 'secret') {
      return { accountId, username, credentialKey: credential.key, signer: localSigner('HS256', secretKey(credential.secret)) };
    }
    if (!key || !credential.kids.includes(key.kid)) throw new Error('no credential at Kong for the current signing key');
    return { accountId, username, credentialKey: credentialKey(credential.issuer, key.kid), signer: key.signer };
  }

  /** Sign-in: the account's credential checked at Kong (one Admin API call) and repaired if lost. */
  async function forSignIn(account: ActiveAccount): Promise<TokenSubject> {
    const key = await currentKey();
    return subjectOf(await kongCredentials.ensure(account, key), key);
  }

  /** Refresh: no Admin API call, unless the account has no credential for the current key yet (once per key rotation). */
  async function forRefresh(account: ActiveAccount): Promise<TokenSubject> {
    const key = await currentKey();
    const published = key && (await signingKeys?.publishedKids());
    return subjectOf(await kongCredentials.ready(account, key, published), key);
  }

  return { currentKey, subjectOf, forSignIn, forRefresh };
}

export type TokenSubjects = ReturnType<typeof tokenSubjects>;
