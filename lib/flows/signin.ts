import { accounts } from '../accounts';
import { kongCredentials } from '../kong';
import { sessions, type TokenResponse } from '../sessions';
import { subjectOf } from './subject';

/** Checks the password, repairs the Kong credential if Kong lost it, and starts a session. */
export async function signIn(username: string, password: string): Promise<TokenResponse> {
  const account = await kongCredentials.ensure(await accounts.authenticate(username, password));
  return sessions.start(subjectOf(account));
}
