import { randomUUID } from 'node:crypto';
import { nowSeconds } from '../platform/clock';
import { log } from '../platform/log';
import type { AccessTokenClaims, AccessTokens } from '../tokens/access-tokens';
import { hashRefreshToken, newRefreshToken } from '../tokens/refresh-tokens';
import { invalidGrant, type RefreshToken, type SessionSubject, type TokenResponse } from './session';
import type { SessionStore } from './store';

/** A signin whose session the user ended at that very moment may try again once, with the new epoch. */
const START_ATTEMPTS = 2;

/**
 * The one session model: starting a session at signin, rotating its refresh
 * tokens, every way of ending it (logout, revoke, reuse, end-all), and the
 * one check that a session and its access token are still valid.
 */
export class Sessions {
  constructor(
    private readonly store: SessionStore,
    private readonly accessTokens: AccessTokens,
    private readonly refreshTtlSeconds: number,
  ) {}

  /** A new session with an absolute expiry, and its first tokens. */
  async start(subject: SessionSubject): Promise<TokenResponse> {
    const { username } = subject;
    for (let attempt = 1; ; attempt++) {
      const session = { id: randomUUID(), username, epoch: await this.store.epoch(username), expiresAt: nowSeconds() + this.refreshTtlSeconds };
      const refresh = newRefreshToken();
      const first: RefreshToken = { hash: refresh.hash, username, sessionId: session.id, epoch: session.epoch, expiresAt: session.expiresAt };
      if (await this.store.start(session, first)) return this.tokens(subject, first, refresh.token);
      if (attempt === START_ATTEMPTS) throw invalidGrant();
    }
  }

  /**
   * Exchanges a refresh token for new tokens. A token presented after it was
   * consumed has been copied: its whole session is revoked.
   */
  async refresh(presented: string, loadSubject: (username: string) => Promise<SessionSubject | undefined>): Promise<TokenResponse> {
    const current = await this.store.getRefreshToken(hashRefreshToken(presented));
    if (!current || current.expiresAt <= nowSeconds()) throw invalidGrant();
    if (current.consumedAt !== undefined) {
      await this.store.revoke(current.sessionId, 'reuse');
      log.warn('refresh token reused: session revoked', { username: current.username, sessionId: current.sessionId });
      throw invalidGrant();
    }
    const subject = await loadSubject(current.username);
    if (!subject) throw invalidGrant();

    const successor = newRefreshToken();
    const result = await this.store.rotate(current, successor.hash);
    if (result !== 'rotated') {
      log.info('refresh refused', { username: current.username, sessionId: current.sessionId, result });
      throw invalidGrant();
    }
    return this.tokens(subject, { ...current, hash: successor.hash }, successor.token);
  }

  /** Logout: ends the session (its refresh tokens), and this access token until it expires. */
  async end(claims: AccessTokenClaims): Promise<void> {
    await Promise.all([this.store.revoke(claims.sid, 'logout'), this.store.revokeAccessToken(claims.jti, claims.exp)]);
  }

  /** RFC 7009-style revocation by whoever holds the refresh token; unknown tokens are ignored. */
  async revoke(presented: string): Promise<void> {
    const token = await this.store.getRefreshToken(hashRefreshToken(presented));
    if (token) await this.store.revoke(token.sessionId, 'revoked');
  }

  /** Ends every session of the user at once: no refresh token issued before can be used again. */
  async endAll(username: string): Promise<void> {
    await this.store.endAll(username);
    log.info('all sessions ended', { username });
  }

  /**
   * The one validity check of an access token's session: neither the session
   * nor the token revoked. Ending all sessions cuts access tokens off at Kong
   * instead (the credential they are signed with is rotated), so that a
   * sign-out-everywhere that failed midway can be retried with the same token.
   */
  isLive(claims: Pick<AccessTokenClaims, 'sid' | 'jti'>): Promise<boolean> {
    return this.store.isLive(claims.sid, claims.jti);
  }

  private tokens(subject: SessionSubject, refresh: RefreshToken, refreshToken: string): TokenResponse {
    const access = this.accessTokens.sign(subject.username, refresh.sessionId, subject.signingKey);
    return {
      access_token: access.token,
      token_type: 'Bearer',
      expires_in: access.claims.exp - access.claims.iat,
      refresh_token: refreshToken,
      refresh_expires_in: refresh.expiresAt - nowSeconds(),
    };
  }
}
