import type { Client } from '../platform/http';
import { sessions, type TokenResponse } from '../token-sessions';
import { passwordAttempt } from './password-attempt';
import { signinSubject } from './subject';

/**
 * Checks the password, as one attempt that account protection counts (and
 * may refuse unchecked), repairs the Kong credential if Kong lost it, and
 * starts a session.
 */
export async function signIn(username: string, password: string, client: Client): Promise<TokenResponse> {
  const authenticated = await passwordAttempt(username, password, client);
  return sessions.start(await signinSubject(authenticated), client);
}
