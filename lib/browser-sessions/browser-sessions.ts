import { nowSeconds } from '../platform/clock';
import { describeError } from '../platform/errors';
import { AppError } from '../platform/errors';
import { log } from '../platform/log';
import { newSessionId, parseSessionId, type BrowserSession } from './session';
import type { BrowserSessionStore } from './store';

export interface Lifetimes {
  /** A session unused this long ends (sliding). */
  idleSeconds: number;
  /** A session ends this long after sign-in, however much it is used. */
  absoluteSeconds: number;
}

/** Who signs in: the account's id, name and the identity fields handed to services. */
export interface SessionOwner {
  id: string;
  username: string;
  email?: string;
  firstName?: string;
}

/** A live browser session as its owner sees it (the security page). */
export interface BrowserSessionView {
  id: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  /** The session of the browser asking. */
  current: boolean;
}

/**
 * Browser sessions: started at each sign-in with a new id (so an id planted
 * in the browser beforehand is never the one that gets signed in: no
 * fixation), checked on every request the gateway asks about, ended by
 * logout, by idleness, by their absolute lifetime, and by the user's epoch
 * moving (sign-out everywhere, password change).
 */
export class BrowserSessions {
  /**
   * Recording use costs a write, so a session's idle expiry is moved at most
   * this often (a tenth of the idle timeout, at most a minute): the idle
   * timeout counts from the last recorded use, up to this much earlier than
   * the last request.
   */
  private readonly touchEverySeconds: number;

  constructor(
    private readonly store: BrowserSessionStore,
    private readonly lifetimes: Lifetimes,
  ) {
    this.touchEverySeconds = Math.min(60, Math.floor(lifetimes.idleSeconds / 10));
  }

  /** A new session for `owner`; answers its id, for the cookie, which is never stored. */
  async start(owner: SessionOwner, signedIn?: { amr: string[]; authTime: number }): Promise<{ id: string; session: BrowserSession }> {
    const { username } = owner;
    // An end-all racing this sign-in can only leave the session with an old
    // epoch, which the next check refuses: the safe side, so no transaction.
    const epoch = await this.store.epoch(username);
    const now = nowSeconds();
    const { id, hash } = newSessionId(username);
    const absoluteExpiresAt = now + this.lifetimes.absoluteSeconds;
    const session: BrowserSession = {
      hash,
      accountId: owner.id,
      username,
      email: owner.email,
      firstName: owner.firstName,
      epoch,
      createdAt: now,
      lastSeenAt: now,
      idleExpiresAt: Math.min(now + this.lifetimes.idleSeconds, absoluteExpiresAt),
      absoluteExpiresAt,
      amr: signedIn?.amr ?? ['pwd'],
      authTime: signedIn?.authTime ?? now,
    };
    await this.store.create(session);
    log.info('browser session started', { username });
    return { id, session };
  }

  /** The live session a presented id names, or undefined: unknown, ended, expired, or ended by the user's epoch. */
  async resume(id: string | undefined): Promise<BrowserSession | undefined> {
    const parsed = id === undefined ? undefined : parseSessionId(id);
    if (!parsed) return undefined;
    const { session, epoch } = await this.store.find(parsed.hash, parsed.username);
    const now = nowSeconds();
    if (!session || session.username !== parsed.username) return undefined;
    if (session.epoch !== epoch || now >= session.idleExpiresAt || now >= session.absoluteExpiresAt) {
      log.debug('browser session refused', { username: session.username, ended: session.epoch !== epoch });
      return undefined;
    }
    if (now - session.lastSeenAt >= this.touchEverySeconds) {
      const idleExpiresAt = Math.min(now + this.lifetimes.idleSeconds, session.absoluteExpiresAt);
      // The request is valid either way: failing to record use only shortens the session.
      await this.store
        .touch(session.hash, now, idleExpiresAt)
        .then(() => Object.assign(session, { lastSeenAt: now, idleExpiresAt }))
        .catch((error) => log.warn('could not record browser session use', { username: session.username, ...describeError(error) }));
    }
    return session;
  }

  /**
   * The security page's list: the account's live sessions (by the rules
   * resume applies), newest first. `id` is the SHA-256 the store keys the
   * session by, never the cookie's value, which is stored nowhere.
   */
  async listOwn(owner: { id: string; username: string }, currentHash?: string): Promise<BrowserSessionView[]> {
    const [sessions, epoch] = await Promise.all([this.store.listOwner(owner.id), this.store.epoch(owner.username)]);
    const now = nowSeconds();
    const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
    return sessions
      .filter((s) => s.accountId === owner.id && s.username === owner.username && s.epoch === epoch && now < s.idleExpiresAt && now < s.absoluteExpiresAt)
      .map((s) => ({ id: s.hash, created_at: iso(s.createdAt), last_seen_at: iso(s.lastSeenAt), expires_at: iso(Math.min(s.idleExpiresAt, s.absoluteExpiresAt)), current: s.hash === currentHash }));
  }

  /**
   * Ends one of the owner's sessions by the id listOwn showed. Another
   * account's session, or none, is the same 404 (no telling which exists).
   */
  async endOwn(owner: { id: string; username: string }, hash: string): Promise<void> {
    const { session } = /^[0-9a-f]{64}$/.test(hash) ? await this.store.find(hash, owner.username) : { session: undefined };
    if (!session || session.accountId !== owner.id || session.username !== owner.username) throw new AppError('not_found', 'Session not found');
    await this.store.delete(hash);
    log.info('browser session ended', { username: owner.username, by: 'security_page' });
  }

  /** Account erasure: every session of the account is deleted. */
  async erase(owner: { id: string; username: string }): Promise<void> {
    await this.store.eraseOwner(owner.username, owner.id);
  }

  /** Logout: the session a presented id names ends, if there is one. */
  async end(id: string | undefined): Promise<void> {
    const parsed = id === undefined ? undefined : parseSessionId(id);
    if (!parsed) return;
    await this.store.delete(parsed.hash);
    log.info('browser session ended', { username: parsed.username });
  }
}
