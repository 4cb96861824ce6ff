import { isActive, type ActiveAccount } from '../accounts/account';
import type { Accounts } from '../accounts/accounts';
import type { PasswordAccounts } from '../accounts/password-accounts';
import { nowSeconds } from '../platform/clock';
import { AppError } from '../platform/errors';
import { securityEvent } from '../platform/security-events';
import type { PresentedCode, SecondFactors } from '../second-factors/second-factors';
import { invalidMfaToken, mfaRequired } from '../second-factors/types';
import type { SignInMethods } from '../tokens/access-tokens';
import type { Client } from '../platform/http';
import type { DeviceTokens } from '../protection/device-tokens';
import type { Protection } from '../protection/protection';
import type { TokenResponse } from '../token-sessions/token-session';
import type { TokenSessions } from '../token-sessions/token-sessions';
import type { TokenSubjects } from './subject';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { Passkeys } from '../passkeys/passkeys';
import type { PasskeySecondStepOptions } from '../passkeys/second-step-options';
import { invalidPasskey } from '../passkeys/types';

export interface PasswordAttemptDeps {
  protection: Pick<Protection, 'admit' | 'attempt'>;
  passwordAccounts: Pick<PasswordAccounts, 'authenticate' | 'get'>;
  deviceTokens: Pick<DeviceTokens, 'verify' | 'issue'>;
  /** REQUIRE_VERIFIED_EMAIL: a right password on an account without a verified address is refused (403 email_not_verified). */
  requireVerifiedEmail?: boolean;
  secondFactors: Pick<SecondFactors, 'methods' | 'beginSignIn'>;
  /** Given: an account with a passkey gets, in its mfa_required answer, `passkey_options` for its second step. */
  passkeys?: Pick<PasskeySecondStepOptions, 'secondStepOptions'>;
}

/** A whole sign-in: the account, the client's next device token, and how the user signed in (for the session's amr and auth_time). */
export interface Authenticated {
  account: ActiveAccount;
  deviceToken: string;
  signedIn: SignInMethods;
}

/**
 * A password checked as one attempt that account protection counts (and may
 * refuse unchecked): the same answer in the same time for an unknown user and
 * a wrong password. Token sign-in and the browser's sign-in (browser.ts) both
 * start here. A client with a device token of this user's (from an earlier
 * success) is counted on its own lane, apart from the backoff others build up
 * on the name; whoever succeeds gets a new device token.
 *
 * An account with a second factor: the right password answers 403
 * mfa_required with an mfa_token and nothing else (no tokens, no device
 * token), and leaves the backoff's count as it was: the second step
 * (secondFactorAttempt) counts its wrong codes on the same name or lane, and
 * only its success forgets them.
 */
export async function passwordAttempt(
  deps: PasswordAttemptDeps,
  username: string,
  password: string,
  client: Client,
  deviceToken?: string,
): Promise<Authenticated> {
  const { protection, passwordAccounts, deviceTokens, secondFactors } = deps;
  // The account, the address's block and the device token's epoch are read side by side (one BatchGetItem:
  // lib/platform/dynamodb.ts consistentGet); the password is checked only once the attempt is admitted and counted.
  const stored = passwordAccounts.get(username);
  stored.catch(() => undefined); // a refused attempt never awaits it
  const [, device] = await Promise.all([protection.admit(client), deviceTokens.verify(deviceToken, username)]);
  const { account, methods, nextDeviceToken } = await protection.attempt(
    username,
    client,
    async () => {
      const account = await passwordAccounts.authenticate(username, password, stored);
      // The client's next device token is made beside the second-factor read (its epoch read with them, one
      // BatchGetItem: lib/platform/dynamodb.ts consistentGet); it is handed out only if no second step follows.
      const [methods, nextDeviceToken] = await Promise.all([secondFactors.methods(account.id), deviceTokens.issue(account.username)]);
      return { account, methods, nextDeviceToken };
    },
    (error) => ({ event: 'signin_failed', reason: String(error.cause ?? 'wrong_password') }),
    device?.lane,
    (result) => result.methods.length > 0,
  );
  // Only after the password is right: the refusal tells nothing to whoever does not know it.
  if (deps.requireVerifiedEmail && !(account.emailVerified && account.email)) throw new AppError('email_not_verified');
  if (methods.length > 0) {
    const mfaToken = await secondFactors.beginSignIn(account, ['pwd'], device?.lane);
    const passkeyOptions = methods.includes('passkey') && deps.passkeys ? await deps.passkeys.secondStepOptions(account.id) : undefined;
    throw mfaRequired({ mfa_token: mfaToken, methods, ...(passkeyOptions ? { passkey_options: passkeyOptions } : {}) });
  }
  return { account, deviceToken: nextDeviceToken, signedIn: { amr: ['pwd'], authTime: nowSeconds() } };
}

