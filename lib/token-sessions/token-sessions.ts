import { randomUUID } from 'node:crypto';
import { nowSeconds } from '../platform/clock';
import type { Client } from '../platform/http';
import { log } from '../platform/log';
import { securityEvent } from '../platform/security-events';
import type { AccessTokenClaims, AccessTokens, Grant, SignInMethods } from '../tokens/access-tokens';
import { hashRefreshToken, isAncestor, newChainKey, newRefreshToken, successorOf } from '../tokens/refresh-tokens';
import { invalidGrant, sessionNotFound, type RefreshToken, type TokenSession, type TokenSessionState, type TokenSubject, type TokenSessionView, type TokenResponse } from './token-session';
import type { TokenSessionStore } from './store';

/** A signin whose session the user ended at that very moment may try again once, with the new epoch. */
const START_ATTEMPTS = 2;

/**
 * The one session model: starting a session at signin, rotating its refresh
 * tokens, every way of ending it (logout, revoke, reuse, end-all), and the
 * one check that a session and its access token are still valid.
 */
export class TokenSessions {
  /**
   * @param refreshTtlSeconds a session's absolute lifetime
   * @param retryGraceSeconds how long after a refresh the same refresh token
   *   may be presented again and get the same successor, while that is unused
   */
  constructor(
    private readonly store: TokenSessionStore,
    private readonly accessTokens: AccessTokens,
    private readonly refreshTtlSeconds: number,
    private readonly retryGraceSeconds: number,
  ) {}

  /** A new session with an absolute expiry, and its first tokens; `client` is remembered for the user to recognise it. */
  async start(subject: TokenSubject, client: Client = {}, signedIn?: SignInMethods): Promise<TokenResponse> {
    return (await this.startGranted(subject, client, undefined, signedIn)).tokens;
  }

  /** start, for an OAuth client's `grant` (the token endpoint): the session's id too, for a code to remember what it issued. */
  async startGranted(subject: TokenSubject, client: Client = {}, grant?: Grant, signedIn?: SignInMethods): Promise<{ tokens: TokenResponse; sessionId: string }> {
    const { username, accountId } = subject;
    for (let attempt = 1; ; attempt++) {
      const epoch = await this.store.epoch(username);
      const now = nowSeconds();
      const { amr, authTime } = signedIn ?? { amr: ['pwd'], authTime: now };
      const session: TokenSession = {
        id: randomUUID(),
        accountId,
        username,
        epoch,
        expiresAt: now + this.refreshTtlSeconds,
        createdAt: now,
        lastUsedAt: now,
        clientAddress: client.address,
        userAgent: client.userAgent,
        amr,
        authTime,
      };
      const refresh = newRefreshToken(session);
      const first: RefreshToken = {
        hash: refresh.hash,
        accountId,
        username,
        sessionId: session.id,
        epoch,
        expiresAt: session.expiresAt,
        chainKey: newChainKey(),
        issuedAt: now,
        amr,
        authTime,
        ...(grant === undefined ? {} : { clientId: grant.clientId, scope: grant.scope }),
      };
      if (await this.store.start(session, first)) return { tokens: await this.tokens(subject, first, refresh.token, now), sessionId: session.id };
      if (attempt === START_ATTEMPTS) throw invalidGrant();
    }
  }

  /**
   * Exchanges a refresh token for its successor and a new access token. The
   * successor is derived from the token, so a retry after an answer that
   * never arrived (a timeout, a 503 whose write landed after all), and
   * refreshes racing each other, all get the same one while it is unused and
   * the retry grace lasts. Any other use of a consumed token means it was
   * copied: its whole session is revoked.
   */
  async refresh(
    presented: string,
    loadSubject: (username: string) => Promise<TokenSubject | undefined>,
    clientId?: string,
  ): Promise<TokenResponse> {
    const current = await this.store.getRefreshToken(hashRefreshToken(presented));
    if (!current || current.expiresAt <= nowSeconds()) throw invalidGrant();
    // A refresh token is bound to the client it was issued to (RFC 6749 §6):
    // the token endpoint's to that client, the seeds' refresh route's to none.
    if (current.clientId !== clientId) throw invalidGrant();
    const successor = successorOf(presented, current.chainKey);

    if (current.consumedAt === undefined) {
      const subject = await this.subjectFor(current, loadSubject);
      const result = await this.store.rotate(current, successor.hash);
      if (result === 'rotated') return this.tokens(subject, current, successor.token);
      if (result !== 'already-consumed') {
        log.info('refresh refused', { username: current.username, sessionId: current.sessionId, result });
        throw invalidGrant();
      }
      // A concurrent refresh of this token won: answer as it did.
      return this.repeat({ ...current, consumedAt: nowSeconds(), successorHash: successor.hash }, presented, successor.token, loadSubject);
    }
    return this.repeat(current, presented, successor.token, loadSubject);
  }

