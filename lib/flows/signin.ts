import { accounts } from '../accounts';
import { sessions, type TokenResponse } from '../sessions';
import { signinSubject } from './subject';

/** Checks the password, repairs the Kong credential if Kong lost it, and starts a session. */
export async function signIn(username: string, password: string): Promise<TokenResponse> {
  return sessions.start(await signinSubject(await accounts.authenticate(username, password)));
}
