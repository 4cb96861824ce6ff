import type { ActiveAccount } from '../accounts/account';
import type { BrowserSessions } from '../browser-sessions/browser-sessions';
import type { BrowserSession } from '../browser-sessions/session';
import type { IdentityTokenSigner } from '../identity-tokens/identity-tokens';
import type { Client } from '../platform/http';
import type { PresentedCode } from '../second-factors/second-factors';
import { passwordAttempt, secondFactorAttempt, type Authenticated, type PasswordAttemptDeps, type SecondFactorAttemptDeps } from './sign-in';
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
    return startSession(deps, await passwordAttempt(deps, username, password, client, deviceToken));
  };
}

export interface BrowserSecondFactorSignInDeps extends SecondFactorAttemptDeps {
  browserSessions: Pick<BrowserSessions, 'start'>;
}

/** The sign-in page's second step: the mfa_token its first step got, and a code; then a session as any sign-in's. */
export function browserSecondFactorSignInFlow(deps: BrowserSecondFactorSignInDeps) {
  return async function browserSignInWithSecondFactor(mfaToken: string, presented: PresentedCode, client: Client) {
    return startSession(deps, await secondFactorAttempt(deps, mfaToken, presented, client));
  };
}

async function startSession({ browserSessions }: { browserSessions: Pick<BrowserSessions, 'start'> }, { account, deviceToken, signedIn }: Authenticated) {
  const started = await browserSessions.start({ id: account.id, username: account.username, email: account.email, firstName: account.firstName }, signedIn);
  return { ...started, deviceToken };
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
}

/**
 * What the gateway hands to the service behind it for a live browser session:
 * the identity headers and a short-lived identity token that says the same,
 * signed for that service alone. X-First-Name is percent-encoded UTF-8
 * (names are in any script; header values are bytes).
 */
export function browserIdentityFlow({ identityTokens, audience, ttlSeconds }: BrowserIdentityDeps) {
  return async function identityOf(session: BrowserSession) {
    const token = await identityTokens.sign(
      { sub: session.username, uid: session.accountId, email: session.email, given_name: session.firstName, amr: session.amr, auth_time: session.authTime },
      audience,
      ttlSeconds,
    );
    const headers: Record<string, string> = { 'X-User': session.username, Authorization: `Bearer ${token}` };
    if (session.email) headers['X-Email'] = session.email;
    if (session.firstName) headers['X-First-Name'] = encodeURIComponent(session.firstName);
    // RFC 8176 values, space-separated (as OAuth scopes are): what a service checks before a sensitive action.
    if (session.amr?.length) headers['X-Auth-Methods'] = session.amr.join(' ');
    return { headers, token, expiresIn: ttlSeconds };
  };
}
