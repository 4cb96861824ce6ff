import type { ActiveAccount } from '../accounts';
import { signingKeys, type CurrentKey } from '../keys';
import { credentialKey, kongCredentials } from '../kong';
import { config } from '../platform/config';
import type { TokenSubject } from '../token-sessions';
import { localSigner, secretKey } from '../tokens';

/**
 * Which key signs an account's access tokens. ES256/RS256: the service's
 * current key, with `iss` = the account's Kong credential for that key;
 * HS256: the account's own Kong secret (000/002). Which key verifies them is
 * access-token.ts', apart from here: signing may call the Kong Admin API,
 * verifying never does, and the functions that only verify do not bundle
 * its client.
 */
const publicKeys = config.accessTokenAlgorithm !== 'HS256';

/** The service's current key in ES256/RS256 mode; undefined in HS256 mode, where each account's secret signs. */
export const currentKey = async (): Promise<CurrentKey | undefined> => (publicKeys ? signingKeys.current() : undefined);

/** What signs the account's tokens; `key` is currentKey()'s answer, and Kong has a credential for it (lib/kong). */
export function subjectOf(account: ActiveAccount, key: CurrentKey | undefined): TokenSubject {
  const { id: accountId, username, credential } = account;
  if (credential.kind === 'secret') {
    return { accountId, username, issuer: credential.key, signer: localSigner('HS256', secretKey(credential.secret)) };
  }
  if (!key || !credential.kids.includes(key.kid)) throw new Error('no credential at Kong for the current signing key');
  return { accountId, username, issuer: credentialKey(credential.issuer, key.kid), signer: key.signer };
}

/** Signin: the account's credential checked at Kong (one Admin API call) and repaired if lost. */
export async function signinSubject(account: ActiveAccount): Promise<TokenSubject> {
  const key = await currentKey();
  return subjectOf(await kongCredentials.ensure(account, key), key);
}

/** Refresh: no Admin API call, unless the account has no credential for the current key yet (once per key rotation). */
export async function readySubject(account: ActiveAccount): Promise<TokenSubject> {
  const key = await currentKey();
  const published = key && (await signingKeys.publishedKids());
  return subjectOf(await kongCredentials.ready(account, key, published), key);
}
