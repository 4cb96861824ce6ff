import { CreateKeyCommand, GenerateDataKeyPairWithoutPlaintextCommand, GetPublicKeyCommand, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import { createPublicKey } from 'node:crypto';
import { DependencyError } from '../platform/errors';
import type { KeyAlgorithm } from './algorithms';
import type { KeyCustody } from './custody';
import { signingKeyPolicy } from './key-policy';
import { ENVELOPE, KMS, KMS_TAG, KmsKeyCustody } from './kms-custody';

/** KMS keeps a key this many days after deletion is asked for (7 is its minimum): time to notice a mistake. */
const DELETION_WINDOW_DAYS = 7;

/**
 * KMS custody that also makes and destroys keys, with their key policies:
 * the key rotation's only (lib/composition/key-rotation.ts). The functions
 * that sign build KmsKeyCustody, which cannot make a key, and bundle none of
 * this (issue 27).
 */
export class KmsKeyMaker extends KmsKeyCustody implements KeyCustody {
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

  async destroy(ref: string) {
    // A wrapped key dies with its wrapper: the ciphertext left in an old keyring backup decrypts no more.
    const keyId = ENVELOPE.exec(ref)?.[1] ?? ref;
    await this.call(() => this.client.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: DELETION_WINDOW_DAYS })));
  }
}
