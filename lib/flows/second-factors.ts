import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import type { ActiveAccount } from '../accounts/account';
import type { Passkeys } from '../passkeys/passkeys';
import type { PasskeyManagement } from '../passkeys/management';
import type { PasskeyView } from '../passkeys/types';
import type { Client } from '../platform/http';
import type { Protection } from '../protection/protection';
import type { PresentedCode, SecondFactors } from '../second-factors/second-factors';
import { invalidCode, mfaRequired } from '../second-factors/types';
import type { AccessTokenClaims } from '../tokens/access-tokens';

/** Who asks for a change: the account, and how its session signed in (amr, auth_time) and which session it is. */
export interface StepUpCaller {
  account: ActiveAccount;
  claims: Partial<Pick<AccessTokenClaims, 'amr' | 'auth_time' | 'sid'>>;
}

export interface SecondFactorChangeDeps {
  secondFactors: Pick<SecondFactors, 'methods' | 'verify' | 'startTotp' | 'confirmTotp' | 'disableTotp' | 'regenerateRecoveryCodes' | 'recoveryCodeCount'>;
  protection: Pick<Protection, 'attempt'>;
  /** How recent a second factor must be for a change without a code (MFA_STEP_UP_SECONDS). */
  stepUpSeconds: number;
  clock?: () => number;
}

const hasCode = (presented: PresentedCode) => presented.code !== undefined || presented.recovery_code !== undefined;

/**
 * Second factors managed by their owner, and the step-up check of sensitive
 * changes (OWASP MFA cheat sheet: re-authenticate before changing factors or
 * the password). A code given with a change is one attempt on the account's
 * backoff, on the session's lane as the password change counts its guesses:
 * a stolen access token guesses codes no faster than passwords.
 */
export function secondFactorChanges({ secondFactors, protection, stepUpSeconds, clock = Date.now }: SecondFactorChangeDeps) {
  async function verifyCode({ account, claims }: StepUpCaller, presented: PresentedCode, client: Client) {
    await protection.attempt(
      account.username,
      client,
      () => secondFactors.verify(account.id, presented),
      () => ({ event: 'second_factor_failed', reason: 'wrong_code' }),
      claims.sid === undefined ? undefined : `session#${claims.sid}`,
    );
  }

  /**
   * A change that needs a second factor when the account has one: a code in
   * the request, or a session whose second factor is at most `stepUpSeconds`
   * old; else 403 mfa_required with the methods that would do.
   */
  async function stepUp(caller: StepUpCaller, presented: PresentedCode, client: Client): Promise<void> {
    const methods = await secondFactors.methods(caller.account.id);
    if (methods.length === 0) return;
    if (hasCode(presented)) return verifyCode(caller, presented, client);
    const { amr, auth_time: authTime } = caller.claims;
    const recent = authTime !== undefined && Math.floor(clock() / 1000) - authTime <= stepUpSeconds;
    if (recent && amr?.includes('mfa')) return;
    throw mfaRequired({ methods });
  }

  /** A change that needs a current code whatever the session (turning TOTP off, new recovery codes): 403 mfa_required without one. */
  async function requireCode(caller: StepUpCaller, presented: PresentedCode, client: Client): Promise<void> {
    if (!hasCode(presented)) {
      const methods = await secondFactors.methods(caller.account.id);
      if (methods.length === 0) throw invalidCode();
      throw mfaRequired({ methods });
    }
    await verifyCode(caller, presented, client);
  }

  return {
    stepUp,
    requireCode,
    startTotp: ({ account }: StepUpCaller) => secondFactors.startTotp(account.id, account.username),
    confirmTotp: ({ account }: StepUpCaller, code: string) => secondFactors.confirmTotp(account.id, account.username, code),
    async disableTotp(caller: StepUpCaller, presented: PresentedCode, client: Client) {
      await requireCode(caller, presented, client);
      await secondFactors.disableTotp(caller.account.id, caller.account.username);
    },
    async regenerateRecoveryCodes(caller: StepUpCaller, presented: PresentedCode, client: Client) {
      await requireCode(caller, presented, client);
      return { recovery_codes: await secondFactors.regenerateRecoveryCodes(caller.account.id, caller.account.username) };
    },
    async status({ account }: StepUpCaller) {
      const [methods, recoveryCodes] = await Promise.all([secondFactors.methods(account.id), secondFactors.recoveryCodeCount(account.id)]);
      return { totp: methods.includes('totp'), recovery_codes_left: recoveryCodes };
    },
  };
}

