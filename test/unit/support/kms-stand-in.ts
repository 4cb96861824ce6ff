/**
 * A small stand-in for the AWS KMS JSON API (X-Amz-Target: TrentService.*),
 * built on node:crypto, for testing lib/keys/kms-custody.ts through the real
 * @aws-sdk/client-kms: no KMS emulator exists on npm. It implements the
 * calls the custody makes, as the KMS API reference describes them: CreateKey
 * (ECC_NIST_P256, RSA_2048 for SIGN_VERIFY; SYMMETRIC_DEFAULT for
 * ENCRYPT_DECRYPT), GetPublicKey (DER SPKI), Sign (RAW messages up to 4096
 * bytes; ECDSA signatures in DER, as KMS gives them),
 * GenerateDataKeyPair[WithoutPlaintext] (a PKCS #8 private key encrypted under
 * a symmetric key, bound to the encryption context), Decrypt (which refuses
 * another context or key) and ScheduleKeyDeletion (the key is then unusable).
 * Its ciphertext is its own (AES-256-GCM under the key's secret, the key id
 * in front), not KMS's format. It is not KMS: no authentication, policies or
 * quotas, beyond `failNext` for faults.
 */
import { createCipheriv, createDecipheriv, createPublicKey, randomBytes, randomUUID, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generatePrivateKey } from '../../../lib/keys/algorithms';

interface StandInKey {
  arn: string;
  spec: 'ECC_NIST_P256' | 'RSA_2048' | 'SYMMETRIC_DEFAULT';
  /** An asymmetric key's private half. */
  privateKey?: KeyObject;
  /** A symmetric key's secret. */
  secret?: Buffer;
  state: 'Enabled' | 'PendingDeletion';
  tags: Array<{ TagKey: string; TagValue: string }>;
  /** The key policy it was made with (KMS's default when absent). */
  policy?: string;
  bypassedLockoutCheck: boolean;
}

type Answer = [status: number, body: Record<string, unknown>];

const error = (type: string, message: string, status = 400): Answer => [status, { __type: type, message }];

