import { DecryptCommand, KMSClient, SignCommand, type KeySpec, type SigningAlgorithmSpec } from '@aws-sdk/client-kms';
import { createPrivateKey } from 'node:crypto';
import { derToJose } from 'ecdsa-sig-formatter';
import { DependencyError } from '../platform/errors';
import { localSigner, type JwtSigner, type TokenType } from '../tokens/signer';
import { publicKey, type KeyAlgorithm } from './algorithms';
import type { SigningCustody } from './custody';
import { ENVELOPE_CONTEXT_KEY } from './key-policy';

/** How each algorithm is asked of KMS: a non-exportable key of this spec, signed with this scheme; or a data key pair of this spec. */
export const KMS: Record<KeyAlgorithm, { keySpec: KeySpec; signing: SigningAlgorithmSpec; pairSpec: 'ECC_NIST_P256' | 'RSA_2048' }> = {
  ES256: { keySpec: 'ECC_NIST_P256', signing: 'ECDSA_SHA_256', pairSpec: 'ECC_NIST_P256' },
  RS256: { keySpec: 'RSA_2048', signing: 'RSASSA_PKCS1_V1_5_SHA_256', pairSpec: 'RSA_2048' },
};

/**
 * A wrapped key's ref: `envelope:<wrapping key ARN>#<base64 of the encrypted PKCS #8 private key>`. It is
 * the ciphertext KMS gave, never anything that signs without a Decrypt by a signer's role. A KMS-signing
 * key's ref is the key's ARN, so one custody serves keys of both kinds (a stage can switch either way,
 * and keys made before keep signing until they retire).
 */
export const ENVELOPE = /^envelope:([^#]+)#([A-Za-z0-9+/=]+)$/;

export type KmsMode = 'sign' | 'envelope';

/** Marks the keys this service made, which its IAM policy limits Sign and deletion to. */
export const KMS_TAG = 'kong-lambda-auth';

/** KMS signs messages of at most 4096 bytes (MessageType RAW). */
const MAX_MESSAGE_BYTES = 4096;

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/**
 * Private keys under AWS KMS, in one of two modes (docs/signing-keys.md weighs them); this class
 * signs with them, KmsKeyMaker (kms-key-maker.ts, the rotation's) also makes and destroys them:
 *
 * - `sign` (custody `kms`): created in KMS, never exported; KMS signs every
 *   token (an ECC Sign costs $0.15 per 10,000). The public half is fetched
 *   once, when the key is made (GetPublicKey has a low request quota): the
 *   keyring in DynamoDB keeps it from then on.
 * - `envelope` (custody `kms-envelope`): each signing key has its own
 *   symmetric KMS key, and KMS makes the pair (GenerateDataKeyPairWithout-
 *   Plaintext): the rotation receives the public half and the private half
 *   encrypted under that key, bound to the stage's encryption context, and
 *   stores the ciphertext in the keyring. A function decrypts it once per
 *   container (one $0.03/10,000 Decrypt) and signs in memory. Destroying the
 *   symmetric key destroys the only way to the private half.
 */
export class KmsKeyCustody implements SigningCustody {
  readonly kind: 'kms' | 'kms-envelope';

  /**
   * @param tagValue the stage, so that a stage's functions can use only that stage's keys
   * @param admin the account's root principal, which administers the keys (lib/keys/key-policy.ts); only key rotation needs it
   * @param mode how new keys are made; keys of either mode are signed with and destroyed whatever it is
   */
  constructor(
    protected readonly client: KMSClient,
    protected readonly tagValue: string,
    protected readonly admin?: string,
    protected readonly mode: KmsMode = 'sign',
  ) {
    this.kind = mode === 'envelope' ? 'kms-envelope' : 'kms';
  }

  protected get context() {
    return { [ENVELOPE_CONTEXT_KEY]: this.tagValue };
  }

  async signer(ref: string, algorithm: KeyAlgorithm, kid: string): Promise<JwtSigner> {
    const wrapped = ENVELOPE.exec(ref);
    if (wrapped) return this.unwrapped(wrapped[1], Buffer.from(wrapped[2], 'base64'), algorithm, kid);
    const headers = new Map<TokenType, string>();
    const header = (typ: TokenType) => {
      let encoded = headers.get(typ);
      if (encoded === undefined) headers.set(typ, (encoded = base64url(JSON.stringify({ alg: algorithm, typ, kid }))));
      return encoded;
    };
    return {
      algorithm,
      kid,
      sign: async (claims, typ = 'JWT') => {
        const input = `${header(typ)}.${base64url(JSON.stringify(claims))}`;
        // The message itself, which KMS hashes with the algorithm's SHA-256: tokens are a few hundred bytes.
        if (Buffer.byteLength(input) > MAX_MESSAGE_BYTES) throw new RangeError(`a JWT signed in KMS must not exceed ${MAX_MESSAGE_BYTES} bytes before its signature`);
        const { Signature } = await this.call(() =>
          this.client.send(
            new SignCommand({ KeyId: ref, Message: Buffer.from(input), MessageType: 'RAW', SigningAlgorithm: KMS[algorithm].signing }),
          ),
        );
        if (!Signature) throw new DependencyError('kms', new Error('Sign answered no signature'));
        // KMS answers ECDSA signatures in DER; JWS (and Kong, which insists on 64 bytes) wants raw R||S.
        const signature = algorithm === 'ES256' ? derToJose(Buffer.from(Signature), algorithm) : base64url(Buffer.from(Signature));
        return `${input}.${signature}`;
      },
    };
  }

  /**
   * One Decrypt, then a signer holding the private key in this container's memory only (SigningKeys asks
   * once per key and container). The plaintext buffer is zeroed once parsed; the key is checked to be the
   * one its kid names, so a keyring entry pointing at another key's ciphertext signs nothing.
   */
  private async unwrapped(wrapper: string, ciphertext: Buffer, algorithm: KeyAlgorithm, kid: string): Promise<JwtSigner> {
    const { Plaintext } = await this.call(() =>
      this.client.send(new DecryptCommand({ KeyId: wrapper, CiphertextBlob: ciphertext, EncryptionContext: this.context })),
    );
    if (!Plaintext) throw new DependencyError('kms', new Error('Decrypt answered no plaintext'));
    const der = Buffer.from(Plaintext.buffer, Plaintext.byteOffset, Plaintext.byteLength);
    let key;
    try {
      key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    } finally {
      der.fill(0);
    }
    if (publicKey(key, algorithm).kid !== kid) throw new Error(`wrapped key does not hold key ${kid}`);
    return localSigner(algorithm, key, kid);
  }

  /** Any failure to get an answer from KMS is KMS failing us: 503, retry later. */
  protected async call<Output>(send: () => Promise<Output>): Promise<Output> {
    try {
      return await send();
    } catch (error) {
      throw new DependencyError('kms', error);
    }
  }
}

/** A KMS client with short timeouts, so an outage answers 503 quickly instead of hanging the Lambda. */
export function kmsClient(options: { endpoint?: string; timeoutMs: number }): KMSClient {
  return new KMSClient({
    endpoint: options.endpoint,
    maxAttempts: 2,
    requestHandler: { connectionTimeout: options.timeoutMs, requestTimeout: options.timeoutMs, throwOnRequestTimeout: true },
  });
}
