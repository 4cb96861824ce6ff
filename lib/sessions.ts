import { randomUUID } from 'node:crypto';
import { config } from './config';
import { nowSeconds } from './dynamodb';
import { UnauthorizedError } from './errors';
import { log } from './log';
import * as tokenStore from './token-store';
import { hashRefreshToken, newRefreshToken, signAccessToken, type AccessTokenClaims } from './tokens';
import { getUser, isActive, type ActiveUser } from './users';

/** The OAuth 2.0-style token response (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  refresh_expires_in: number;
}

const INVALID_REFRESH_TOKEN = 'Invalid or expired refresh token';

function tokenResponse(user: ActiveUser, familyId: string, refreshToken: string, refreshExpiresAt: number): TokenResponse {
  const access = signAccessToken(user.username, user, familyId);
  return {
    access_token: access.token,
    token_type: 'Bearer',
    expires_in: access.claims.exp - access.claims.iat,
    refresh_token: refreshToken,
    refresh_expires_in: refreshExpiresAt - nowSeconds(),
  };
}

/** A signin: a new refresh-token family with an absolute expiry, and its first tokens. */
export async function startSession(user: ActiveUser): Promise<TokenResponse> {
  const familyId = randomUUID();
  const expiresAt = nowSeconds() + config.refreshTokenTtlSeconds;
  const refresh = newRefreshToken();
  await tokenStore.startFamily(
    { username: user.username, familyId, sessionEpoch: user.sessionEpoch, expiresAt },
    refresh.hash,
  );
  return tokenResponse(user, familyId, refresh.token, expiresAt);
}

/**
 * Exchanges a refresh token for new tokens. A token presented after it was
 * consumed has been copied: the whole family is revoked.
 */
export async function refreshSession(presented: string): Promise<TokenResponse> {
  const current = await tokenStore.getRefreshToken(hashRefreshToken(presented));
  if (!current || current.expiresAt <= nowSeconds()) throw new UnauthorizedError(INVALID_REFRESH_TOKEN);
  if (current.consumedAt !== undefined) {
    await tokenStore.revokeFamily(current.familyId, 'reuse');
    log.warn('refresh token reused: family revoked', { username: current.username, familyId: current.familyId });
    throw new UnauthorizedError(INVALID_REFRESH_TOKEN);
  }
  const user = await getUser(current.username);
  if (!isActive(user) || user.sessionEpoch !== current.sessionEpoch) throw new UnauthorizedError(INVALID_REFRESH_TOKEN);

  const next = newRefreshToken();
  const result = await tokenStore.rotate(current, next.hash);
  if (result !== 'rotated') {
    log.info('refresh refused', { username: user.username, familyId: current.familyId, result });
    throw new UnauthorizedError(INVALID_REFRESH_TOKEN);
  }
  return tokenResponse(user, current.familyId, next.token, current.expiresAt);
}

/** Ends one session: its refresh-token family, and this access token until it expires. */
export async function endSession(claims: AccessTokenClaims): Promise<void> {
  await Promise.all([tokenStore.revokeFamily(claims.sid, 'logout'), tokenStore.revokeAccessToken(claims.jti, claims.exp)]);
}

/** RFC 7009-style revocation by whoever holds the refresh token; unknown tokens are ignored. */
export async function revokeRefreshToken(presented: string): Promise<void> {
  const token = await tokenStore.getRefreshToken(hashRefreshToken(presented));
  if (token) await tokenStore.revokeFamily(token.familyId, 'revoked');
}
