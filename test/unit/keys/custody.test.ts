/**
 * Both custodies behind one interface: key files (local runs) and AWS KMS,
 * the latter through the real @aws-sdk/client-kms against a stand-in of the
 * KMS JSON API (../support/kms-stand-in.ts; no KMS emulator exists on npm).
 * What they sign is checked with jose, as another service would check it.
 */
import { importJWK, jwtVerify } from 'jose';
import { createPrivateKey, verify } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { publicKey, type KeyAlgorithm } from '../../../lib/keys/algorithms';
import type { KeyCustody } from '../../../lib/keys/custody';
import { FileKeyCustody } from '../../../lib/keys/file-custody';
import { kmsClient, KmsKeyCustody } from '../../../lib/keys/kms-custody';
import { KmsKeyMaker } from '../../../lib/keys/kms-key-maker';
import { KmsStandIn } from '../support/kms-stand-in';

const ADMIN = 'arn:aws:iam::111122223333:root';

let dir: string;
const kms = new KmsStandIn();
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'custody-'));
  await kms.start();
  // The SDK wants a region and some credentials; the stand-in checks neither.
  Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'stand-in', AWS_SECRET_ACCESS_KEY: 'stand-in', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await kms.stop();
});

const custodies: Array<[string, () => KeyCustody]> = [
  ['file', () => new FileKeyCustody(path.join(dir, 'keys'))],
  ['kms', () => new KmsKeyMaker(kmsClient({ endpoint: kms.url, timeoutMs: 2000 }), 'test-stage', ADMIN)],
  ['kms-envelope', () => new KmsKeyMaker(kmsClient({ endpoint: kms.url, timeoutMs: 2000 }), 'test-stage', ADMIN, 'envelope')],
];

describe.each(custodies)('%s custody', (_kind, make) => {
  it.each(['ES256', 'RS256'] as const)('%s: makes a key, and signs JWTs jose verifies with its public JWK', async (algorithm: KeyAlgorithm) => {
    const custody = make();
    const created = await custody.create(algorithm);
    const key = publicKey(created.publicKey, algorithm);
    const signer = await custody.signer(created.ref, algorithm, key.kid);
    const claims = { sub: 'alice', aud: 'profile', exp: Math.floor(Date.now() / 1000) + 60 };
    for (let i = 0; i < 20; i++) {
      const token = await signer.sign({ ...claims, n: i });
      const { payload, protectedHeader } = await jwtVerify(token, await importJWK(key.jwk, algorithm), { algorithms: [algorithm], audience: 'profile' });
      expect(protectedHeader).toEqual({ alg: algorithm, typ: 'JWT', kid: key.kid });
      expect(payload).toMatchObject({ ...claims, n: i });
      if (algorithm === 'ES256') {
        // Raw R||S of 64 bytes, as JWS and Kong (which refuses any other length) want it.
        const [header, body, signature] = token.split('.');
        const raw = Buffer.from(signature, 'base64url');
        expect(raw).toHaveLength(64);
        expect(verify('sha256', Buffer.from(`${header}.${body}`), { key: key.key, dsaEncoding: 'ieee-p1363' }, raw)).toBe(true);
      }
    }
  });

  it('destroys a key: it signs no more', async () => {
    const custody = make();
    const created = await custody.create('ES256');
    const { kid } = publicKey(created.publicKey, 'ES256');
    await custody.destroy(created.ref);
    await expect(custody.signer(created.ref, 'ES256', kid).then((signer) => signer.sign({ sub: 'x' }))).rejects.toBeDefined();
  });
});

describe('key files', () => {
  it('are <kid>.pem, readable by their owner only, in a folder only the owner can enter', async () => {
    const keys = path.join(dir, 'private');
    const created = await new FileKeyCustody(keys).create('ES256');
    const { kid } = publicKey(created.publicKey, 'ES256');
    expect(await readdir(keys)).toEqual([`${kid}.pem`]);
    expect((await stat(path.join(keys, `${kid}.pem`))).mode & 0o777).toBe(0o600);
    expect((await stat(keys)).mode & 0o777).toBe(0o700);
  });

  it('never reads outside their folder, nor a file holding another key than its kid names', async () => {
    const custody = new FileKeyCustody(path.join(dir, 'keys'));
    await expect(custody.signer('../../etc/passwd', 'ES256', 'x')).rejects.toThrow('not a key file name');
    const a = await custody.create('ES256');
    const b = await custody.create('ES256');
    await expect(custody.signer(a.ref, 'ES256', publicKey(b.publicKey, 'ES256').kid)).rejects.toThrow('does not hold key');
  });
});

