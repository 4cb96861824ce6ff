/** What lib/recovery keeps: tokens by their hash, the one-account-per-address items, and hourly counts. */

export type TokenKind = 'reset' | 'verify';

export interface TokenRecord {
  kind: TokenKind;
  username: string;
  accountId: string;
  /** reset: passwordFingerprint of the password the token was issued under. */
  passwordFingerprint?: string;
  /** verify: the address the link proves. */
  email?: string;
  expiresAt: number;
}

export interface EmailOwner {
  username: string;
  accountId: string;
}

export type EmailClaim = 'claimed' | 'taken';

export interface RecoveryStore {
  putToken(hash: string, record: TokenRecord): Promise<void>;
  /** Writes as putToken does, for a request about no account (the same work on both paths); nothing redeems it. */
  putDecoy(hash: string, expiresAt: number): Promise<void>;
  getToken(kind: TokenKind, hash: string): Promise<TokenRecord | undefined>;
  /** Deletes the token if it is still there: true for the one caller that spent it. */
  consumeToken(kind: TokenKind, hash: string, accountId: string): Promise<boolean>;
  /** Adds one to this hour's count for `scope` and answers the new count. */
  countThisHour(scope: string, now: number): Promise<number>;
  emailOwner(address: string): Promise<EmailOwner | undefined>;
  /**
   * Gives the account `address` (unverified), in one transaction with the
   * address's uniqueness item: `taken` when another account holds it. The
   * account's previous address, if any, is released in the same transaction.
   */
  claimEmail(owner: EmailOwner, address: string, previous?: string, verified?: boolean): Promise<EmailClaim>;
  /** Marks the account's address verified if it is still `address`; false otherwise. */
  markVerified(username: string, address: string): Promise<boolean>;
  /** Deletes the account's pending reset and verification tokens and its address's uniqueness item. */
  eraseRecoveryData(owner: EmailOwner, address?: string): Promise<void>;
}
