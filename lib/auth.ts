import { UnauthorizedError } from './errors';
import type { Event } from './http';
import { claimedSubject, verifyAccessToken, type AccessTokenClaims } from './tokens';
import { getUser, isActive, type ActiveUser } from './users';

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

/**
 * Authenticates a request on a protected route. Kong's jwt plugin has already
 * checked the token, but the API must not trust that it sits behind Kong:
 * a request sent to it directly with forged X-Consumer-* headers is refused
 * because the bearer token is verified again against the user's credential.
 */
export async function authenticateRequest(event: Event): Promise<{ user: ActiveUser; claims: AccessTokenClaims }> {
  const token = BEARER.exec(event.headers.authorization ?? '')?.[1];
  const username = token && claimedSubject(token);
  if (!token || !username) throw new UnauthorizedError('Unauthorized');

  const user = await getUser(username);
  const claims = isActive(user) ? verifyAccessToken(token, username, user) : undefined;
  if (!user || !claims) throw new UnauthorizedError('Unauthorized');

  // Kong sets these from the credential it matched; they must agree.
  const { 'x-consumer-id': consumerId, 'x-consumer-username': consumerUsername } = event.headers;
  if ((consumerId && consumerId !== user.consumerId) || (consumerUsername && consumerUsername !== user.username)) {
    throw new UnauthorizedError('Unauthorized');
  }
  return { user: user as ActiveUser, claims };
}
