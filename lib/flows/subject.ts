import type { ActiveAccount } from '../accounts';
import { signingKeys, type CurrentKey } from '../keys';
import { credentialKey, kongCredentials } from '../kong';
import { config } from '../platform/config';
import type { SessionSubject } from '../sessions';
import { localSigner, secretKey, type UnverifiedClaims, type VerificationKey } from '../tokens';

/**
 * Which key signs an account's access tokens, and which key verifies them.
 * ES256/RS256: the service's current key, with `iss` = the account's Kong
 * credential for that key; HS256: the account's own Kong secret (000/002).
 */
const publicKeys = config.accessTokenAlgorithm !== 'HS256';

/** The service's current key in ES256/RS256 mode; undefined in HS256 mode, where each account's secret signs. */
export const currentKey = async (): Promise<CurrentKey | undefined> => (publicKeys ? signingKeys.current() : undefined);

/** What signs the account's tokens; `key` is currentKey()'s answer, and Kong has a credential for it (lib/kong). */
export function subjectOf(account: ActiveAccount, key: CurrentKey | undefined): SessionSubject {
  const { id: accountId, username, credential } = account;
  if (credential.kind === 'secret') {
    return { accountId, username, issuer: credential.key, signer: localSigner('HS256', secretKey(credential.secret)) };
  }
  if (!key || !credential.kids.includes(key.kid)) throw new Error('no credential at Kong for the current signing key');
  return { accountId, username, issuer: credentialKey(credential.issuer, key.kid), signer: key.signer };
}

/** Signin: the account's credential checked at Kong (one Admin API call) and repaired if lost. */
export async function signinSubject(account: ActiveAccount): Promise<SessionSubject> {
  const key = await currentKey();
  return subjectOf(await kongCredentials.ensure(account, key), key);
}

/** Refresh: no Admin API call, unless the account has no credential for the current key yet (once per key rotation). */
export async function readySubject(account: ActiveAccount): Promise<SessionSubject> {
  const key = await currentKey();
  const published = key && (await signingKeys.publishedKids());
  return subjectOf(await kongCredentials.ready(account, key, published), key);
}

/**
 * The key a token of `account` verifies with, as Kong's jwt plugin would
 * find it: by `iss`, which must be the account's credential key, and for
 * public keys by the header's `kid`, which must be published and one the
 * account has a credential for.
 */
export async function verificationKeyFor(account: ActiveAccount, claimed: UnverifiedClaims): Promise<VerificationKey | undefined> {
  const { credential } = account;
  if (credential.kind === 'secret') {
    if (claimed.kid !== undefined || claimed.iss !== credential.key) return undefined;
    return { issuer: credential.key, algorithm: 'HS256', key: secretKey(credential.secret) };
  }
  if (claimed.kid === undefined || !credential.kids.includes(claimed.kid)) return undefined;
  const issuer = credentialKey(credential.issuer, claimed.kid);
  if (claimed.iss !== issuer) return undefined;
  const key = await signingKeys.verificationKey(claimed.kid);
  return key && { issuer, algorithm: key.algorithm, key: key.key };
}
