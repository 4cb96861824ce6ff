/**
 * Identity tokens reused within one container, keyed by the browser
 * session's stored hash (issue 27: the browser profile signed one on every
 * forward-auth miss, i.e. every few seconds per active user). Only the
 * signature is saved: the session is still read and checked on every
 * request before the cache is asked (BrowserSessions.resume), so a logout,
 * an expiry or an epoch move refuses the next request at once, exactly as
 * before. A token handed out again expires no later than a fresh one would
 * have, so reuse never lengthens what a leaked token allows.
 *
 * A token is reused while more than `reuseFraction` of its lifetime is left
 * (the service behind the gateway gets at least that long to use it), and
 * only for the same claims and audience; a Map in insertion order keeps at
 * most `maxEntries`, the oldest dropped first.
 */
export interface CachedIdentity {
  token: string;
  /** Whole seconds since the epoch, no later than the token's own exp. */
  expiresAt: number;
}

export class IdentityTokenCache {
  private readonly entries = new Map<string, CachedIdentity & { claims: string; issuedAt: number }>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly reuseFraction = 0.5,
  ) {}

  /** The token cached for `session` with these exact claims, if enough of its life is left at `now`. */
  get(session: string, claims: string, now: number): CachedIdentity | undefined {
    const entry = this.entries.get(session);
    if (!entry) return undefined;
    const lifetime = entry.expiresAt - entry.issuedAt;
    if (entry.claims !== claims || entry.expiresAt - now <= lifetime * this.reuseFraction || now < entry.issuedAt) {
      this.entries.delete(session);
      return undefined;
    }
    return { token: entry.token, expiresAt: entry.expiresAt };
  }

  set(session: string, claims: string, token: string, issuedAt: number, expiresAt: number): void {
    this.entries.delete(session);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(session, { token, claims, issuedAt, expiresAt });
  }

  /** Drops a session's token (this container's logout): nothing else relies on it, resume refuses the session anyway. */
  forget(session: string): void {
    this.entries.delete(session);
  }

  get size(): number {
    return this.entries.size;
  }
}