  /** A consumed refresh token presented again: the same successor within the grace, else the session ends. */
  private async repeat(consumed: RefreshToken, presented: string, successorToken: string, loadSubject: (username: string) => Promise<TokenSubject | undefined>) {
    const inGrace = consumed.consumedAt !== undefined && consumed.consumedAt >= nowSeconds() - this.retryGraceSeconds;
    if (inGrace && consumed.successorHash === hashRefreshToken(successorToken) && (await this.store.canRepeat(consumed))) {
      const subject = await this.subjectFor(consumed, loadSubject);
      log.info('refresh repeated within the retry grace', { username: consumed.username, sessionId: consumed.sessionId });
      return this.tokens(subject, consumed, successorToken);
    }
    // A store that keeps only the newest tokens (headHash) cannot vouch for an older one: it must derive
    // the head, or it is made up (the session id is public) and must not end anyone's session.
    if (consumed.headHash !== undefined && !isAncestor(presented, consumed.headHash, consumed.chainKey)) throw invalidGrant();
    await this.store.revoke(consumed.sessionId, 'reuse');
    securityEvent('refresh_token_reused', { username: consumed.username, sessionId: consumed.sessionId, reason: 'session_revoked' });
    throw invalidGrant();
  }

  /** The account the token's session belongs to, if it is still that very account (not a later one of the same name). */
  private async subjectFor(token: RefreshToken, loadSubject: (username: string) => Promise<TokenSubject | undefined>) {
    const subject = await loadSubject(token.username);
    if (!subject || (token.accountId !== undefined && subject.accountId !== token.accountId)) throw invalidGrant();
    return subject;
  }

  /** Logout: ends the session (its refresh tokens), and this access token until it expires. */
  async end(claims: Pick<AccessTokenClaims, 'sid' | 'jti' | 'exp'>): Promise<void> {
    await Promise.all([this.store.revoke(claims.sid, 'logout'), this.store.revokeAccessToken(claims.jti, claims.exp)]);
  }

  /** RFC 7009-style revocation by whoever holds the refresh token; unknown tokens are ignored. */
  async revoke(presented: string): Promise<void> {
    const token = await this.store.getRefreshToken(hashRefreshToken(presented));
    if (token) await this.store.revoke(token.sessionId, 'revoked');
  }

  /** Ends one session by its id (an authorization code presented twice revokes what it issued). */
  async revokeSession(sessionId: string): Promise<void> {
    await this.store.revoke(sessionId, 'revoked');
  }

  /** Ends every session of the user at once: no refresh token issued before can be used again. */
  async endAll(username: string): Promise<void> {
    await this.store.endAll(username);
    log.info('all sessions ended', { username });
  }

  /**
   * The one validity check of an access token's session, in one read:
   * `revoked` if the session or the token was revoked (logout, revoke,
   * reuse) or is unknown, `ended` if the user ended all sessions since it
   * started (logout-all, password change), else `live`. Kong cannot see
   * either; with HS256 it refuses ended sessions' tokens all the same (their
   * credential is rotated), but tokens signed with the service's own key
   * verify until they expire, so the epoch is what ends them everywhere else.
   */
  async accessTokenState(claims: Pick<AccessTokenClaims, 'sid' | 'jti' | 'sub'>): Promise<TokenSessionState> {
    const { session, epoch, tokenRevoked } = await this.store.sessionState(claims.sid, claims.sub, claims.jti);
    if (!session || session.revokedAt !== undefined || tokenRevoked || session.username !== claims.sub) return 'revoked';
    return session.epoch === epoch ? 'live' : 'ended';
  }

