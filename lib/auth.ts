import { UnauthorizedError } from './errors';
import type { Event } from './http';
import { loadTokenContext } from './token-store';
import { unverifiedClaims, verifyAccessToken, type AccessTokenClaims } from './tokens';
import { isActive, type ActiveUser } from './users';

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

export interface Caller {
  user: ActiveUser;
  claims: AccessTokenClaims;
}

/**
 * Authenticates a request on a protected route. Kong's jwt plugin has already
 * checked the token, but the API must not trust that it sits behind Kong:
 * a request sent to it directly with forged X-Consumer-* headers is refused
 * because the bearer token is verified again against the user's credential.
 * Kong cannot know about revocations either: they are checked here.
 */
export async function authenticateRequest(event: Event): Promise<Caller> {
  const token = BEARER.exec(event.headers.authorization ?? '')?.[1];
  const claimed = token ? unverifiedClaims(token) : undefined;
  if (!token || !claimed) throw new UnauthorizedError('Unauthorized');

  const { user, revoked } = await loadTokenContext(claimed.sub, claimed.jti, claimed.sid);
  if (!isActive(user) || revoked) throw new UnauthorizedError('Unauthorized');
  const claims = verifyAccessToken(token, user.username, user);
  if (!claims) throw new UnauthorizedError('Unauthorized');

  // Kong sets these from the credential it matched; they must agree.
  const { 'x-consumer-id': consumerId, 'x-consumer-username': consumerUsername } = event.headers;
  if ((consumerId && consumerId !== user.consumerId) || (consumerUsername && consumerUsername !== user.username)) {
    throw new UnauthorizedError('Unauthorized');
  }
  return { user, claims };
}
