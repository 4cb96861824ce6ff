import { AppError } from '../platform/errors';

/** The numbers of both rules; lib/platform/config.ts reads them from the environment. */
export interface Limits {
  /** Consecutive failures per username that cost nothing; from the next one on, each starts a delay. */
  freeFailures: number;
  /** The longest delay: an attacker can slow a user's sign-in, never lock it for longer. */
  maxDelaySeconds: number;
  /** A username with no attempt for this long is forgiven its count. Longer than maxDelaySeconds. */
  resetAfterSeconds: number;
  /** Failed sign-ins from one address, whatever the usernames, within the window, that block it... */
  addressFailures: number;
  addressWindowSeconds: number;
  /** ...for this long. */
  addressBlockSeconds: number;
}

/** The first delay, after failure freeFailures + 1; each further failure doubles it. */
export const FIRST_DELAY_MS = 2000;

/**
 * How long the nth consecutive failure holds the username off: nothing for
 * the free ones, then 2, 4, 8... seconds (2^(n − freeFailures)), capped.
 * The stores implement exactly this; it is written out here for the twin
 * and the tests.
 */
export function delayAfterFailure(n: number, limits: Limits): number {
  if (n <= limits.freeFailures) return 0;
  return Math.min(FIRST_DELAY_MS * 2 ** (n - limits.freeFailures - 1), limits.maxDelaySeconds * 1000);
}

/** The answer while a backoff or an address block runs; the same for both, so it tells nothing of which. */
export function tooManyAttempts(retryAt: number, now: number): AppError {
  const retryAfter = Math.max(1, Math.ceil((retryAt - now) / 1000));
  return new AppError('too_many_attempts', undefined, {
    headers: { 'Retry-After': String(retryAfter) },
  });
}
