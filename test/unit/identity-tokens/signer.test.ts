import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { calculateJwkThumbprint, createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { Es256IdentityTokenSigner, es256PrivateKey, signingKeyFromEnv } from '../../../lib/identity-tokens/signer';

const pem = (curve = 'P-256') => generateKeyPairSync('ec', { namedCurve: curve }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

it('signs ES256 identity tokens with a kid that is the RFC 7638 thumbprint of the key in its JWKS', async () => {
  const signer = new Es256IdentityTokenSigner(es256PrivateKey(pem()), 'kong-lambda-auth');
  const token = await signer.sign({ sub: 'alice', uid: 'account-1', email: 'a@example.com', given_name: 'Alice' }, 'userprofile', 60);
  const jwks = await signer.jwks();
  expect(jwks.keys).toHaveLength(1);
  const [key] = jwks.keys;
  expect(key).toEqual({ kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String), kid: expect.any(String), alg: 'ES256', use: 'sig' });
  expect(key.kid).toBe(await calculateJwkThumbprint(key, 'sha256'));
  expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', kid: key.kid, typ: 'JWT' });

  const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer: 'kong-lambda-auth', audience: 'userprofile', algorithms: ['ES256'] });
  expect(payload).toMatchObject({ sub: 'alice', uid: 'account-1', email: 'a@example.com', given_name: 'Alice' });
  expect(payload.exp! - payload.iat!).toBe(60);
  expect(payload.jti).toEqual(expect.any(String));
});

it('publishes nothing private, and leaves absent claims out', async () => {
  const signer = new Es256IdentityTokenSigner(es256PrivateKey(pem()), 'iss');
  expect((await signer.jwks()).keys[0]).not.toHaveProperty('d');
  const token = await signer.sign({ sub: 'bob', uid: 'u', email: undefined, given_name: '' }, 'userprofile', 60);
  const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
  expect(payload).not.toHaveProperty('email');
  expect(payload).not.toHaveProperty('given_name');
});

it('reads the key inline (line breaks as \\n too) or from a file, and refuses anything but an EC P-256 private key', () => {
  const key = pem();
  expect(signingKeyFromEnv({ IDENTITY_SIGNING_KEY: key }).asymmetricKeyType).toBe('ec');
  expect(signingKeyFromEnv({ IDENTITY_SIGNING_KEY: key.replace(/\n/g, '\\n') }).asymmetricKeyType).toBe('ec');
  const dir = mkdtempSync(path.join(tmpdir(), 'identity-key-'));
  try {
    const file = path.join(dir, 'key.pem');
    writeFileSync(file, key, { mode: 0o600 });
    expect(signingKeyFromEnv({ IDENTITY_SIGNING_KEY_FILE: file }).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(() => signingKeyFromEnv({ IDENTITY_SIGNING_KEY_FILE: path.join(dir, 'missing.pem') })).toThrow(/cannot read IDENTITY_SIGNING_KEY_FILE/);
    expect(() => signingKeyFromEnv({ IDENTITY_SIGNING_KEY: key, IDENTITY_SIGNING_KEY_FILE: file })).toThrow(/not both/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  expect(() => signingKeyFromEnv({})).toThrow(/IDENTITY_SIGNING_KEY or IDENTITY_SIGNING_KEY_FILE is required/);
  expect(() => es256PrivateKey(pem('P-384'))).toThrow(/EC P-256/);
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  expect(() => es256PrivateKey(rsa)).toThrow(/EC P-256/);
  expect(() => es256PrivateKey('not a key')).toThrow(/not a PEM private key/);
});
