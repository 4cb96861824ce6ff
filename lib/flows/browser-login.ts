import { passwordAccounts } from '../accounts/hashing';
import { browserSessions } from '../browser-sessions';
import type { Client } from '../platform/http';
import { protection } from '../protection';

/**
 * Sign-in on /signin: the same answer in the same time for an unknown user
 * and a wrong password (passwordAccounts.authenticate), counted by account
 * protection as signin is, then a new session. Its own file, apart from
 * browser.ts, so that authenticate does not bundle the password hasher.
 */
export async function logIn(username: string, password: string, client: Client) {
  await protection.admit(client);
  const account = await protection.attempt(
    username,
    client,
    () => passwordAccounts.authenticate(username, password),
    (error) => ({ event: 'signin_failed', reason: String(error.cause ?? 'wrong_password') }),
  );
  return browserSessions.start({ id: account.id, username: account.username, email: account.email, firstName: account.firstName });
}
