/** Whether an attempt may check a password, and if so which consecutive attempt it is. */
export type Admission = { admitted: true; attempt: number } | { admitted: false; retryAt: number };

/**
 * Where attempts are counted: the attempts table in the service
 * (dynamodb-store.ts), memory in unit tests. Times are epoch milliseconds,
 * given by the caller. A store is made with its Limits and implements them.
 */
export interface AttemptStore {
  /**
   * Counts an attempt at `key` unless a backoff runs there (refused, with
   * when it ends). Counting happens before the password is checked, and in
   * one conditional write, so that concurrent attempts are admitted one by
   * one: 50 parallel guesses get no more password checks than 50 sequential
   * ones would. An attempt that started a delay imposes it at once; a
   * success lifts it (reset).
   */
  begin(key: string, now: number): Promise<Admission>;
  /** Forgets the count at `key`: the password was right. */
  reset(key: string): Promise<void>;
  /** When the address's block ends, if one runs at `now`. */
  blockedUntil(address: string, now: number): Promise<number | undefined>;
  /** Counts a failure from `address`; the time its block ends if this failure started one. */
  recordFailure(address: string, now: number): Promise<number | undefined>;
}
