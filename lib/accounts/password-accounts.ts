import { randomUUID } from 'node:crypto';
import { nowSeconds } from '../platform/clock';
import { AppError, describeError } from '../platform/errors';
import { log } from '../platform/log';
import {
  accountDisabled,
  incorrectPassword,
  invalidCredentials,
  isActive,
  passwordChangedConcurrently,
  usernameTaken,
  type Account,
  type AccountIdentity,
  type ActiveAccount,
  type CredentialSource,
} from './account';
import { Accounts } from './accounts';
import type { PasswordHasher } from './passwords';
import type { AccountStore } from './store';

/** A pending claim older than this belongs to a signup that died: it may be taken over. */
const CLAIM_LEASE_SECONDS = 60;

/** Runs a signup retry's password check as an attempt at the name; the default counts nothing. */
export type RetryAttempt = (check: () => Promise<void>) => Promise<void>;

/** Accounts with their passwords: signup (claim to active), signin, and password changes. */
export class PasswordAccounts extends Accounts {
  constructor(
    store: AccountStore,
    private readonly passwords: PasswordHasher,
  ) {
    super(store);
  }

  /**
   * The username is claimed first (the conditional write decides concurrent
   * signups), the gateway credential is made next, and the claim becomes an
   * active account last. The gateway and DynamoDB share no transaction: if
   * anything fails, the claim is released and a retry starts over.
   *
   * A signup is idempotent for whoever knows the password: a retry after an
   * answer that never arrived (a 503 whose claim landed late, a timeout)
   * takes over its own pending claim, or gets the account it already made,
   * instead of a 409 for its own name. `attempt` runs that retry's password
   * check as an attempt at the name (account protection, lib/flows/sign-up.ts):
   * a wrong password there must throw a 401 to be counted.
   */
  async signUp(
    username: string,
    password: string,
    credentials: CredentialSource,
    identity: AccountIdentity = {},
    attempt: RetryAttempt = (check) => check(),
  ): Promise<ActiveAccount> {
    const now = nowSeconds();
    const claim = {
      ...identity,
      id: randomUUID(),
      username,
      status: 'pending' as const,
      passwordHash: await this.passwords.hash(password),
      claimId: randomUUID(),
      claimedAt: now,
      createdAt: new Date(now * 1000).toISOString(),
    };
    if (await this.store.claim(claim, now - CLAIM_LEASE_SECONDS)) return this.complete(claim, credentials);

    const existing = await this.store.get(username);
    const pending = existing?.status === 'pending' && existing.claimId ? { ...existing, claimId: existing.claimId } : undefined;
    const recent = isActive(existing) && existing.claimedAt >= now - CLAIM_LEASE_SECONDS ? existing : undefined;
    if (!pending && !recent) {
      // No password could change the answer: 409, not counted (someone choosing a
      // taken name is no guess). Checked all the same, so that both take as long.
      await this.passwords.verify(password, existing?.passwordHash);
      throw usernameTaken();
    }
    // The idempotent retry is the one answer the password decides (201, not
    // 409): a password oracle. It is checked as an attempt at the name, on
    // sign-in's count (`attempt`), so that it guesses no faster than sign-in
    // does, rather than answered only to "the same client": nothing would tell
    // that client apart across a lost answer but its address, which a NAT
    // shares and a mobile retry changes. While the name's backoff runs, the
    // retry is not checked at all and answered 409 as any taken name is (not
    // 429): it tells nothing, and people racing for one name see no 429.
    try {
      await attempt(async () => {
        if (!(await this.passwords.verify(password, existing!.passwordHash))) throw invalidCredentials('wrong_password');
      });
    } catch (error) {
      if (error instanceof AppError && (error.status === 401 || error.status === 429)) throw usernameTaken();
      throw error;
    }
    if (pending) return this.complete(pending, credentials);
    return recent!;
  }

  /**
   * Gives a claim its credential and activates it. Whoever activates clears
   * out the credentials that other attempts made (dead ones, or concurrent
   * ones that lost), so that one credential is left, the one stored.
   */
  private async complete(claim: Account & { claimId: string }, credentials: CredentialSource): Promise<ActiveAccount> {
    const { username, claimId } = claim;
    try {
      const credential = await credentials.provision();
      const account = await this.store.activate(username, claimId, credential);
      if (account) {
        log.info('user signed up', { username, consumerId: credential.consumerId });
        // Best effort: a stray credential's secret was never handed out, and the account is made.
        await credentials
          .keepOnly(credential)
          .catch((error) => log.warn('could not remove stray credentials', { username, ...describeError(error) }));
        return account;
      }
      // A concurrent attempt with the same password activated it first: theirs stands.
      await credentials.discard(credential);
      const winner = await this.store.get(username);
      if (isActive(winner) && winner.passwordHash === claim.passwordHash) return winner;
      throw usernameTaken();
    } catch (error) {
      await this.store
        .release(username, claimId)
        .catch((releaseError) => log.error('could not release signup claim', { username, ...describeError(releaseError) }));
      throw error;
    }
  }

  /**
   * Same answer, in about the same time, for an unknown user and a wrong
   * password. A hash made the old way (or at a lower cost) is made again
   * now that the password is known to be right.
   */
  async authenticate(username: string, password: string, stored?: Promise<Account | undefined>): Promise<ActiveAccount> {
    // `stored`: the account as the caller already asked for it (sign-in reads it beside the address's block).
    const account = await (stored ?? this.store.get(username));
    const matches = await this.passwords.verify(password, account?.passwordHash);
    if (!account) throw invalidCredentials('unknown_user');
    if (!matches) throw invalidCredentials('wrong_password');
    if (account.status === 'disabled') throw accountDisabled();
    if (!isActive(account)) throw invalidCredentials('inactive_account');
    return this.rehashIfOutdated(account, password);
  }

  /** Best effort: a hash that could not be replaced now still verifies, and is replaced at a later signin. */
  private async rehashIfOutdated(account: ActiveAccount, password: string): Promise<ActiveAccount> {
    if (!this.passwords.needsRehash(account.passwordHash)) return account;
    try {
      const passwordHash = await this.passwords.hash(password);
      // Conditional on the old hash: a password changed meanwhile is left alone.
      if (await this.store.replacePasswordHash(account.username, account.passwordHash, passwordHash)) {
        log.info('password hash upgraded', { username: account.username });
        return { ...account, passwordHash };
      }
    } catch (error) {
      log.warn('could not upgrade a password hash', { username: account.username, ...describeError(error) });
    }
    return account;
  }

  /** Refuses (403) a password that is not the account's current one. */
  async checkPassword(account: ActiveAccount, password: string): Promise<void> {
    if (!(await this.passwords.verify(password, account.passwordHash))) throw incorrectPassword();
  }

  /** Sets a new password if the stored one is still the account's; of two concurrent changes, only one applies. */
  async setPassword(account: ActiveAccount, newPassword: string): Promise<ActiveAccount> {
    const passwordHash = await this.passwords.hash(newPassword);
    if (!(await this.store.replacePasswordHash(account.username, account.passwordHash, passwordHash))) {
      throw passwordChangedConcurrently();
    }
    return { ...account, passwordHash };
  }
}
