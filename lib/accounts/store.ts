import type { Account, AccountStatus, ActiveAccount, GatewayCredential } from './account';

/** Where accounts live: DynamoDB in the service (dynamodb-store.ts), memory in unit tests. */
export interface AccountStore {
  get(username: string): Promise<Account | undefined>;
  /**
   * Stores a pending account if the name is free, or held by a claim that
   * started before `staleBefore` (a signup that died); false when taken.
   * The conditional write is what makes concurrent signups end with one winner.
   */
  claim(account: Account & { claimId: string }, staleBefore: number): Promise<boolean>;
  /** Makes the claim an active account with its credential; undefined if the claim is no longer this one. */
  activate(username: string, claimId: string, credential: GatewayCredential): Promise<ActiveAccount | undefined>;
  /** Deletes a pending claim, if it is still this one. */
  release(username: string, claimId: string): Promise<void>;
  /** Stores a new credential if the account's is still the one `expectedRef` names (credentialRef); false when a concurrent request replaced it first. */
  replaceCredential(username: string, expectedRef: string, credential: GatewayCredential): Promise<boolean>;
  /** Records which signing keys Kong has a credential for, if the account's issuer is still `issuer`; false otherwise. */
  recordKids(username: string, issuer: string, kids: string[]): Promise<boolean>;
  /** Sets a new password hash if the current one is still `expectedHash`; false otherwise. */
  replacePasswordHash(username: string, expectedHash: string, passwordHash: string): Promise<boolean>;
  /** Sets the status if it is one of `from` and the account is still `accountId`; the account as now stored, or undefined when the condition fails. */
  setStatus(username: string, accountId: string, from: readonly AccountStatus[], to: AccountStatus): Promise<Account | undefined>;
  /** Deletes the account item if it is still `accountId` (not a later account of the same name); a no-op otherwise. */
  remove(username: string, accountId: string): Promise<void>;
  /**
   * One page of accounts whose username or email starts with `prefix`, in no
   * particular order, at most `limit`; `cursor` (opaque) continues a search.
   */
  search(prefix: string, limit: number, cursor?: string): Promise<{ accounts: Account[]; cursor?: string }>;
}