export class KmsStandIn {
  readonly keys = new Map<string, StandInKey>();
  /** How many times each operation was called. */
  readonly calls: Record<string, number> = {};
  /** The next calls fail with this error (a throttle, a 500), then it is used up. */
  failNext: { count: number; type: string; status: number } | undefined;
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const operation = String(req.headers['x-amz-target'] ?? '').replace(/^TrentService\./, '');
        void this.answer(operation, JSON.parse(Buffer.concat(chunks).toString() || '{}')).then(([status, body]) => {
          res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': randomUUID() }).end(JSON.stringify(body));
        });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }

  private async answer(operation: string, input: Record<string, any>): Promise<Answer> { // eslint-disable-line @typescript-eslint/no-explicit-any
    this.calls[operation] = (this.calls[operation] ?? 0) + 1;
    if (this.failNext && this.failNext.count > 0) {
      this.failNext.count--;
      return error(this.failNext.type, 'stand-in fault', this.failNext.status);
    }
    switch (operation) {
      case 'CreateKey':
        return this.createKey(input);
      case 'GetPublicKey':
        return this.withKey(input.KeyId, (key) => !key.privateKey ? error('UnsupportedOperationException', 'symmetric keys have no public key') : [
          200,
          {
            KeyId: key.arn,
            KeySpec: key.spec,
            KeyUsage: 'SIGN_VERIFY',
            PublicKey: createPublicKey(key.privateKey!).export({ type: 'spki', format: 'der' }).toString('base64'),
            SigningAlgorithms: key.spec === 'ECC_NIST_P256' ? ['ECDSA_SHA_256'] : ['RSASSA_PKCS1_V1_5_SHA_256', 'RSASSA_PSS_SHA_256'],
          },
        ]);
      case 'Sign':
        return this.withKey(input.KeyId, (key) => this.sign(key, input));
      case 'GenerateDataKeyPair':
      case 'GenerateDataKeyPairWithoutPlaintext':
        return this.withKeyAsync(input.KeyId, (key) => this.dataKeyPair(key, input, operation === 'GenerateDataKeyPair'));
      case 'Decrypt':
        return this.decrypt(input);
      case 'ScheduleKeyDeletion':
        return this.withKey(input.KeyId, (key) => {
          const days = input.PendingWindowInDays ?? 30;
          if (days < 7 || days > 30) return error('ValidationException', 'PendingWindowInDays must be 7 to 30');
          key.state = 'PendingDeletion';
          return [200, { KeyId: key.arn, KeyState: key.state, PendingWindowInDays: days, DeletionDate: Date.now() / 1000 + days * 86400 }];
        });
      default:
        return error('UnknownOperationException', `stand-in does not implement ${operation}`);
    }
  }

  private async createKey(input: Record<string, any>): Promise<Answer> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const spec = input.KeySpec ?? 'SYMMETRIC_DEFAULT';
    const usage = input.KeyUsage ?? 'ENCRYPT_DECRYPT';
    const fits = spec === 'SYMMETRIC_DEFAULT' ? usage === 'ENCRYPT_DECRYPT' : (spec === 'ECC_NIST_P256' || spec === 'RSA_2048') && usage === 'SIGN_VERIFY';
    if (!fits) return error('ValidationException', `stand-in does not make ${spec} keys for ${usage}`);
    // KMS refuses a policy that would not let the caller change it later, unless told that is the intent;
    // the stand-in cannot evaluate a policy, so it asks for that acknowledgement whenever one is given.
    if (input.Policy && !input.BypassPolicyLockoutSafetyCheck) {
      return error('MalformedPolicyDocumentException', 'The new key policy will not allow you to update the key policy in the future.');
    }
    const id = randomUUID();
    const key: StandInKey = {
      arn: `arn:aws:kms:us-east-1:111122223333:key/${id}`,
      spec,
      ...(spec === 'SYMMETRIC_DEFAULT' ? { secret: randomBytes(32) } : { privateKey: await generatePrivateKey(spec === 'ECC_NIST_P256' ? 'ES256' : 'RS256') }),
      state: 'Enabled',
      tags: input.Tags ?? [],
      policy: input.Policy,
      bypassedLockoutCheck: Boolean(input.BypassPolicyLockoutSafetyCheck),
    };
    this.keys.set(key.arn, key);
    return [200, { KeyMetadata: { KeyId: id, Arn: key.arn, KeySpec: spec, KeyUsage: usage, KeyState: 'Enabled', Enabled: true, CreationDate: Date.now() / 1000 } }];
  }

  private sign(key: StandInKey, input: Record<string, any>): Answer { // eslint-disable-line @typescript-eslint/no-explicit-any
    if (!key.privateKey) return error('InvalidKeyUsageException', `${key.arn} is not a signing key`);
    const algorithm = key.spec === 'ECC_NIST_P256' ? 'ECDSA_SHA_256' : 'RSASSA_PKCS1_V1_5_SHA_256';
    if (input.SigningAlgorithm !== algorithm) return error('InvalidKeyUsageException', `${input.SigningAlgorithm} is not valid for ${key.spec}`);
    const message = Buffer.from(input.Message, 'base64');
    if ((input.MessageType ?? 'RAW') !== 'RAW') return error('ValidationException', 'stand-in signs RAW messages only');
    if (message.length > 4096) return error('ValidationException', 'Message must be at most 4096 bytes');
    // KMS hashes a RAW message with the algorithm's SHA-256; ECDSA signatures come back DER-encoded.
    const signature = cryptoSign('sha256', message, { key: key.privateKey, dsaEncoding: 'der' });
    return [200, { KeyId: key.arn, Signature: signature.toString('base64'), SigningAlgorithm: algorithm }];
  }

  /** A new key pair whose private half is encrypted under `key`; its plaintext only when asked for (GenerateDataKeyPair). */
  private async dataKeyPair(key: StandInKey, input: Record<string, any>, withPlaintext: boolean): Promise<Answer> { // eslint-disable-line @typescript-eslint/no-explicit-any
    if (!key.secret) return error('InvalidKeyUsageException', `${key.arn} is not a symmetric encryption key`);
    const spec = input.KeyPairSpec;
    if (spec !== 'ECC_NIST_P256' && spec !== 'RSA_2048') return error('ValidationException', `stand-in does not make ${spec} pairs`);
    const privateKey = await generatePrivateKey(spec === 'ECC_NIST_P256' ? 'ES256' : 'RS256');
    const der = privateKey.export({ type: 'pkcs8', format: 'der' });
    return [
      200,
      {
        KeyId: key.arn,
        KeyPairSpec: spec,
        PublicKey: createPublicKey(privateKey).export({ type: 'spki', format: 'der' }).toString('base64'),
        PrivateKeyCiphertextBlob: this.encrypt(key, der, input.EncryptionContext).toString('base64'),
        ...(withPlaintext ? { PrivateKeyPlaintext: der.toString('base64') } : {}),
      },
    ];
  }

  /** The key id (36 characters), a 12-byte IV, the 16-byte GCM tag, the ciphertext; the encryption context is the AAD. */
  private encrypt(key: StandInKey, plaintext: Buffer, context: Record<string, string> | undefined): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key.secret!, iv).setAAD(aad(context));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([Buffer.from(key.arn.slice(-36)), iv, cipher.getAuthTag(), body]);
  }

  private decrypt(input: Record<string, any>): Answer { // eslint-disable-line @typescript-eslint/no-explicit-any
    const blob = Buffer.from(input.CiphertextBlob ?? '', 'base64');
    const id = blob.subarray(0, 36).toString();
    const key = [...this.keys.values()].find((k) => k.arn.endsWith(`/${id}`));
    // KMS answers IncorrectKeyException when KeyId names another key than the ciphertext's.
    if (key && input.KeyId && !key.arn.endsWith(`/${input.KeyId}`) && key.arn !== input.KeyId) return error('IncorrectKeyException', 'The key ID in the request does not identify the key that encrypted the ciphertext');
    return this.withKey(key?.arn ?? id, (found) => {
      if (!found.secret) return error('InvalidKeyUsageException', `${found.arn} is not a symmetric encryption key`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', found.secret, blob.subarray(36, 48)).setAAD(aad(input.EncryptionContext));
        decipher.setAuthTag(blob.subarray(48, 64));
        const plaintext = Buffer.concat([decipher.update(blob.subarray(64)), decipher.final()]);
        return [200, { KeyId: found.arn, Plaintext: plaintext.toString('base64'), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' }];
      } catch {
        return error('InvalidCiphertextException', '');
      }
    });
  }

  private async withKeyAsync(keyId: string, use: (key: StandInKey) => Promise<Answer>): Promise<Answer> {
    let chosen: StandInKey | undefined;
    const answer = this.withKey(keyId, (key) => ((chosen = key), [200, {}]));
    return chosen ? use(chosen) : answer;
  }

  private withKey(keyId: string, use: (key: StandInKey) => Answer): Answer {
    const key = this.keys.get(keyId) ?? [...this.keys.values()].find((k) => k.arn.endsWith(`/${keyId}`));
    if (!key) return error('NotFoundException', `Key '${keyId}' does not exist`);
    if (key.state !== 'Enabled') return error('KMSInvalidStateException', `${key.arn} is pending deletion.`);
    return use(key);
  }
}

/** The encryption context as authenticated data: its pairs in key order, so that the same context always matches. */
function aad(context: Record<string, string> | undefined): Buffer {
  return Buffer.from(JSON.stringify(Object.entries(context ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))));
}
