import type { ActiveAccount } from '../accounts';
import type { Client } from '../platform/http';
import { createAccount } from './signup';

/**
 * Registration for browser sessions: the signup flow, with the identity
 * fields on the account. Its own file, apart from browser.ts, so that login
 * and authenticate do not bundle the password rules' dictionaries.
 */
export async function register(username: string, password: string, email: string, firstName: string, client: Client) {
  const account = await createAccount(username, password, client, { email, firstName });
  return registeredAccount(account);
}

const registeredAccount = (account: ActiveAccount) => ({
  username: account.username,
  email: account.email,
  first_name: account.firstName,
  created_at: account.createdAt,
});
