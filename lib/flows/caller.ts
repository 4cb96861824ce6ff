import type { ActiveAccount } from '../accounts/account';
import { invalidToken } from '../platform/errors';
import type { Event } from '../platform/http';
import { bearerToken, type AccessTokenClaims } from '../tokens/access-tokens';
import type { CheckAccessToken } from './access-token';

export interface Caller {
  account: ActiveAccount;
  claims: AccessTokenClaims;
}

export type AuthenticateCaller = (event: Event, options?: { allowEnded?: boolean }) => Promise<Caller>;

/**
 * Authenticates a request on a protected route. Kong's jwt plugin has already
 * checked the token, but the API must not trust that it sits behind Kong:
 * a request sent to it directly with forged X-Consumer-* headers is refused
 * because the bearer token is verified again against the account's credential.
 * Kong cannot know about revocations either: they are checked here.
 *
 * `allowEnded`: a session ended by ending all sessions still authenticates,
 * for the routes that end all sessions themselves (sign-out everywhere,
 * password change), so that one that failed midway can be retried with the
 * same token; Kong refuses that token anyway once the credentials are rotated.
 */
export function callerAuthentication({ checkAccessToken }: { checkAccessToken: CheckAccessToken }): AuthenticateCaller {
  return async function authenticateCaller(event, { allowEnded = false } = {}) {
    const token = bearerToken(event.headers.authorization);
    const checked = token ? await checkAccessToken(token) : undefined;
    if (!checked || checked.state === 'revoked' || (checked.state === 'ended' && !allowEnded)) throw invalidToken();
    const { account, claims } = checked;

    // Kong sets these from the credential it matched; they must agree.
    const { 'x-consumer-id': consumerId, 'x-consumer-username': consumerUsername } = event.headers;
    if ((consumerId && consumerId !== account.credential.consumerId) || (consumerUsername && consumerUsername !== account.username)) {
      throw invalidToken();
    }
    return { account, claims };
  };
}
