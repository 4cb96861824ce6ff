import { createHash, createHmac, randomBytes } from 'node:crypto';

/** Refresh tokens are opaque: 256 random bits; only their SHA-256 is stored. */
export function newRefreshToken() {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

/** An access token is a JWT, three dot-separated parts; refresh tokens are base64url, which has no dots. */
export const looksLikeJwt = (token: string): boolean => token.split('.').length === 3;

export const hashRefreshToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** A session's secret for deriving successors: kept beside each token's hash, useless without the token. */
export const newChainKey = (): string => randomBytes(32).toString('base64url');

/**
 * The token a refresh hands out in exchange for `token`: derived, not drawn,
 * so that a retry of the same refresh (its answer lost to a timeout) gets
 * the very same successor, and concurrent refreshes agree on one.
 */
export function successorOf(token: string, chainKey: string) {
  const successor = createHmac('sha256', Buffer.from(chainKey, 'base64url')).update(token).digest('base64url');
  return { token: successor, hash: hashRefreshToken(successor) };
}
