import { accounts, publicAccount } from '../accounts';
import { kongCredentials } from '../kong';
import { currentKey } from './subject';

/** Claims the name, gives it a Kong consumer and credential, and answers the account's public fields. */
export async function signUp(username: string, password: string) {
  const account = await accounts.signUp(username, password, {
    provision: async () => kongCredentials.provision(username, await currentKey()),
    discard: (credential) => kongCredentials.discard(credential),
    keepOnly: (credential) => kongCredentials.keepOnly(credential),
  });
  return publicAccount(account);
}
