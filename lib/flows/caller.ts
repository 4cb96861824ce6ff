import { accounts, isActive, type ActiveAccount } from '../accounts';
import { invalidToken } from '../platform/errors';
import type { Event } from '../platform/http';
import { sessions } from '../sessions';
import { accessTokens, bearerToken, type AccessTokenClaims } from '../tokens';
import { subjectOf } from './subject';

export interface Caller {
  account: ActiveAccount;
  claims: AccessTokenClaims;
}

/**
 * Authenticates a request on a protected route. Kong's jwt plugin has already
 * checked the token, but the API must not trust that it sits behind Kong:
 * a request sent to it directly with forged X-Consumer-* headers is refused
 * because the bearer token is verified again against the account's credential.
 * Kong cannot know about revocations either: they are checked here.
 */
export async function authenticateCaller(event: Event): Promise<Caller> {
  const token = bearerToken(event.headers.authorization);
  const claimed = token ? accessTokens.unverifiedClaims(token) : undefined;
  if (!token || !claimed) throw invalidToken();

  const [account, live] = await Promise.all([accounts.get(claimed.sub), sessions.isLive(claimed)]);
  if (!isActive(account) || !live) throw invalidToken();
  const claims = await accessTokens.verify(token, ({ iss }) => (iss === account.credential.key ? subjectOf(account).signingKey : undefined));
  if (!claims) throw invalidToken();

  // Kong sets these from the credential it matched; they must agree.
  const { 'x-consumer-id': consumerId, 'x-consumer-username': consumerUsername } = event.headers;
  if ((consumerId && consumerId !== account.credential.consumerId) || (consumerUsername && consumerUsername !== account.username)) {
    throw invalidToken();
  }
  return { account, claims };
}