export interface SecondFactorAttemptDeps {
  protection: Pick<Protection, 'admit' | 'attempt'>;
  accounts: Pick<Accounts, 'get'>;
  deviceTokens: Pick<DeviceTokens, 'issue'>;
  secondFactors: Pick<SecondFactors, 'pendingSignIn' | 'verify' | 'failSignIn' | 'completeSignIn'>;
  /** Given: a passkey assertion may complete the second step (`passkey` in the body). */
  passkeys?: Pick<Passkeys, 'verifySecondStep'>;
}

/** What completes a second step: a TOTP code, a recovery code, or a passkey's assertion (for the options in mfa_required). */
export type SecondStep = PresentedCode & { passkey?: AuthenticationResponseJSON };

/**
 * The second step of a sign-in (an mfa_token from passwordAttempt, and a
 * TOTP code, a recovery code or a passkey's assertion): one attempt on the
 * same backoff as the password, on the same lane. A wrong code or passkey
 * (another account's included) costs the mfa_token one of its tries and
 * counts as a failed sign-in; a right one completes the sign-in once, with
 * amr pwd + otp + mfa (RFC 8176: a recovery code is a one-time password
 * too), or pwd + hwk|swk + user + mfa for a passkey.
 */
export async function secondFactorAttempt(
  { protection, accounts, deviceTokens, secondFactors, passkeys }: SecondFactorAttemptDeps,
  mfaToken: string,
  presented: SecondStep,
  client: Client,
): Promise<Authenticated> {
  await protection.admit(client);
  const pending = await secondFactors.pendingSignIn(mfaToken);
  const { passkey, ...code } = presented;
  const verify = async (): Promise<{ method: string; amr: string[] }> => {
    if (passkey === undefined) return { method: await secondFactors.verify(pending.accountId, code), amr: ['otp'] };
    if (!passkeys) throw invalidPasskey('not_offered');
    // Bound to the mfa_token's account: another account's passkey is refused as a wrong code is, and counted.
    return { method: 'passkey', amr: (await passkeys.verifySecondStep(pending.accountId, passkey)).amr };
  };
  const { method, amr } = await protection.attempt(
    pending.username,
    client,
    async () => {
      try {
        return await verify();
      } catch (error) {
        if (error instanceof AppError && (error.code === 'invalid_code' || error.code === 'invalid_passkey')) await secondFactors.failSignIn(mfaToken);
        throw error;
      }
    },
    () => ({
      event: 'second_factor_failed',
      reason: passkey !== undefined ? 'wrong_passkey' : presented.recovery_code === undefined ? 'wrong_code' : 'wrong_recovery_code',
    }),
    pending.lane,
  );
  const completed = await secondFactors.completeSignIn(mfaToken);
  const account = await accounts.get(completed.username);
  if (!isActive(account) || account.id !== completed.accountId) throw invalidMfaToken();
  if (method === 'recovery_code') securityEvent('recovery_code_used', { username: account.username });
  return {
    account,
    deviceToken: await deviceTokens.issue(account.username),
    signedIn: { amr: [...new Set([...completed.amr, ...amr, 'mfa'])], authTime: nowSeconds() },
  };
}

export interface PasskeyAttemptDeps {
  protection: Pick<Protection, 'admit' | 'attempt'>;
  accounts: Pick<Accounts, 'get'>;
  deviceTokens: Pick<DeviceTokens, 'issue'>;
  passkeys: Pick<Passkeys, 'claimedOwner' | 'verifyAssertion'>;
  requireVerifiedEmail?: boolean;
}

