import type { KeyObject } from 'node:crypto';
import type { JwtSigner } from '../tokens/signer';
import type { KeyAlgorithm } from './algorithms';

/**
 * Where the service's private keys live, and the only code that touches
 * them: a key file for local runs (file-custody.ts), AWS KMS in production
 * (kms-custody.ts), where the private half never leaves KMS. Everything else
 * sees a key through its `ref` (what the custody names it by), its public
 * half, and a signer.
 */
export interface KeyCustody {
  readonly kind: 'file' | 'kms';
  /** Makes a new key pair and answers its public half, fetched once: the keyring keeps it from then on. */
  create(algorithm: KeyAlgorithm): Promise<{ ref: string; publicKey: KeyObject }>;
  /** A signer for the key, prepared once (file read and parsed, client made): call it once per key, not per token. */
  signer(ref: string, algorithm: KeyAlgorithm, kid: string): Promise<JwtSigner>;
  /** Destroys the private key (KMS: schedules its deletion); nothing it signed can be verified by its holder afterwards. */
  destroy(ref: string): Promise<void>;
}
