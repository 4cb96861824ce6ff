import type { BrowserSession } from './session';

/** Where browser sessions live: the tokens table in the service (dynamodb-store.ts), memory in unit tests. */
export interface BrowserSessionStore {
  /** The user's session epoch (lib/sign-out-epoch: `epoch#<username>`, absent means 0). */
  epoch(username: string): Promise<number>;
  create(session: BrowserSession): Promise<void>;
  /** The session stored under `hash` (if any) and the user's current epoch, in one read. */
  find(hash: string, username: string): Promise<{ session?: BrowserSession; epoch: number }>;
  /** Records use: moves the idle expiry, if the session still exists (a logout may have just ended it). */
  touch(hash: string, lastSeenAt: number, idleExpiresAt: number): Promise<void>;
  /** Ends a session; a no-op for one that is gone. */
  delete(hash: string): Promise<void>;
  /** The account's sessions stored since they were listable (newest first); expired or ended ones included, the caller filters. */
  listOwner(accountId: string): Promise<BrowserSession[]>;
  /** Account erasure: deletes every session of the account (by its id or its name); idempotent. */
  eraseOwner(username: string, accountId: string): Promise<void>;
}
