import { AppError } from '../platform/errors';
import type { JwtSigner } from '../tokens/signer';

/**
 * A session is one signin: every refresh token rotated out of it and every
 * access token signed for it carry its id (the `sid` claim). It ends when it
 * is revoked (logout, revoke, refresh-token reuse), when its user ends all
 * sessions (the user's session epoch moves past the session's), or when it
 * expires (an absolute lifetime that refreshes never extend).
 */
export interface Session {
  id: string;
  /** The account's immutable id: a later account under the same name inherits nothing. */
  accountId: string;
  username: string;
  /** The user's session epoch when the session started. */
  epoch: number;
  expiresAt: number;
  revokedAt?: number;
  revokedReason?: RevocationReason;
}

/** A refresh token, stored by its hash only; consumed once, by the refresh that replaces it. */
export interface RefreshToken {
  hash: string;
  /** Absent on tokens issued before accounts had ids. */
  accountId?: string;
  username: string;
  sessionId: string;
  epoch: number;
  expiresAt: number;
  /** The session's key for deriving each token's successor (tokens/refresh-tokens.ts). */
  chainKey: string;
  /** When this token was handed out; absent on tokens issued before it was recorded. */
  issuedAt?: number;
  consumedAt?: number;
  /** Set when consumed: the hash of the token that replaced it. */
  successorHash?: string;
}

export type RevocationReason = 'logout' | 'revoked' | 'reuse';

export type RotationResult = 'rotated' | 'already-consumed' | 'session-revoked' | 'sessions-ended';

/** Whom a session's tokens are for, the `iss` they carry (the Kong credential's key), and what signs them. */
export interface SessionSubject {
  accountId: string;
  username: string;
  issuer: string;
  signer: JwtSigner;
}

/** Where an access token's session stands (Sessions.accessTokenState). */
export type SessionState = 'live' | 'ended' | 'revoked';

/** The OAuth 2.0-style token response (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  refresh_expires_in: number;
}

/** RFC 6749 §5.2: the refresh token is unknown, expired, consumed or revoked. */
export const invalidGrant = (cause?: unknown) => new AppError(401, 'invalid_grant', 'Invalid or expired refresh token', { cause });
