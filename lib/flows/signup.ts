import { accounts, publicAccount } from '../accounts';
import { passwordPolicy } from '../accounts/policy';
import { kongCredentials } from '../kong';
import type { Client } from '../platform/http';
import { protection } from '../protection';

/**
 * Checks the password against the rules, claims the name, gives it a Kong
 * consumer and credential, and answers the account's public fields. An
 * address blocked for failed signins cannot sign up either.
 */
export async function signUp(username: string, password: string, client: Client) {
  await protection.admit(client);
  await passwordPolicy.check(password, username);
  const account = await accounts.signUp(username, password, {
    provision: () => kongCredentials.provision(username),
    discard: (credential) => kongCredentials.discard(credential),
    keepOnly: (credential) => kongCredentials.keepOnly(credential),
  });
  return publicAccount(account);
}
