import { publicAccount, type AccountIdentity, type ActiveAccount } from '../accounts';
import { passwordAccounts } from '../accounts/hashing';
import { passwordPolicy } from '../accounts/policy';
import { kongCredentials } from '../kong';
import type { Client } from '../platform/http';
import { protection } from '../protection';
import { currentKey } from './subject';

/**
 * Checks the password against the rules, claims the name and gives it a Kong
 * consumer and credential: every account gets one, however it was made, so
 * that a user registered for browser sessions can also sign in for tokens,
 * and the reverse. An address blocked for failed signins cannot sign up either.
 */
export async function createAccount(username: string, password: string, client: Client, identity?: AccountIdentity): Promise<ActiveAccount> {
  await protection.admit(client);
  await passwordPolicy.check(password, username);
  return passwordAccounts.signUp(
    username,
    password,
    {
      provision: async () => kongCredentials.provision(username, await currentKey()),
      discard: (credential) => kongCredentials.discard(credential),
      keepOnly: (credential) => kongCredentials.keepOnly(credential),
    },
    identity,
  );
}

/** Signup for tokens: the account's public fields. */
export async function signUp(username: string, password: string, client: Client) {
  return publicAccount(await createAccount(username, password, client));
}
