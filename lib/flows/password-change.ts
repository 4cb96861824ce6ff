import type { ActiveAccount } from '../accounts/account';
import type { PasswordAccounts } from '../accounts/password-accounts';
import type { PasswordPolicy } from '../accounts/password-policy';
import type { KongCredentials } from '../kong/credentials';
import { nowSeconds } from '../platform/clock';
import type { Client } from '../platform/http';
import { securityEvent } from '../platform/security-events';
import type { DeviceTokens } from '../protection/device-tokens';
import type { Protection } from '../protection/protection';
import type { TokenSessions } from '../token-sessions/token-sessions';
import type { PresentedCode } from '../second-factors/second-factors';
import type { AccessTokenClaims } from '../tokens/access-tokens';
import type { SecondFactorChanges } from './second-factors';
import type { SignInResponse } from './sign-in';
import type { TokenSubjects } from './subject';

export interface PasswordChangeDeps {
  passwordPolicy: Pick<PasswordPolicy, 'check'>;
  protection: Pick<Protection, 'attempt'>;
  passwordAccounts: Pick<PasswordAccounts, 'checkPassword' | 'setPassword'>;
  tokenSessions: Pick<TokenSessions, 'endAll' | 'start'>;
  kongCredentials: Pick<KongCredentials, 'rotate'>;
  subjects: Pick<TokenSubjects, 'currentKey' | 'subjectOf'>;
  deviceTokens: Pick<DeviceTokens, 'issue'>;
  /** A second factor when the account has one: a code given, or a recent one in the session (second-factors.ts). */
  stepUp: SecondFactorChanges['stepUp'];
}

/**
 * Changes the password after checking the current one, ends every session,
 * and answers fresh tokens. The new password is checked against the rules
 * first, so that a weak one costs no attempt. The current one is checked as
 * an attempt at the username, on the same count as sign-in: with a stolen
 * access token this route would otherwise be an unthrottled way to guess it.
 * The caller's session is what proves it signed in before, as a device token
 * does at sign-in: its guesses are counted on the session's own lane
 * (`session#<id>`), so that others' failures at sign-in cannot hold a signed-in
 * user off changing the password, and a stolen access token still guesses no
 * faster than the backoff allows.
 * Sessions end before the password changes: if a later step fails, the old
 * password still works and a retry starts over. Raising the sign-out epoch
 * revokes the user's device tokens too: the answer brings this client a new one.
 */
export function passwordChangeFlow(deps: PasswordChangeDeps) {
  const { passwordPolicy, protection, passwordAccounts, tokenSessions, kongCredentials, subjects, deviceTokens, stepUp } = deps;
  return async function changePassword(
    account: ActiveAccount,
    currentPassword: string,
    newPassword: string,
    client: Client,
    claims: Partial<Pick<AccessTokenClaims, 'sid' | 'amr' | 'auth_time'>> = {},
    presented: PresentedCode = {},
  ): Promise<SignInResponse> {
    const sessionId: string | undefined = claims.sid;
    await passwordPolicy.check(newPassword, account.username, 'new_password');
    await protection.attempt(
      account.username,
      client,
      () => passwordAccounts.checkPassword(account, currentPassword),
      () => ({ event: 'password_change_failed', reason: 'wrong_password' }),
      sessionId === undefined ? undefined : `session#${sessionId}`,
    );
    // After the password: a wrong password answers as it always did, and reveals nothing about the factors.
    await stepUp({ account, claims }, presented, client);
    await tokenSessions.endAll(account.username);
    const key = await subjects.currentKey();
    const updated = await kongCredentials.rotate(await passwordAccounts.setPassword(account, newPassword), key);
    securityEvent('password_changed', { username: account.username, reason: 'user_request' });
    // The new session proved the password now, and keeps whatever second factor the caller's had or just gave.
    const secondFactor = presented.code !== undefined || presented.recovery_code !== undefined || claims.amr?.includes('mfa');
    const signedIn = { amr: secondFactor ? ['pwd', 'otp', 'mfa'] : ['pwd'], authTime: nowSeconds() };
    const tokens = await tokenSessions.start(subjects.subjectOf(updated, key), client, signedIn);
    return { ...tokens, device_token: await deviceTokens.issue(account.username) };
  };
}
