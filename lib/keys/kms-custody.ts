import {
  CreateKeyCommand,
  DecryptCommand,
  GenerateDataKeyPairWithoutPlaintextCommand,
  GetPublicKeyCommand,
  KMSClient,
  ScheduleKeyDeletionCommand,
  SignCommand,
  type KeySpec,
  type SigningAlgorithmSpec,
} from '@aws-sdk/client-kms';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { derToJose } from 'ecdsa-sig-formatter';
import { DependencyError } from '../platform/errors';
import { localSigner, type JwtSigner, type TokenType } from '../tokens/signer';
import { publicKey, type KeyAlgorithm } from './algorithms';
import type { KeyCustody } from './custody';
import { ENVELOPE_CONTEXT_KEY, signingKeyPolicy } from './key-policy';

/** How each algorithm is asked of KMS: a non-exportable key of this spec, signed with this scheme; or a data key pair of this spec. */
const KMS: Record<KeyAlgorithm, { keySpec: KeySpec; signing: SigningAlgorithmSpec; pairSpec: 'ECC_NIST_P256' | 'RSA_2048' }> = {
  ES256: { keySpec: 'ECC_NIST_P256', signing: 'ECDSA_SHA_256', pairSpec: 'ECC_NIST_P256' },
  RS256: { keySpec: 'RSA_2048', signing: 'RSASSA_PKCS1_V1_5_SHA_256', pairSpec: 'RSA_2048' },
};

/**
 * A wrapped key's ref: `envelope:<wrapping key ARN>#<base64 of the encrypted PKCS #8 private key>`. It is
 * the ciphertext KMS gave, never anything that signs without a Decrypt by a signer's role. A KMS-signing
 * key's ref is the key's ARN, so one custody serves keys of both kinds (a stage can switch either way,
 * and keys made before keep signing until they retire).
 */
const ENVELOPE = /^envelope:([^#]+)#([A-Za-z0-9+/=]+)$/;

export type KmsMode = 'sign' | 'envelope';

/** Marks the keys this service made, which its IAM policy limits Sign and deletion to. */
export const KMS_TAG = 'kong-lambda-auth';

/** KMS signs messages of at most 4096 bytes (MessageType RAW). */
const MAX_MESSAGE_BYTES = 4096;

/** KMS keeps a key this many days after deletion is asked for (7 is its minimum): time to notice a mistake. */
const DELETION_WINDOW_DAYS = 7;

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/**
 * Private keys under AWS KMS, in one of two modes (docs/signing-keys.md weighs them):
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
export class KmsKeyCustody implements KeyCustody {
  readonly kind: 'kms' | 'kms-envelope';

  /**
   * @param tagValue the stage, so that a stage's functions can use only that stage's keys
   * @param admin the account's root principal, which administers the keys (lib/keys/key-policy.ts); only key rotation needs it
   * @param mode how new keys are made; keys of either mode are signed with and destroyed whatever it is
   */
  constructor(
    private readonly client: KMSClient,
    private readonly tagValue: string,
    private readonly admin?: string,
    private readonly mode: KmsMode = 'sign',
  ) {
    this.kind = mode === 'envelope' ? 'kms-envelope' : 'kms';
  }

  private get context() {
    return { [ENVELOPE_CONTEXT_KEY]: this.tagValue };
  }

  async create(algorithm: KeyAlgorithm) {
    const admin = this.admin;
    if (!admin) throw new Error('Invalid configuration: KMS_KEY_ADMIN_PRINCIPAL is needed to make a signing key with its key policy');
    if (this.mode === 'envelope') return this.createWrapped(algorithm, admin);
    const { KeyMetadata } = await this.call(() =>
      this.client.send(new CreateKeyCommand({
        KeySpec: KMS[algorithm].keySpec,
        KeyUsage: 'SIGN_VERIFY',
        Description: `kong-lambda-auth access-token signing key (${algorithm})`,
        Tags: [{ TagKey: KMS_TAG, TagValue: this.tagValue }],
        Policy: signingKeyPolicy(admin, this.tagValue),
        // The policy deliberately leaves the rotation's role unable to change it (the account keeps
        // kms:PutKeyPolicy), which KMS's lockout check would otherwise refuse.
        BypassPolicyLockoutSafetyCheck: true,
      })),
    );
    const ref = KeyMetadata?.Arn ?? KeyMetadata?.KeyId;
    if (!ref) throw new DependencyError('kms', new Error('CreateKey answered no key id'));
    const { PublicKey } = await this.call(() => this.client.send(new GetPublicKeyCommand({ KeyId: ref })));
    if (!PublicKey) throw new DependencyError('kms', new Error('GetPublicKey answered no key'));
    return { ref, publicKey: createPublicKey({ key: Buffer.from(PublicKey), format: 'der', type: 'spki' }) };
  }

  /** A symmetric key of its own, and a key pair made by KMS whose private half comes back only encrypted under it. */
  private async createWrapped(algorithm: KeyAlgorithm, admin: string) {
    const { KeyMetadata } = await this.call(() =>
      this.client.send(new CreateKeyCommand({
        KeySpec: 'SYMMETRIC_DEFAULT',
        KeyUsage: 'ENCRYPT_DECRYPT',
        Description: `kong-lambda-auth signing key wrapper (${algorithm})`,
        Tags: [{ TagKey: KMS_TAG, TagValue: this.tagValue }],
        Policy: signingKeyPolicy(admin, this.tagValue, 'envelope'),
        BypassPolicyLockoutSafetyCheck: true,
      })),
    );
    const wrapper = KeyMetadata?.Arn ?? KeyMetadata?.KeyId;
    if (!wrapper) throw new DependencyError('kms', new Error('CreateKey answered no key id'));
    try {
      const pair = await this.call(() =>
        this.client.send(new GenerateDataKeyPairWithoutPlaintextCommand({ KeyId: wrapper, KeyPairSpec: KMS[algorithm].pairSpec, EncryptionContext: this.context })),
      );
      if (!pair.PublicKey || !pair.PrivateKeyCiphertextBlob) throw new DependencyError('kms', new Error('GenerateDataKeyPairWithoutPlaintext answered no key pair'));
      const key = createPublicKey({ key: Buffer.from(pair.PublicKey), format: 'der', type: 'spki' });
      return { ref: `envelope:${wrapper}#${Buffer.from(pair.PrivateKeyCiphertextBlob).toString('base64')}`, publicKey: key };
    } catch (error) {
      // No key pair: the wrapper wraps nothing, and must not cost $1 a month for ever.
      await this.destroy(wrapper).catch(() => undefined);
      throw error;
    }
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

  async destroy(ref: string) {
    // A wrapped key dies with its wrapper: the ciphertext left in an old keyring backup decrypts no more.
    const keyId = ENVELOPE.exec(ref)?.[1] ?? ref;
    await this.call(() => this.client.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: DELETION_WINDOW_DAYS })));
  }

  /** Any failure to get an answer from KMS is KMS failing us: 503, retry later. */
  private async call<Output>(send: () => Promise<Output>): Promise<Output> {
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
