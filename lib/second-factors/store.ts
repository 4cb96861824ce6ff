import type { PendingSignIn, TotpFactor } from './types';

/**
 * Where second factors live: the tokens table under `mfa#` (dynamodb-store.ts),
 * memory in unit tests. Every change that must happen once (a time step used,
 * a recovery code spent, a pending sign-in completed) is one conditional write.
 */
export interface SecondFactorStore {
  getTotp(accountId: string): Promise<TotpFactor | undefined>;
  /** Stores a pending TOTP, replacing a pending one; false when a confirmed one exists. */
  putPendingTotp(accountId: string, factor: TotpFactor): Promise<boolean>;
  /** Confirms the pending TOTP whose secret is `sealedSecret`, using `step`; false if it is no longer that one. */
  confirmTotp(accountId: string, sealedSecret: string, step: number): Promise<boolean>;
  /** Records `step` as used if the TOTP is confirmed and no step at or after it was used: false for a replay. */
  useTotpStep(accountId: string, step: number): Promise<boolean>;
  deleteTotp(accountId: string): Promise<void>;
  /** Replaces the recovery codes (their hashes). */
  setRecoveryCodes(accountId: string, hashes: string[]): Promise<void>;
  /** Spends one recovery code: false when it is not (or no longer) there. */
  useRecoveryCode(accountId: string, hash: string): Promise<boolean>;
  recoveryCodeCount(accountId: string): Promise<number>;
  deleteRecoveryCodes(accountId: string): Promise<void>;

  putPendingSignIn(hash: string, pending: PendingSignIn): Promise<void>;
  getPendingSignIn(hash: string): Promise<PendingSignIn | undefined>;
  /** Counts a wrong code; removes the pending sign-in when it reaches `maxFailures`. Answers the failures so far, or undefined if it was gone. */
  failPendingSignIn(hash: string, maxFailures: number): Promise<number | undefined>;
  /** Removes it, if still there: only one completion of a pending sign-in wins. */
  consumePendingSignIn(hash: string): Promise<PendingSignIn | undefined>;

  /** Everything of the account's: TOTP, recovery codes (and passkeys, challenges once they exist). */
  erase(accountId: string): Promise<void>;
}
