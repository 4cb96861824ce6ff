import { passwordAccounts } from '../accounts/hashing';
import type { Client } from '../platform/http';
import { protection } from '../protection';

/**
 * A password checked as one attempt that account protection counts (and may
 * refuse unchecked): the same answer in the same time for an unknown user and
 * a wrong password. Token signin and the browser's sign-in page both start
 * here; its own file, so that neither pulls in what only the other needs.
 */
export async function passwordAttempt(username: string, password: string, client: Client) {
  await protection.admit(client);
  return protection.attempt(
    username,
    client,
    () => passwordAccounts.authenticate(username, password),
    (error) => ({ event: 'signin_failed', reason: String(error.cause ?? 'wrong_password') }),
  );
}