describe('KMS', () => {
  const custody = () => new KmsKeyMaker(kmsClient({ endpoint: kms.url, timeoutMs: 2000 }), 'test-stage', ADMIN);

  it('makes non-exportable signing keys tagged for the stage, and fetches each public key once', async () => {
    const before = { ...kms.calls };
    const created = await custody().create('ES256');
    const key = kms.keys.get(created.ref)!;
    expect(key).toMatchObject({ spec: 'ECC_NIST_P256', tags: [{ TagKey: 'kong-lambda-auth', TagValue: 'test-stage' }] });
    const signer = await custody().signer(created.ref, 'ES256', publicKey(created.publicKey, 'ES256').kid);
    for (let i = 0; i < 5; i++) await signer.sign({ i });
    expect((kms.calls.GetPublicKey ?? 0) - (before.GetPublicKey ?? 0)).toBe(1);
    expect((kms.calls.Sign ?? 0) - (before.Sign ?? 0)).toBe(5);
  });

  it('answers 503 (temporarily_unavailable, blaming kms) when KMS throttles or fails', async () => {
    const created = await custody().create('ES256');
    const signer = await custody().signer(created.ref, 'ES256', publicKey(created.publicKey, 'ES256').kid);
    // Two failures outlast the client's two attempts.
    kms.failNext = { count: 2, type: 'ThrottlingException', status: 400 };
    await expect(signer.sign({})).rejects.toMatchObject({ status: 503, code: 'temporarily_unavailable', dependency: 'kms' });
    kms.failNext = { count: 2, type: 'KMSInternalException', status: 500 };
    await expect(signer.sign({})).rejects.toMatchObject({ status: 503, dependency: 'kms' });
    await expect(signer.sign({})).resolves.toEqual(expect.any(String));
  });

  it('makes each key with its own policy: the account administers it but never signs; tagged roles sign and retire', async () => {
    const key = kms.keys.get((await custody().create('ES256')).ref)!;
    expect(key.bypassedLockoutCheck).toBe(true);
    const statements = JSON.parse(key.policy!).Statement;
    const admin = statements.find((s: { Sid: string }) => s.Sid === 'AccountAdministersButNeverSigns');
    expect(admin).toMatchObject({ Principal: { AWS: ADMIN } });
    expect(admin.Action).not.toContain('kms:Sign');
    expect(admin.Action).toContain('kms:PutKeyPolicy');
    expect(statements.filter((s: { Action: string | string[] }) => [s.Action].flat().includes('kms:Sign'))).toEqual([
      expect.objectContaining({ Condition: { StringEquals: { 'aws:PrincipalTag/kong-lambda-auth-signer': 'test-stage' } } }),
    ]);
  });

  it('refuses to make a key without an administrator for its policy (never the account default)', async () => {
    const bare = new KmsKeyMaker(kmsClient({ endpoint: kms.url, timeoutMs: 2000 }), 'test-stage');
    await expect(bare.create('ES256')).rejects.toThrow('KMS_KEY_ADMIN_PRINCIPAL');
  });

  it('schedules deletion with the 7-day minimum window', async () => {
    const created = await custody().create('RS256');
    await custody().destroy(created.ref);
    expect(kms.keys.get(created.ref)?.state).toBe('PendingDeletion');
  });
});