/**
 * A passwordless sign-in with a passkey (a discoverable credential, user
 * verified): the same protection as a password (the address's block, the
 * account's backoff: a response that does not verify counts as a failed
 * sign-in of the account it names), the same security events, the same
 * sessions. An unknown credential names no account to count on; it is
 * refused and reported (passkey_failed), and the address's limits still
 * apply. No second step follows: user verification on a key the user holds
 * is already two factors (amr in passkeys.ts).
 */
export async function passkeyAttempt(
  { protection, accounts, deviceTokens, passkeys, requireVerifiedEmail }: PasskeyAttemptDeps,
  response: AuthenticationResponseJSON,
  client: Client,
): Promise<Authenticated> {
  await protection.admit(client);
  const owner = await passkeys.claimedOwner(response);
  const assertion = await protection.attempt(
    owner.username,
    client,
    () => passkeys.verifyAssertion(response),
    (error) => ({ event: 'passkey_failed', reason: String(error.cause ?? 'unverified') }),
  );
  const account = await accounts.get(owner.username);
  // A passkey outlives nothing: erasure removes it, but a later account under the same name is someone else.
  if (!account || account.id !== assertion.accountId) throw invalidPasskey('account_gone');
  if (account.status !== 'active') throw new AppError('account_disabled');
  if (!isActive(account)) throw invalidPasskey('account_incomplete');
  if (requireVerifiedEmail && !(account.emailVerified && account.email)) throw new AppError('email_not_verified');
  return { account, deviceToken: await deviceTokens.issue(account.username), signedIn: { amr: assertion.amr, authTime: nowSeconds() } };
}

export interface PasskeySignInDeps extends PasskeyAttemptDeps {
  tokenSessions: Pick<TokenSessions, 'start'>;
  subjects: Pick<TokenSubjects, 'forSignIn'>;
}

/** POST /api/public/passkey/verify: a passkey sign-in answering what a sign-in answers. */
export function passkeySignInFlow(deps: PasskeySignInDeps) {
  return async function signInWithPasskey(response: AuthenticationResponseJSON, client: Client): Promise<SignInResponse> {
    return tokensFor(deps, await passkeyAttempt(deps, response, client), client);
  };
}

export interface SignInDeps extends PasswordAttemptDeps {
  tokenSessions: Pick<TokenSessions, 'start'>;
  subjects: Pick<TokenSubjects, 'forSignIn'>;
}

/** What sign-in answers: the tokens, and a device token for the client's next sign-in. */
export type SignInResponse = TokenResponse & { device_token: string };

/**
 * Token sign-in: checks the password, as one attempt that account protection
 * counts (and may refuse unchecked), repairs the Kong credential if Kong lost
 * it, and starts a token session.
 */
export function signInFlow(deps: SignInDeps) {
  return async function signIn(username: string, password: string, client: Client, deviceToken?: string): Promise<SignInResponse> {
    return tokensFor(deps, await passwordAttempt(deps, username, password, client, deviceToken), client);
  };
}

export interface SecondFactorSignInDeps extends SecondFactorAttemptDeps {
  tokenSessions: Pick<TokenSessions, 'start'>;
  subjects: Pick<TokenSubjects, 'forSignIn'>;
}

/** POST /api/public/signin/mfa: the second step of a token sign-in, answering what a sign-in answers. */
export function secondFactorSignInFlow(deps: SecondFactorSignInDeps) {
  return async function signInWithSecondFactor(mfaToken: string, presented: SecondStep, client: Client): Promise<SignInResponse> {
    return tokensFor(deps, await secondFactorAttempt(deps, mfaToken, presented, client), client);
  };
}

async function tokensFor(
  deps: { tokenSessions: Pick<TokenSessions, 'start'>; subjects: Pick<TokenSubjects, 'forSignIn'> },
  { account, deviceToken, signedIn }: Authenticated,
  client: Client,
): Promise<SignInResponse> {
  const tokens = await deps.tokenSessions.start(await deps.subjects.forSignIn(account), client, signedIn);
  return { ...tokens, device_token: deviceToken };
}
