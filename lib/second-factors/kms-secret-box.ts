import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { DependencyError } from '../platform/errors';
import { gcmOpen, gcmSeal, type SecretBox } from './secret-box';

/**
 * Envelope encryption with AWS KMS: each secret is sealed with a fresh data
 * key (GenerateDataKey, AES_256), and only that key's KMS-encrypted form is
 * stored beside it; opening asks KMS to decrypt it (Decrypt). The KMS key
 * never leaves KMS, and both calls carry the account id as encryption
 * context, so a sealed secret opens for its own account only and every
 * opening is in CloudTrail with it.
 */
export class KmsSecretBox implements SecretBox {
  constructor(
    private readonly client: KMSClient,
    private readonly keyId: string | undefined,
  ) {}

  async seal(plaintext: string, context: string) {
    if (!this.keyId) throw new Error('Invalid configuration: SECOND_FACTOR_KMS_KEY_ID is needed to seal TOTP secrets with KMS');
    const { Plaintext, CiphertextBlob } = await this.call(() =>
      this.client.send(new GenerateDataKeyCommand({ KeyId: this.keyId, KeySpec: 'AES_256', EncryptionContext: { account: context } })),
    );
    if (!Plaintext || !CiphertextBlob) throw new DependencyError('kms', new Error('GenerateDataKey answered no key'));
    const dataKey = Buffer.from(Plaintext);
    try {
      return `kms.${Buffer.from(CiphertextBlob).toString('base64url')}.${gcmSeal(dataKey, plaintext, context)}`;
    } finally {
      dataKey.fill(0);
    }
  }

  async open(sealed: string, context: string) {
    const [kind, wrapped, ...rest] = sealed.split('.');
    if (kind !== 'kms' || !wrapped) throw new Error('not sealed by the KMS custody');
    const { Plaintext } = await this.call(() =>
      this.client.send(new DecryptCommand({ CiphertextBlob: Buffer.from(wrapped, 'base64url'), EncryptionContext: { account: context } })),
    );
    if (!Plaintext) throw new DependencyError('kms', new Error('Decrypt answered no key'));
    const dataKey = Buffer.from(Plaintext);
    try {
      return gcmOpen(dataKey, rest.join('.'), context);
    } finally {
      dataKey.fill(0);
    }
  }

  private async call<Output>(send: () => Promise<Output>): Promise<Output> {
    try {
      return await send();
    } catch (error) {
      throw new DependencyError('kms', error);
    }
  }
}
