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

/** Gives a new account its address, or tells the address's owner (lib/flows/recovery.ts): the caller's answer is the same either way. */
export type ClaimAddress = (account: ActiveAccount, address: string) => Promise<void>;

/**
 * Token sign-up: the account's public fields. An address is not part of the
 * account's claim: it is given after, where its uniqueness is decided, so
 * that an address in use changes nothing the caller sees.
 */
export function signUpFlow({ createAccount, claimAddress }: { createAccount: CreateAccount; claimAddress: ClaimAddress }) {
  return async function signUp(username: string, password: string, client: Client, email?: string) {
    const account = await createAccount(username, password, client);
    if (email) await claimAddress(account, email);
    return publicAccount(account);
  };
}
