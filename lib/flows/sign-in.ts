import type { PasswordAccounts } from '../accounts/password-accounts';
import { AppError } from '../platform/errors';
import type { Client } from '../platform/http';
import type { DeviceTokens } from '../protection/device-tokens';
import type { Protection } from '../protection/protection';
import type { TokenResponse } from '../token-sessions/token-session';
import type { TokenSessions } from '../token-sessions/token-sessions';
import type { TokenSubjects } from './subject';

export interface PasswordAttemptDeps {
  protection: Pick<Protection, 'admit' | 'attempt'>;
  passwordAccounts: Pick<PasswordAccounts, 'authenticate'>;
  deviceTokens: Pick<DeviceTokens, 'verify' | 'issue'>;
  /** REQUIRE_VERIFIED_EMAIL: a right password on an account without a verified address is refused (403 email_not_verified). */
  requireVerifiedEmail?: boolean;
}

/**
 * A password checked as one attempt that account protection counts (and may
 * refuse unchecked): the same answer in the same time for an unknown user and
 * a wrong password. Token sign-in and the browser's sign-in (browser.ts) both
 * start here. A client with a device token of this user's (from an earlier
 * success) is counted on its own lane, apart from the backoff others build up
 * on the name; whoever succeeds gets a new device token.
 */
export async function passwordAttempt(
  deps: PasswordAttemptDeps,
  username: string,
  password: string,
  client: Client,
  deviceToken?: string,
) {
  const { protection, passwordAccounts, deviceTokens } = deps;
  await protection.admit(client);
  const device = await deviceTokens.verify(deviceToken, username);
  const account = await protection.attempt(
    username,
    client,
    () => passwordAccounts.authenticate(username, password),
    (error) => ({ event: 'signin_failed', reason: String(error.cause ?? 'wrong_password') }),
    device?.lane,
  );
  // Only after the password is right: the refusal tells nothing to whoever does not know it.
  if (deps.requireVerifiedEmail && !(account.emailVerified && account.email)) throw new AppError('email_not_verified');
  return { account, deviceToken: await deviceTokens.issue(account.username) };
}

export interface SignInDeps extends PasswordAttemptDeps {
  tokenSessions: Pick<TokenSessions, 'start'>;
  subjects: Pick<TokenSubjects, 'forSignIn'>;
}

/** What sign-in answers: the tokens, and a device token for the client's next sign-in. */
export type SignInResponse = TokenResponse & { device_token: string };

/**
 * Token sign-in: checks the password, as one attempt that account protection
 * counts (and may refuse unchecked), repairs the Kong credential if Kong lost
 * it, and starts a token session.
 */
export function signInFlow(deps: SignInDeps) {
  return async function signIn(username: string, password: string, client: Client, deviceToken?: string): Promise<SignInResponse> {
    const authenticated = await passwordAttempt(deps, username, password, client, deviceToken);
    const tokens = await deps.tokenSessions.start(await deps.subjects.forSignIn(authenticated.account), client);
    return { ...tokens, device_token: authenticated.deviceToken };
  };
}