export type SecondFactorChanges = ReturnType<typeof secondFactorChanges>;

export interface PasskeyChangeDeps {
  passkeys: Pick<PasskeyManagement, 'list' | 'rename' | 'remove'>;
  /** The recovery codes go with the last factor they recover. */
  secondFactors: Pick<SecondFactors, 'dropRecoveryCodesWithoutFactor'>;
  /** The step-up check of secondFactorChanges: a code, or a session whose second factor is recent. */
  stepUp: SecondFactorChanges['stepUp'];
}

/**
 * Passkeys managed by their owner, from a token (/api/jwt/passkeys) or a
 * browser session (the security page): one rule set for both. Removing one
 * is a step-up change (OWASP MFA cheat sheet: re-authenticate before
 * changing factors): a code in the request, or a session whose second
 * factor is at most MFA_STEP_UP_SECONDS old, so a stolen access token or an
 * unattended browser cannot take the owner's passkey away. Everything is by
 * the caller's account id, so another account's credential id is a 404
 * like an unknown one. Removing the last factor drops the recovery codes.
 * Adding one is passkeyRegistration's (the ceremony,
 * kept apart so that these three carry no WebAuthn verifier).
 */
export function passkeyChanges({ passkeys, secondFactors, stepUp }: PasskeyChangeDeps) {
  return {
    list: ({ account }: StepUpCaller) => passkeys.list(account.id),
    rename: ({ account }: StepUpCaller, credentialId: string, name: string) => passkeys.rename(account.id, credentialId, name),
    async remove(caller: StepUpCaller, credentialId: string, presented: PresentedCode, client: Client) {
      // Before the lookup: without the step-up, a known and an unknown id answer alike.
      await stepUp(caller, presented, client);
      await passkeys.remove(caller.account, credentialId);
      // Recovery codes alone are no second factor: kept, they would hold a password sign-in behind them.
      await secondFactors.dropRecoveryCodesWithoutFactor(caller.account.id);
    },
  };
}

export type PasskeyChanges = ReturnType<typeof passkeyChanges>;

export interface PasskeyRegistrationDeps {
  passkeys: Pick<Passkeys, 'registrationOptions' | 'register'>;
  secondFactors: Pick<SecondFactors, 'firstRecoveryCodes'>;
  stepUp: SecondFactorChanges['stepUp'];
}

/**
 * A passkey added by its owner (token API or the security page's script).
 * Adding one to an account that has a second factor is a step-up change: a
 * stolen access token or session cannot plant the thief's passkey (a way in
 * without the password). The step-up is checked when the registration
 * challenge is made: the response can only use a challenge made for this
 * account, once.
 */
export function passkeyRegistration({ passkeys, secondFactors, stepUp }: PasskeyRegistrationDeps) {
  return {
    async registrationOptions(caller: StepUpCaller, presented: PresentedCode, client: Client) {
      await stepUp(caller, presented, client);
      return passkeys.registrationOptions(caller.account);
    },
    /**
     * The new passkey as the list shows it, and, when the account had no
     * recovery codes, ten new ones, answered this once (stored as hashes):
     * an account whose only factor is a passkey is otherwise locked out
     * when it loses it.
     */
    async register({ account }: StepUpCaller, response: RegistrationResponseJSON, name?: string): Promise<PasskeyView & { recovery_codes?: string[] }> {
      const added = await passkeys.register(account, response, name);
      const codes = await secondFactors.firstRecoveryCodes(account.id, account.username);
      return codes ? { ...added, recovery_codes: codes } : added;
    },
  };
}

export type PasskeyRegistration = ReturnType<typeof passkeyRegistration>;
