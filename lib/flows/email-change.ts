import type { ActiveAccount } from '../accounts/account';
import type { PasswordAccounts } from '../accounts/password-accounts';
import type { Client } from '../platform/http';
import type { Protection } from '../protection/protection';
import type { PresentedCode } from '../second-factors/second-factors';
import type { StepUpCaller, SecondFactorChanges } from './second-factors';

export interface EmailChangeDeps {
  protection: Pick<Protection, 'attempt'>;
  passwordAccounts: Pick<PasswordAccounts, 'checkPassword'>;
  /** A second factor when the account has one: a code given, or a recent one in the session (second-factors.ts). */
  stepUp: SecondFactorChanges['stepUp'];
  /** The mails: a link to the new address, a notice to the old (lib/flows/recovery.ts). */
  requestEmailChange: (account: ActiveAccount, address: string, client: Client) => Promise<{ message: string }>;
}

/**
 * The one email change, for the API (POST /api/jwt/email) and the security
 * page alike. The current password is checked as an attempt at the username
 * on the caller's session lane, as the password change checks it (a stolen
 * access token or session guesses no faster than the backoff). Then, when the
 * account has a second factor, a current code or a recent second factor
 * (OWASP Authentication cheat sheet: re-authenticate before changing the
 * recovery address, which would otherwise be an account takeover path). Only
 * then the mails; the old address stays until the link is used.
 */
export function emailChangeFlow({ protection, passwordAccounts, stepUp, requestEmailChange }: EmailChangeDeps) {
  return async function changeEmail(
    account: ActiveAccount,
    currentPassword: string,
    newEmail: string,
    client: Client,
    claims: StepUpCaller['claims'] = {},
    presented: PresentedCode = {},
  ) {
    await protection.attempt(
      account.username,
      client,
      () => passwordAccounts.checkPassword(account, currentPassword),
      () => ({ event: 'password_change_failed', reason: 'wrong_password_email_change' }),
      claims.sid === undefined ? undefined : `session#${claims.sid}`,
    );
    // After the password: a wrong password answers as it always did, and reveals nothing about the factors.
    await stepUp({ account, claims }, presented, client);
    return requestEmailChange(account, newEmail, client);
  };
}
