import { accounts, publicAccount } from '../accounts';
import { kongCredentials } from '../kong';

/** Claims the name, gives it a Kong consumer and credential, and answers the account's public fields. */
export async function signUp(username: string, password: string) {
  return publicAccount(await accounts.signUp(username, password, () => kongCredentials.provision(username, true)));
}
