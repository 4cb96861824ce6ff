import type { Account, ActiveAccount } from '../accounts/account';
import type { BrowserSessions } from '../browser-sessions/browser-sessions';
import type { IdentityTokenCache } from '../browser-sessions/identity-cache';
import type { BrowserSession } from '../browser-sessions/session';
import type { IdentityClaims, IdentityTokenSigner } from '../identity-tokens/identity-tokens';
import type { Client } from '../platform/http';
import {
  passkeyAttempt,
  passwordAttempt,
  secondFactorAttempt,
  type Authenticated,
  type PasskeyAttemptDeps,
  type PasswordAttemptDeps,
  type SecondFactorAttemptDeps,
  type SecondStep,
} from './sign-in';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { ClaimAddress, CreateAccount } from './sign-up';

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
    return startSession(deps, await passwordAttempt(deps, username, password, client, deviceToken));
  };
}

export interface BrowserSecondFactorSignInDeps extends SecondFactorAttemptDeps {
  browserSessions: Pick<BrowserSessions, 'start'>;
}

/** The sign-in page's second step: the mfa_token its first step got, and a code or a passkey's assertion; then a session as any sign-in's. */
export function browserSecondFactorSignInFlow(deps: BrowserSecondFactorSignInDeps) {
  return async function browserSignInWithSecondFactor(mfaToken: string, presented: SecondStep, client: Client) {
    return startSession(deps, await secondFactorAttempt(deps, mfaToken, presented, client));
  };
}

export interface BrowserPasskeySignInDeps extends PasskeyAttemptDeps {
  browserSessions: Pick<BrowserSessions, 'start'>;
}

/**
 * The sign-in page's "Sign in with a passkey": the token API's passkey
 * sign-in (same protection, same events, amr from the assertion), then a
 * session as any sign-in's.
 */
export function browserPasskeySignInFlow(deps: BrowserPasskeySignInDeps) {
  return async function browserSignInWithPasskey(response: AuthenticationResponseJSON, client: Client) {
    return startSession(deps, await passkeyAttempt(deps, response, client));
  };
}

async function startSession({ browserSessions }: { browserSessions: Pick<BrowserSessions, 'start'> }, { account, deviceToken, signedIn }: Authenticated) {
  const started = await browserSessions.start({ id: account.id, username: account.username, email: account.email, firstName: account.firstName }, signedIn);
  return { ...started, deviceToken };
}

/** Sign-up for browser sessions (/register): the token sign-up's account, with the identity fields on it. */
export function browserSignUpFlow({ createAccount, claimAddress }: { createAccount: CreateAccount; claimAddress: ClaimAddress }) {
  return async function browserSignUp(username: string, password: string, email: string, firstName: string, client: Client) {
    // The address is given after the account is made, where its uniqueness is decided (sign-up.ts says why).
    const account = await createAccount(username, password, client, { firstName });
    await claimAddress(account, email);
    return signedUpAccount(account, email);
  };
}

/** The address as given: whether it was already another account's never shows. */
const signedUpAccount = (account: ActiveAccount, email: string) => ({
  username: account.username,
  email,
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
  /** A token for these claims: the cached one while most of its life is left, else a new one. */
  async function tokenFor(session: BrowserSession, claims: IdentityClaims): Promise<{ token: string; expiresIn: number }> {
    const now = Math.floor(clock() / 1000);
    // The claims are part of the key: an address verified or changed gets a new token at once.
    const key = JSON.stringify([audience, claims]);
    const cached = cache?.get(session.hash, key, now);
    if (cached) return { token: cached.token, expiresIn: cached.expiresAt - now };
    // Taken before signing, so the recorded expiry is never later than the token's own.
    const token = await identityTokens.sign(claims, audience, ttlSeconds);
    cache?.set(session.hash, key, token, now, now + ttlSeconds);
    return { token, expiresIn: ttlSeconds };
  }

  /**
   * `account`, when given, is the account as it is now: its address and
   * whether it is verified (X-Email-Verified) change after sign-in, when the
   * user follows a verification link or changes address.
   */
  return async function identityOf(session: BrowserSession, account?: Pick<Account, 'email' | 'emailVerified'>) {
    const email = account ? account.email : session.email;
    const emailVerified = Boolean(account?.emailVerified && account.email);
    const { token, expiresIn } = await tokenFor(session, { sub: session.username, uid: session.accountId, email, email_verified: emailVerified, given_name: session.firstName, amr: session.amr, auth_time: session.authTime, sid: session.hash });
    const headers: Record<string, string> = { 'X-User': session.username, 'X-Email-Verified': String(emailVerified), Authorization: `Bearer ${token}` };
    if (email) headers['X-Email'] = email;
    if (session.firstName) headers['X-First-Name'] = encodeURIComponent(session.firstName);
    // RFC 8176 values, space-separated (as OAuth scopes are): what a service checks before a sensitive action.
    if (session.amr?.length) headers['X-Auth-Methods'] = session.amr.join(' ');
    return { headers, token, expiresIn };
  };
}