describe('KMS envelope (a private key wrapped by KMS, unwrapped once per container)', () => {
  const custody = (stage = 'test-stage') => new KmsKeyMaker(kmsClient({ endpoint: kms.url, timeoutMs: 2000 }), stage, ADMIN, 'envelope');
  const calls = (name: string, before: Record<string, number>) => (kms.calls[name] ?? 0) - (before[name] ?? 0);

  it('stores only ciphertext: KMS makes the pair, the rotation never receives the private key in plaintext', async () => {
    const before = { ...kms.calls };
    const created = await custody().create('ES256');
    expect(calls('GenerateDataKeyPairWithoutPlaintext', before)).toBe(1);
    expect(calls('GenerateDataKeyPair', before)).toBe(0);
    const [, wrapper, blob] = /^envelope:([^#]+)#(.+)$/.exec(created.ref)!;
    expect(kms.keys.get(wrapper)).toMatchObject({ spec: 'SYMMETRIC_DEFAULT', tags: [{ TagKey: 'kong-lambda-auth', TagValue: 'test-stage' }] });
    // Nothing in the ref parses as a private key: it is the ciphertext, and the ref is all the keyring keeps.
    expect(() => createPrivateKey({ key: Buffer.from(blob, 'base64'), format: 'der', type: 'pkcs8' })).toThrow();
    expect(created.ref).not.toMatch(/PRIVATE KEY/);
  });

  it('decrypts once per signer, then signs in memory with no KMS call per token', async () => {
    const created = await custody().create('ES256');
    const before = { ...kms.calls };
    // As a signing function has it: the custody that cannot make keys (lib/composition/keys.ts).
    const signing = new KmsKeyCustody(kmsClient({ endpoint: kms.url, timeoutMs: 2000 }), 'test-stage', undefined, 'envelope');
    const signer = await signing.signer(created.ref, 'ES256', publicKey(created.publicKey, 'ES256').kid);
    for (let i = 0; i < 10; i++) await signer.sign({ i });
    expect(calls('Decrypt', before)).toBe(1);
    expect(calls('Sign', before)).toBe(0);
  });

  it("is bound to the stage: another stage's functions, or a ref naming another key, unwrap nothing", async () => {
    const created = await custody().create('ES256');
    const { kid } = publicKey(created.publicKey, 'ES256');
    await expect(custody('other-stage').signer(created.ref, 'ES256', kid)).rejects.toMatchObject({ status: 503, dependency: 'kms' });
    const other = await custody().create('ES256');
    await expect(custody().signer(other.ref, 'ES256', kid)).rejects.toThrow('does not hold key');
  });

  it("makes each wrapper with its own policy: signers may only Decrypt under the stage's context, the rotation only wrap and retire", async () => {
    const created = await custody().create('ES256');
    const key = kms.keys.get(/^envelope:([^#]+)#/.exec(created.ref)![1])!;
    const statements: Array<{ Sid: string; Action: string | string[]; Condition?: unknown }> = JSON.parse(key.policy!).Statement;
    const actions = (sid: string) => [statements.find((s) => s.Sid === sid)!.Action].flat();
    expect(actions('AccountAdministersButNeverSigns')).not.toContain('kms:Decrypt');
    expect(statements.filter((s) => [s.Action].flat().includes('kms:Decrypt'))).toEqual([
      expect.objectContaining({
        Condition: { StringEquals: { 'aws:PrincipalTag/kong-lambda-auth-signer': 'test-stage', 'kms:EncryptionContext:kong-lambda-auth-signing-key': 'test-stage' } },
      }),
    ]);
    expect(actions('RotationWrapsOnly')).toEqual(['kms:GenerateDataKeyPairWithoutPlaintext']);
    expect(statements.flatMap((s) => [s.Action].flat())).not.toContain('kms:GenerateDataKeyPair');
  });

  it('destroys a key by scheduling its wrapper for deletion, and signs with keys of the other mode (a stage may switch)', async () => {
    const created = await custody().create('RS256');
    await custody().destroy(created.ref);
    expect(kms.keys.get(/^envelope:([^#]+)#/.exec(created.ref)![1])?.state).toBe('PendingDeletion');
    const signing = await new KmsKeyMaker(kmsClient({ endpoint: kms.url, timeoutMs: 2000 }), 'test-stage', ADMIN, 'sign').create('ES256');
    const signer = await custody().signer(signing.ref, 'ES256', publicKey(signing.publicKey, 'ES256').kid);
    const before = { ...kms.calls };
    await signer.sign({});
    expect(calls('Sign', before)).toBe(1);
  });
});
