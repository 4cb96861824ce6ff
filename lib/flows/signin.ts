import { passwordAccounts } from '../accounts/hashing';
import type { Client } from '../platform/http';
import { protection } from '../protection';
import { sessions, type TokenResponse } from '../sessions';
import { signinSubject } from './subject';

/**
 * Checks the password, as one attempt that account protection counts (and
 * may refuse unchecked), repairs the Kong credential if Kong lost it, and
 * starts a session.
 */
export async function signIn(username: string, password: string, client: Client): Promise<TokenResponse> {
  await protection.admit(client);
  const authenticated = await protection.attempt(
    username,
    client,
    () => passwordAccounts.authenticate(username, password),
    (error) => ({ event: 'signin_failed', reason: String(error.cause ?? 'wrong_password') }),
  );
  return sessions.start(await signinSubject(authenticated), client);
}
