import type { ActiveAccount } from '../accounts/account';
import type { BrowserSessions } from '../browser-sessions/browser-sessions';
import type { IdentityTokenCache } from '../browser-sessions/identity-cache';
import type { BrowserSession } from '../browser-sessions/session';
import type { IdentityTokenSigner } from '../identity-tokens/identity-tokens';
import type { Client } from '../platform/http';
import { passwordAttempt, type PasswordAttemptDeps } from './sign-in';
import type { CreateAccount } from './sign-up';

export interface BrowserSignInDeps extends PasswordAttemptDeps {
  browserSessions: Pick<BrowserSessions, 'start'>;
}

/**
 * Sign-in on /signin: the password checked as token sign-in checks it (the
 * device token from the browser's device cookie, if any), then a new browser
 * session, and a new device token for the cookie.
 */
export function browserSignInFlow(deps: BrowserSignInDeps) {
  return async function browserSignIn(username: string, password: string, client: Client, deviceToken?: string) {
    const { account, deviceToken: nextDeviceToken } = await passwordAttempt(deps, username, password, client, deviceToken);
    const started = await deps.browserSessions.start({ id: account.id, username: account.username, email: account.email, firstName: account.firstName });
    return { ...started, deviceToken: nextDeviceToken };
  };
}

/** Sign-up for browser sessions (/register): the token sign-up's account, with the identity fields on it. */
export function browserSignUpFlow({ createAccount }: { createAccount: CreateAccount }) {
  return async function browserSignUp(username: string, password: string, email: string, firstName: string, client: Client) {
    return signedUpAccount(await createAccount(username, password, client, { email, firstName }));
  };
}

const signedUpAccount = (account: ActiveAccount) => ({
  username: account.username,
  email: account.email,
  first_name: account.firstName,
  created_at: account.createdAt,
});

export interface BrowserIdentityDeps {
  identityTokens: Pick<IdentityTokenSigner, 'sign'>;
  /** For whom the identity token is, and for how long. */
  audience: string;
  ttlSeconds: number;
  /** Tokens reused while most of their life is left (lib/browser-sessions/identity-cache.ts); none: a token per call. */
  cache?: IdentityTokenCache;
  /** Milliseconds since the epoch (tests move it). */
  clock?: () => number;
}

/**
 * What the gateway hands to the service behind it for a live browser session:
 * the identity headers and a short-lived identity token that says the same,
 * signed for that service alone. X-First-Name is percent-encoded UTF-8
 * (names are in any script; header values are bytes).
 */
export function browserIdentityFlow({ identityTokens, audience, ttlSeconds, cache, clock = Date.now }: BrowserIdentityDeps) {
  /** A token for the session's claims: the cached one while most of its life is left, else a new one. */
  async function tokenFor(session: BrowserSession): Promise<{ token: string; expiresIn: number }> {
    const claims = { sub: session.username, uid: session.accountId, email: session.email, given_name: session.firstName };
    const now = Math.floor(clock() / 1000);
    const key = JSON.stringify([audience, claims.sub, claims.uid, claims.email ?? null, claims.given_name ?? null]);
    const cached = cache?.get(session.hash, key, now);
    if (cached) return { token: cached.token, expiresIn: cached.expiresAt - now };
    // Taken before signing, so the recorded expiry is never later than the token's own.
    const token = await identityTokens.sign(claims, audience, ttlSeconds);
    cache?.set(session.hash, key, token, now, now + ttlSeconds);
    return { token, expiresIn: ttlSeconds };
  }

  return async function identityOf(session: BrowserSession) {
    const { token, expiresIn } = await tokenFor(session);
    const headers: Record<string, string> = { 'X-User': session.username, Authorization: `Bearer ${token}` };
    if (session.email) headers['X-Email'] = session.email;
    if (session.firstName) headers['X-First-Name'] = encodeURIComponent(session.firstName);
    return { headers, token, expiresIn };
  };
}
