import { AppError } from '../platform/errors';

/** An account's TOTP: pending until a first code confirms it. `lastStep`: the last time step a code was accepted for. */
export interface TotpFactor {
  sealedSecret: string;
  confirmed: boolean;
  createdAt: number;
  lastStep?: number;
}

/** A password sign-in waiting for its second factor (what an `mfa_token` stands for), stored by the token's hash. */
export interface PendingSignIn {
  accountId: string;
  username: string;
  /** The backoff lane the password attempt was counted on (a device token's), kept for the second step. */
  lane?: string;
  /** RFC 8176 methods proven so far (`pwd`). */
  amr: string[];
  failures: number;
  expiresAt: number;
}

/** What a sign-in may ask for as the second step. */
export type SecondFactorMethod = 'totp' | 'recovery_code' | 'passkey';

/** How the user signed in (RFC 8176 `amr`) and when (`auth_time`, epoch seconds): kept by sessions and their tokens. */
export interface Authentication {
  amr: string[];
  authTime: number;
}

/** A right password for an account with a second factor: 403 with what completes the sign-in, and nothing else. */
export const mfaRequired = (details: { mfa_token?: string; methods: SecondFactorMethod[]; passkey_options?: unknown }) =>
  new AppError('mfa_required', undefined, { details });

export const invalidCode = () => new AppError('invalid_code');
export const invalidMfaToken = () => new AppError('invalid_mfa_token');
