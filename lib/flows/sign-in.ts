import type { PasswordAccounts } from '../accounts/password-accounts';
import type { Client } from '../platform/http';
import type { Protection } from '../protection/protection';
import type { TokenResponse } from '../token-sessions/token-session';
import type { TokenSessions } from '../token-sessions/token-sessions';
import type { TokenSubjects } from './subject';

export interface PasswordAttemptDeps {
  protection: Pick<Protection, 'admit' | 'attempt'>;
  passwordAccounts: Pick<PasswordAccounts, 'authenticate'>;
}

/**
 * A password checked as one attempt that account protection counts (and may
 * refuse unchecked): the same answer in the same time for an unknown user and
 * a wrong password. Token sign-in and the browser's sign-in (browser.ts) both start here.
 */
export async function passwordAttempt({ protection, passwordAccounts }: PasswordAttemptDeps, username: string, password: string, client: Client) {
  await protection.admit(client);
  return protection.attempt(
    username,
    client,
    () => passwordAccounts.authenticate(username, password),
    (error) => ({ event: 'signin_failed', reason: String(error.cause ?? 'wrong_password') }),
  );
}

export interface SignInDeps extends PasswordAttemptDeps {
  tokenSessions: Pick<TokenSessions, 'start'>;
  subjects: Pick<TokenSubjects, 'forSignIn'>;
}

/**
 * Token sign-in: checks the password, as one attempt that account protection
 * counts (and may refuse unchecked), repairs the Kong credential if Kong lost
 * it, and starts a token session.
 */
export function signInFlow(deps: SignInDeps) {
  return async function signIn(username: string, password: string, client: Client): Promise<TokenResponse> {
    const authenticated = await passwordAttempt(deps, username, password, client);
    return deps.tokenSessions.start(await deps.subjects.forSignIn(authenticated), client);
  };
}
