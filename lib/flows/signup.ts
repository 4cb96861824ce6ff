import { accounts, publicAccount } from '../accounts';
import { kongCredentials } from '../kong';

/** Claims the name, gives it a Kong consumer and credential, and answers the account's public fields. */
export async function signUp(username: string, password: string) {
  const account = await accounts.signUp(username, password, {
    provision: () => kongCredentials.provision(username),
    discard: (credential) => kongCredentials.discard(credential),
    keepOnly: (credential) => kongCredentials.keepOnly(credential),
  });
  return publicAccount(account);
}
