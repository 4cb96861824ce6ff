import type { KeyObject } from 'node:crypto';
import type { JwtSigner } from '../tokens/signer';
import type { KeyAlgorithm } from './algorithms';

/**
 * `file`: PEM files (local runs); `kms`: KMS signs, the private half never leaves it; `kms-envelope`: the
 * private half exists only encrypted under a KMS key and is decrypted once per container (kms-custody.ts).
 */
export type CustodyKind = 'file' | 'kms' | 'kms-envelope';

/**
 * Where the service's private keys live, and the only code that touches
 * them: a key file for local runs (file-custody.ts), AWS KMS in production
 * (kms-custody.ts: KMS signs, or KMS wraps a key the function unwraps once and
 * signs with in memory; docs/signing-keys.md weighs the two). Everything else
 * sees a key through its `ref` (what the custody names it by), its public
 * half, and a signer.
 */
export interface SigningCustody {
  readonly kind: CustodyKind;
  /** A signer for the key, prepared once (file read and parsed, client made): call it once per key, not per token. */
  signer(ref: string, algorithm: KeyAlgorithm, kid: string): Promise<JwtSigner>;
}

/**
 * A custody that also makes and destroys keys: the rotation's. Apart from
 * SigningCustody so that the functions that only sign do not bundle the
 * making of KMS keys and their key policies (kms-key-maker.ts; issue 27).
 */
export interface KeyCustody extends SigningCustody {
  /** Makes a new key pair and answers its public half, fetched once: the keyring keeps it from then on. */
  create(algorithm: KeyAlgorithm): Promise<{ ref: string; publicKey: KeyObject }>;
  /** Destroys the private key (KMS: schedules its deletion); nothing it signed can be verified by its holder afterwards. */
  destroy(ref: string): Promise<void>;
}
