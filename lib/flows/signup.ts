import { accounts, publicAccount, type AccountIdentity, type ActiveAccount } from '../accounts';
import { kongCredentials } from '../kong';

/**
 * Claims the name and gives it a Kong consumer and credential: every
 * account gets one, however it was made, so that a user registered for
 * browser sessions can also sign in for tokens, and the reverse.
 */
export function createAccount(username: string, password: string, identity?: AccountIdentity): Promise<ActiveAccount> {
  return accounts.signUp(
    username,
    password,
    {
      provision: () => kongCredentials.provision(username),
      discard: (credential) => kongCredentials.discard(credential),
      keepOnly: (credential) => kongCredentials.keepOnly(credential),
    },
    identity,
  );
}

/** Signup for tokens: the account's public fields. */
export async function signUp(username: string, password: string) {
  return publicAccount(await createAccount(username, password));
}
