import { isIP } from 'node:net';
import { AppError } from '../platform/errors';
import type { Client } from '../platform/http';
import { log } from '../platform/log';
import { securityEvent, type SecurityEvent } from '../platform/security-events';
import { delayAfterFailure, tooManyAttempts, type Limits } from './limits';
import type { AttemptStore } from './store';

/** What a refused password check is logged as. */
export interface Failure {
  event: Extract<SecurityEvent, 'signin_failed' | 'password_change_failed' | 'account_deletion_failed' | 'second_factor_failed' | 'passkey_failed'>;
  /** For the log only, never the answer: e.g. unknown_user, wrong_password. */
  reason: string;
}

/**
 * The key an address is counted under. An IPv6 client usually holds a whole
 * /64 (SLAAC, privacy addresses), so counting single IPv6 addresses would
 * give it 2^64 fresh starts: it is counted by its /64 instead.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (isIP(address) !== 6) return address;
  const [head, tail = ''] = address.toLowerCase().split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups]
    : headGroups;
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/**
 * Account protection ahead of the password check (the rules and their
 * numbers are in docs/security.md):
 * - per username, tried or not, existing or not: consecutive failures past
 *   the free ones hold the name off for a doubling delay, capped; a correct
 *   password during it is refused too, unchecked;
 * - a client that proves it signed in as that user before (a device token,
 *   device-tokens.ts; a live session of the user) is counted on a lane of its
 *   own instead, with the same rule: others' failures do not hold it off
 *   (no targeted lockout), and its own hold it, and only it, off;
 * - per client address, across usernames: too many failures within a
 *   window block the address for a while (credential stuffing, spraying).
 * Both answer 429 too_many_attempts with Retry-After.
 */
export class Protection {
  constructor(
    private readonly store: AttemptStore,
    private readonly limits: Limits,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Account erasure: the name's count of failures goes (a new account of the name starts clean). */
  forget(username: string): Promise<void> {
    return this.store.reset(username);
  }

  /** Refuses (429) a client whose address is blocked; a client without one (no gateway) is not counted. */
  async admit(client: Client): Promise<void> {
    if (!client.address) return;
    const now = this.clock();
    const until = await this.store.blockedUntil(addressKey(client.address), now);
    if (until !== undefined) throw tooManyAttempts(until, now);
  }

  /**
   * Runs `check` (a password check) as one attempt at `username`: refused
   * unrun (429) while the name's backoff runs; a refusal by `check` (a 401
   * or 403) counts as a failure of the name and the client's address, and
   * a success forgets the name's failures.
   *
   * `lane`: the key of a client proven to have signed in as this user before
   * (`device#<nonce>`, `session#<id>`: no username holds a `#`); its attempts
   * are counted, refused and forgotten there instead of on the username.
   * The username's own backoff then runs on for everyone else.
   */
  /*
   * `keepCount`: a success that proves only part of what is asked (a right
   * password of an account with a second factor) leaves the count as it is,
   * so that the second step's failures add to it and a known password cannot
   * wipe out the backoff that guessing codes builds up.
   */
  async attempt<T>(
    username: string,
    client: Client,
    check: () => Promise<T>,
    describe: (error: AppError) => Failure,
    lane?: string,
    keepCount?: (result: T) => boolean,
  ): Promise<T> {
    if (lane !== undefined && !lane.includes('#')) throw new Error('a lane is never a username');
    const key = lane ?? username;
    const now = this.clock();
    const admission = await this.store.begin(key, now);
    if (!admission.admitted) throw tooManyAttempts(admission.retryAt, now);

    let result: T;
    try {
      result = await check();
    } catch (error) {
      if (error instanceof AppError && (error.status === 401 || error.status === 403)) {
        await this.failed(username, admission.attempt, client, describe(error), lane);
      }
      // Anything else (a 503) leaves the attempt counted: the password was not found right.
      throw error;
    }
    if (!keepCount?.(result)) await this.store.reset(key);
    return result;
  }

  private async failed(username: string, attempt: number, client: Client, failure: Failure, lane?: string): Promise<void> {
    const delayMs = delayAfterFailure(attempt, this.limits);
    const clientAddress = client.address;
    // Which lane, never its key: a device token's nonce is what the device proves itself with.
    const trusted = lane === undefined ? undefined : lane.slice(0, lane.indexOf('#'));
    securityEvent(failure.event, { username, clientAddress, reason: failure.reason, attempt, trusted, retryAfterSeconds: Math.ceil(delayMs / 1000) || undefined });
    if (attempt === this.limits.freeFailures + 1) {
      securityEvent('backoff_started', { username, clientAddress, reason: failure.reason, trusted, retryAfterSeconds: delayMs / 1000 });
    }
    if (!clientAddress) return;
    try {
      const now = this.clock();
      const blockedUntil = await this.store.recordFailure(addressKey(clientAddress), now);
      if (blockedUntil !== undefined) {
        const retryAfterSeconds = Math.ceil((blockedUntil - now) / 1000);
        securityEvent('address_throttled', { username, clientAddress, reason: 'too_many_failures', retryAfterSeconds });
      }
    } catch (error) {
      // The refusal stands either way: a failing count must not turn it into a 503.
      log.warn('could not count a failure of the address', { error: (error as Error).name });
    }
  }
}
