import type { KeyAlgorithm, PublicJwk } from './algorithms';
import type { CustodyKind } from './custody';

/**
 * A key's life: published before it signs anything, then the one key that
 * signs, then published until every token it signed has expired, then gone.
 * - `pending`: in the JWKS, not signing yet, so that verifiers' cached copies
 *   of the JWKS all hold it before the first token signed with it arrives;
 * - `active`: the one key that signs;
 * - `retiring`: no longer signing, still in the JWKS for the tokens it signed;
 * - `retired`: out of the JWKS; its Kong credentials and private key are
 *   being removed, after which it leaves the keyring.
 */
export type KeyState = 'pending' | 'active' | 'retiring' | 'retired';

export interface KeyRecord {
  /** The RFC 7638 thumbprint of the public key. */
  kid: string;
  algorithm: KeyAlgorithm;
  /** Where the private key lives, and its name there (custody.ts). */
  custody: CustodyKind;
  ref: string;
  /** The public key, as published: verifying needs no call to the custody. */
  jwk: PublicJwk;
  state: KeyState;
  publishedAt: number;
  activatedAt?: number;
  /** When it stopped signing. */
  retiringAt?: number;
  retiredAt?: number;
}

/** Every key the service has, with a version that each change raises (conditional writes: one writer wins). */
export interface KeyRing {
  version: number;
  keys: KeyRecord[];
}

/** Where the keyring lives: one item in the tokens table (dynamodb-store.ts), memory in unit tests. */
export interface KeyRingStore {
  /** The keyring, version 0 and no keys if none was ever written. */
  get(): Promise<KeyRing>;
  /** Writes `ring` if the stored version is still `ring.version - 1`; false when another writer came first. */
  put(ring: KeyRing): Promise<boolean>;
}

/** The states whose keys are in the JWKS, and verify tokens. */
export const isPublished = (key: KeyRecord) => key.state === 'pending' || key.state === 'active' || key.state === 'retiring';
