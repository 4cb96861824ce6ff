import { AppError } from '../platform/errors';
import type { JwtSigner } from '../tokens/signer';

/**
 * A session is one signin: every refresh token rotated out of it and every
 * access token signed for it carry its id (the `sid` claim). It ends when it
 * is revoked (logout, revoke, refresh-token reuse), when its user ends all
 * sessions (the user's session epoch moves past the session's), or when it
 * expires (an absolute lifetime that refreshes never extend).
 */
export interface TokenSession {
  id: string;
  /** The account's immutable id: a later account under the same name inherits nothing. */
  accountId: string;
  username: string;
  /** The user's session epoch when the session started. */
  epoch: number;
  expiresAt: number;
  revokedAt?: number;
  revokedReason?: RevocationReason;
  /** When it started and when it last got new tokens (signin, refresh); absent on sessions started before #13. */
  createdAt?: number;
  lastUsedAt?: number;
  /** Where it started from, as the gateway saw it, for the user to recognise it. */
  clientAddress?: string;
  userAgent?: string;
  /** How the user signed in (RFC 8176 amr) and when (epoch seconds): every token of the session says so. Absent on sessions started before second factors. */
  amr?: string[];
  authTime?: number;
}

/** What the user sees of one of their sessions (GET /api/jwt/sessions). */
export interface TokenSessionView {
  id: string;
  created_at: string | null;
  last_used_at: string | null;
  client_address: string | null;
  user_agent: string | null;
  /** The session of the access token that asked. */
  current: boolean;
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
  /**
   * The OAuth client the session was granted to at the token endpoint, and
   * its scope; absent for the seeds' signin, whose tokens are the
   * first-party client's (ACCESS_TOKEN_CLIENT_ID). Successors inherit both.
   */
  clientId?: string;
  scope?: string;
  /** Set when consumed: the hash of the token that replaced it. */
  successorHash?: string;
  /**
   * Set by a store that keeps only a session's newest tokens (DynamoDB, chained tokens) for a token older
   * than those: the newest token's hash, which a genuine older token derives to (isAncestor) and a made-up
   * one does not. Such a token is consumed long ago: reuse, if genuine.
   */
  headHash?: string;
  /** The session's sign-in methods and time, copied to each successor, so a refresh signs them without reading the session. */
  amr?: string[];
  authTime?: number;
}

/** logout: by its own access token; revoked: by its refresh token; reuse: a copied refresh token; ended: by the user from another session. */
export type RevocationReason = 'logout' | 'revoked' | 'reuse' | 'ended';

export type RotationResult = 'rotated' | 'already-consumed' | 'session-revoked' | 'sessions-ended';

/** Whom a session's tokens are for, the `ckey` they carry (the Kong credential's key), and what signs them. */
export interface TokenSubject {
  accountId: string;
  username: string;
  credentialKey: string;
  signer: JwtSigner;
}

/** Where an access token's session stands (TokenSessions.accessTokenState). */
export type TokenSessionState = 'live' | 'ended' | 'revoked';

/** The OAuth 2.0-style token response (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  /** The token endpoint's answers: the scope granted (RFC 6749 §5.1), and an ID token when `openid` was. */
  scope?: string;
  id_token?: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  refresh_expires_in: number;
}

/** RFC 6749 §5.2: the refresh token is unknown, expired, consumed or revoked. */
export const invalidGrant = (cause?: unknown) => new AppError('invalid_grant', undefined, { cause });

/** Someone else's session and one that is over look the same: neither is the caller's to end. */
export const sessionNotFound = () => new AppError('not_found', 'Session not found');
