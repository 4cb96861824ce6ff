import { browserSessions } from '../browser-sessions';
import type { Client } from '../platform/http';
import { passwordAttempt } from './password-attempt';

/**
 * Sign-in on /signin: the password checked as signin checks it, then a new
 * session. Its own file, apart from browser.ts, so that authenticate does not
 * bundle the password hasher.
 */
export async function logIn(username: string, password: string, client: Client) {
  const account = await passwordAttempt(username, password, client);
  return browserSessions.start({ id: account.id, username: account.username, email: account.email, firstName: account.firstName });
}