  /** Account erasure: deletes every session and refresh token of the account, then (`epoch`) its sign-out epoch. */
  async erase(owner: { id: string; username: string }): Promise<void> {
    await this.store.eraseOwner(owner.username, owner.id);
  }

  /** Account erasure's last step for the name, once its token and browser sessions are gone. */
  eraseEpoch(username: string): Promise<void> {
    return this.store.eraseEpoch(username);
  }

  /**
   * The caller's live sessions, newest first: not revoked, not expired, not
   * ended by a later sign-out everywhere (the epoch, read beside the query).
   * The index is eventually consistent; the caller's own session is read
   * directly if it has not reached it yet.
   */
  async list(caller: { accountId: string; username: string; sessionId?: string }): Promise<TokenSessionView[]> {
    const now = nowSeconds();
    const [found, epoch] = await Promise.all([this.store.listUnrevoked(caller.accountId, now), this.store.epoch(caller.username)]);
    // An operator's view (no caller session) has no own session to look for.
    if (caller.sessionId !== undefined && !found.some((session) => session.id === caller.sessionId)) {
      const own = await this.store.get(caller.sessionId);
      if (own && own.accountId === caller.accountId && own.revokedAt === undefined && own.expiresAt > now) found.push(own);
    }
    const iso = (seconds?: number) => (seconds === undefined ? null : new Date(seconds * 1000).toISOString());
    return found
      .filter((session) => session.epoch === epoch)
      .sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0))
      .map((session) => ({
        id: session.id,
        created_at: iso(session.createdAt),
        last_used_at: iso(session.lastUsedAt),
        client_address: session.clientAddress ?? null,
        user_agent: session.userAgent ?? null,
        current: session.id === caller.sessionId,
      }));
  }

  /**
   * Ends one of the caller's own live sessions, as logout ends one: its
   * refresh tokens stop, and so do its access tokens (every protected route
   * checks accessTokenState). Any other id (someone else's, one that is over, one that
   * never was) is 404, the same for all.
   */
  async endOwn(caller: { accountId: string; username: string }, sessionId: string): Promise<void> {
    const [session, epoch] = await Promise.all([this.store.get(sessionId), this.store.epoch(caller.username)]);
    const live = session && session.revokedAt === undefined && session.expiresAt > nowSeconds() && session.epoch === epoch;
    if (!live || session.accountId !== caller.accountId) throw sessionNotFound();
    await this.store.revoke(sessionId, 'ended');
    securityEvent('session_ended', { username: caller.username, sessionId, reason: 'user_request' });
  }

  /**
   * A refresh token as RFC 7662 introspection sees it: unknown, expired,
   * consumed, or of a revoked or ended session → undefined. Looking does not
   * use it: no rotation, no reuse detection.
   */
  async inspectRefreshToken(presented: string): Promise<RefreshToken | undefined> {
    const token = await this.store.getRefreshToken(hashRefreshToken(presented));
    if (!token || token.expiresAt <= nowSeconds() || token.consumedAt !== undefined) return undefined;
    const { session, epoch } = await this.store.sessionState(token.sessionId, token.username);
    if (!session || session.revokedAt !== undefined || epoch !== token.epoch) return undefined;
    return token;
  }

  /** `now`: when the refresh token was issued, so that a new session's refresh_expires_in is its whole lifetime. */
  private async tokens(subject: TokenSubject, refresh: RefreshToken, refreshToken: string, now = nowSeconds()): Promise<TokenResponse> {
    const signedIn = refresh.amr && refresh.authTime !== undefined ? { amr: refresh.amr, authTime: refresh.authTime } : undefined;
    const grant = refresh.clientId === undefined ? undefined : { clientId: refresh.clientId, scope: refresh.scope ?? '' };
    const access = await this.accessTokens.sign(subject.username, refresh.sessionId, subject.credentialKey, subject.signer, grant, signedIn);
    return {
      access_token: access.token,
      ...(grant === undefined ? {} : { scope: grant.scope }),
      token_type: 'Bearer',
      expires_in: access.claims.exp - access.claims.iat,
      refresh_token: refreshToken,
      refresh_expires_in: refresh.expiresAt - now,
    };
  }
}
