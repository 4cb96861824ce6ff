import type { RefreshToken, RevocationReason, RotationResult, TokenSession } from './token-session';

/** Where sessions live: the tokens table in the service (dynamodb-store.ts), memory in unit tests. */
export interface TokenSessionStore {
  /** The user's session epoch: raised to end every session at once. */
  epoch(username: string): Promise<number>;
  /**
   * Stores a new session and its first refresh token, if the user's epoch is
   * still `session.epoch`; false when all sessions were ended meanwhile.
   */
  start(session: TokenSession, first: RefreshToken): Promise<boolean>;
  getRefreshToken(hash: string): Promise<RefreshToken | undefined>;
  /**
   * Consumes `current` and stores its successor in one step, which also
   * checks that the session was not revoked and the user's sessions were not
   * ended meanwhile: a refresh racing a logout cannot leave a live token behind.
   */
  rotate(current: RefreshToken, successorHash: string): Promise<RotationResult>;
  /**
   * Whether the refresh that consumed `consumed` can be answered again: its
   * successor unused, the session not revoked, the user's sessions not ended.
   */
  canRepeat(consumed: RefreshToken): Promise<boolean>;
  /** Revokes every token of a session, past and future; idempotent, and a no-op for an unknown session. */
  revoke(sessionId: string, reason: RevocationReason): Promise<void>;
  /** Refuses one access token from now until it would have expired anyway. */
  revokeAccessToken(jti: string, expiresAt: number): Promise<void>;
  /** Raises the user's epoch, ending every session started before. */
  endAll(username: string): Promise<void>;
  /** A session by id, however it ended. */
  get(sessionId: string): Promise<TokenSession | undefined>;
  /** The account's sessions not revoked and not expired at `now`, in one query (an index by account); ended ones by epoch included. */
  listUnrevoked(accountId: string, now: number): Promise<TokenSession[]>;
  /**
   * In one read: the session (undefined if unknown), its user's current
   * epoch, and whether the access token `jti` (when given) was revoked.
   */
  sessionState(sessionId: string, username: string, jti?: string): Promise<{ session?: TokenSession; epoch: number; tokenRevoked: boolean }>;
  /** Account erasure: deletes every session and refresh token of the account (by its id or, for older items, its name); idempotent. */
  eraseOwner(username: string, accountId: string): Promise<void>;
  /** Account erasure, once every session item of the name is gone: deletes its sign-out epoch. */
  eraseEpoch(username: string): Promise<void>;
}
