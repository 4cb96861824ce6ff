/**
 * A small stand-in for the AWS KMS JSON API (X-Amz-Target: TrentService.*),
 * built on node:crypto, for testing lib/keys/kms-custody.ts through the real
 * @aws-sdk/client-kms: no KMS emulator exists on npm. It implements the four
 * calls the custody makes, as the KMS API reference describes them: CreateKey
 * (ECC_NIST_P256, RSA_2048; SIGN_VERIFY), GetPublicKey (DER SPKI), Sign
 * (RAW messages up to 4096 bytes; ECDSA signatures in DER, as KMS gives them) and
 * ScheduleKeyDeletion (the key is then unusable). It is not KMS: no
 * authentication, policies or quotas, beyond `failNext` for faults.
 */
import { createPublicKey, randomUUID, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generatePrivateKey } from '../../../lib/keys/algorithms';

interface StandInKey {
  arn: string;
  spec: 'ECC_NIST_P256' | 'RSA_2048';
  privateKey: KeyObject;
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
        return this.withKey(input.KeyId, (key) => [
          200,
          {
            KeyId: key.arn,
            KeySpec: key.spec,
            KeyUsage: 'SIGN_VERIFY',
            PublicKey: createPublicKey(key.privateKey).export({ type: 'spki', format: 'der' }).toString('base64'),
            SigningAlgorithms: key.spec === 'ECC_NIST_P256' ? ['ECDSA_SHA_256'] : ['RSASSA_PKCS1_V1_5_SHA_256', 'RSASSA_PSS_SHA_256'],
          },
        ]);
      case 'Sign':
        return this.withKey(input.KeyId, (key) => this.sign(key, input));
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
    if (input.KeyUsage !== 'SIGN_VERIFY') return error('ValidationException', 'stand-in makes signing keys only');
    const spec = input.KeySpec;
    if (spec !== 'ECC_NIST_P256' && spec !== 'RSA_2048') return error('ValidationException', `stand-in does not make ${spec}`);
    // KMS refuses a policy that would not let the caller change it later, unless told that is the intent;
    // the stand-in cannot evaluate a policy, so it asks for that acknowledgement whenever one is given.
    if (input.Policy && !input.BypassPolicyLockoutSafetyCheck) {
      return error('MalformedPolicyDocumentException', 'The new key policy will not allow you to update the key policy in the future.');
    }
    const id = randomUUID();
    const key: StandInKey = {
      arn: `arn:aws:kms:us-east-1:111122223333:key/${id}`,
      spec,
      privateKey: await generatePrivateKey(spec === 'ECC_NIST_P256' ? 'ES256' : 'RS256'),
      state: 'Enabled',
      tags: input.Tags ?? [],
      policy: input.Policy,
      bypassedLockoutCheck: Boolean(input.BypassPolicyLockoutSafetyCheck),
    };
    this.keys.set(key.arn, key);
    return [200, { KeyMetadata: { KeyId: id, Arn: key.arn, KeySpec: spec, KeyUsage: 'SIGN_VERIFY', KeyState: 'Enabled', Enabled: true, CreationDate: Date.now() / 1000 } }];
  }

  private sign(key: StandInKey, input: Record<string, any>): Answer { // eslint-disable-line @typescript-eslint/no-explicit-any
    const algorithm = key.spec === 'ECC_NIST_P256' ? 'ECDSA_SHA_256' : 'RSASSA_PKCS1_V1_5_SHA_256';
    if (input.SigningAlgorithm !== algorithm) return error('InvalidKeyUsageException', `${input.SigningAlgorithm} is not valid for ${key.spec}`);
    const message = Buffer.from(input.Message, 'base64');
    if ((input.MessageType ?? 'RAW') !== 'RAW') return error('ValidationException', 'stand-in signs RAW messages only');
    if (message.length > 4096) return error('ValidationException', 'Message must be at most 4096 bytes');
    // KMS hashes a RAW message with the algorithm's SHA-256; ECDSA signatures come back DER-encoded.
    const signature = cryptoSign('sha256', message, { key: key.privateKey, dsaEncoding: 'der' });
    return [200, { KeyId: key.arn, Signature: signature.toString('base64'), SigningAlgorithm: algorithm }];
  }

  private withKey(keyId: string, use: (key: StandInKey) => Answer): Answer {
    const key = this.keys.get(keyId) ?? [...this.keys.values()].find((k) => k.arn.endsWith(`/${keyId}`));
    if (!key) return error('NotFoundException', `Key '${keyId}' does not exist`);
    if (key.state !== 'Enabled') return error('KMSInvalidStateException', `${key.arn} is pending deletion.`);
    return use(key);
  }
}

