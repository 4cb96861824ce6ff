import { publicAccount, type AccountIdentity, type ActiveAccount } from '../accounts/account';
import type { PasswordAccounts } from '../accounts/password-accounts';
import type { PasswordPolicy } from '../accounts/password-policy';
import type { KongCredentials } from '../kong/credentials';
import type { Client } from '../platform/http';
import type { Protection } from '../protection/protection';
import type { TokenSubjects } from './subject';

export interface AccountCreationDeps {
  protection: Pick<Protection, 'admit' | 'attempt'>;
  passwordPolicy: Pick<PasswordPolicy, 'check'>;
  passwordAccounts: Pick<PasswordAccounts, 'signUp'>;
  kongCredentials: Pick<KongCredentials, 'provision' | 'discard' | 'keepOnly'>;
  subjects: Pick<TokenSubjects, 'currentKey'>;
}

export type CreateAccount = (username: string, password: string, client: Client, identity?: AccountIdentity) => Promise<ActiveAccount>;

/**
 * Checks the password against the rules, claims the name and gives it a Kong
 * consumer and credential: every account gets one, however it was made, so
 * that a user who signed up for browser sessions can also sign in for tokens,
 * and the reverse. An address blocked for failed sign-ins cannot sign up either.
 */
export function accountCreation({ protection, passwordPolicy, passwordAccounts, kongCredentials, subjects }: AccountCreationDeps): CreateAccount {
  return async function createAccount(username, password, client, identity) {
    await protection.admit(client);
    await passwordPolicy.check(password, username);
    return passwordAccounts.signUp(
      username,
      password,
      {
        provision: async () => kongCredentials.provision(username, await subjects.currentKey()),
        discard: (credential) => kongCredentials.discard(credential),
        keepOnly: (credential) => kongCredentials.keepOnly(credential),
      },
      identity,
      // A retry's password check counts as a sign-in attempt (password-accounts.ts says why).
      (check) => protection.attempt(username, client, check, () => ({ event: 'signin_failed', reason: 'signup_retry_wrong_password' })),
    );
  };
}

/** Token sign-up: the account's public fields. */
export function signUpFlow({ createAccount }: { createAccount: CreateAccount }) {
  return async function signUp(username: string, password: string, client: Client) {
    return publicAccount(await createAccount(username, password, client));
  };
}
