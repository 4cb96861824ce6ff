import type { Passkey, PasskeyChallenge } from './types';

/**
 * Where passkeys live: the tokens table (dynamodb-store.ts), memory in unit
 * tests. A challenge is used at most once (one conditional delete); a
 * counter only moves forward (one conditional update).
 */
export interface PasskeyStore {
  putChallenge(challenge: string, value: PasskeyChallenge): Promise<void>;
  /** Removes and answers it if it is there: only one response can win a challenge. */
  consumeChallenge(challenge: string): Promise<PasskeyChallenge | undefined>;
  /** Stores a new passkey; false when that credential id is registered already (to any account). */
  add(passkey: Passkey): Promise<boolean>;
  get(accountId: string, credentialId: string): Promise<Passkey | undefined>;
  /** Which account a credential id belongs to (sign-in with a discoverable credential). */
  ownerOf(credentialId: string): Promise<string | undefined>;
  list(accountId: string): Promise<Passkey[]>;
  rename(accountId: string, credentialId: string, name: string): Promise<boolean>;
  remove(accountId: string, credentialId: string): Promise<boolean>;
  /** Records a use: false when the stored counter is no longer below `counter` (a clone or a replay raced). */
  recordUse(accountId: string, credentialId: string, counter: number, usedAt: number): Promise<boolean>;
  erase(accountId: string): Promise<void>;
}
