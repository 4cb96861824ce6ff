import { randomUUID } from 'node:crypto';
import { config } from './config';
import { nowSeconds } from './dynamodb';
import { UnauthorizedError } from './errors';
import { log } from './log';
import * as refreshTokens from './refresh-tokens';
import { hashRefreshToken, newRefreshToken, signAccessToken } from './tokens';
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
  await refreshTokens.startFamily(
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
  const current = await refreshTokens.getRefreshToken(hashRefreshToken(presented));
  if (!current || current.expiresAt <= nowSeconds()) throw new UnauthorizedError(INVALID_REFRESH_TOKEN);
  if (current.consumedAt !== undefined) {
    await refreshTokens.revokeFamily(current.familyId, 'reuse');
    log.warn('refresh token reused: family revoked', { username: current.username, familyId: current.familyId });
    throw new UnauthorizedError(INVALID_REFRESH_TOKEN);
  }
  const user = await getUser(current.username);
  if (!isActive(user) || user.sessionEpoch !== current.sessionEpoch) throw new UnauthorizedError(INVALID_REFRESH_TOKEN);

  const next = newRefreshToken();
  const result = await refreshTokens.rotate(current, next.hash);
  if (result !== 'rotated') {
    log.info('refresh refused', { username: user.username, familyId: current.familyId, result });
    throw new UnauthorizedError(INVALID_REFRESH_TOKEN);
  }
  return tokenResponse(user, current.familyId, next.token, current.expiresAt);
}
