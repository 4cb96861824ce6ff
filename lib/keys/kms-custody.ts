import {
  CreateKeyCommand,
  GetPublicKeyCommand,
  KMSClient,
  ScheduleKeyDeletionCommand,
  SignCommand,
  type KeySpec,
  type SigningAlgorithmSpec,
} from '@aws-sdk/client-kms';
import { createPublicKey } from 'node:crypto';
import { derToJose } from 'ecdsa-sig-formatter';
import { DependencyError } from '../platform/errors';
import type { JwtSigner, TokenType } from '../tokens/signer';
import type { KeyAlgorithm } from './algorithms';
import type { KeyCustody } from './custody';
import { signingKeyPolicy } from './key-policy';

/** How each algorithm is asked of KMS: a non-exportable key of this spec, signed with this scheme. */
const KMS: Record<KeyAlgorithm, { keySpec: KeySpec; signing: SigningAlgorithmSpec }> = {
  ES256: { keySpec: 'ECC_NIST_P256', signing: 'ECDSA_SHA_256' },
  RS256: { keySpec: 'RSA_2048', signing: 'RSASSA_PKCS1_V1_5_SHA_256' },
};

/** Marks the keys this service made, which its IAM policy limits Sign and deletion to. */
export const KMS_TAG = 'kong-lambda-auth';

/** KMS signs messages of at most 4096 bytes (MessageType RAW). */
const MAX_MESSAGE_BYTES = 4096;

/** KMS keeps a key this many days after deletion is asked for (7 is its minimum): time to notice a mistake. */
const DELETION_WINDOW_DAYS = 7;

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/**
 * Private keys in AWS KMS: created there, never exported; KMS signs. The
 * public half is fetched once, when the key is made (GetPublicKey has a low
 * request quota): the keyring in DynamoDB keeps it from then on.
 */
export class KmsKeyCustody implements KeyCustody {
  readonly kind = 'kms';

  /**
   * @param tagValue the stage, so that a stage's functions can use only that stage's keys
   * @param admin the account's root principal, which administers the keys (lib/keys/key-policy.ts); only key rotation needs it
   */
  constructor(
    private readonly client: KMSClient,
    private readonly tagValue: string,
    private readonly admin?: string,
  ) {}

  async create(algorithm: KeyAlgorithm) {
    const admin = this.admin;
    if (!admin) throw new Error('Invalid configuration: KMS_KEY_ADMIN_PRINCIPAL is needed to make a signing key with its key policy');
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

  async signer(ref: string, algorithm: KeyAlgorithm, kid: string): Promise<JwtSigner> {
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

  async destroy(ref: string) {
    await this.call(() => this.client.send(new ScheduleKeyDeletionCommand({ KeyId: ref, PendingWindowInDays: DELETION_WINDOW_DAYS })));
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
