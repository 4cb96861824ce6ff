import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { calculateJwkThumbprint, createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { IDENTITY_TOKEN_TYPE, identityTokenSigner } from '../../../lib/identity-tokens/identity-tokens';
import type { Event } from '../../../lib/platform/http';
import { IDENTITY_TOKEN_TYPE as PROFILES_IDENTITY_TOKEN_TYPE, IdentityVerifier } from '../../../lib/profiles/identity';
import { AccessTokens } from '../../../lib/tokens/access-tokens';
import { ACCESS_TOKEN_PROFILE } from '../support/access-token-profile';
import { FileKeyCustody } from '../../../lib/keys/file-custody';
import { KeyRotation } from '../../../lib/keys/rotation';
import { SigningKeys } from '../../../lib/keys/signing-keys';
import { MemoryKeyRingStore } from '../support/memory-stores';

const ISSUER = 'https://auth.example.test';
let dir: string;
let signer: ReturnType<typeof identityTokenSigner>;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'identity-tokens-'));
  const store = new MemoryKeyRingStore();
  const custody = new FileKeyCustody(dir);
  const timing = { jwksCacheSeconds: 300, accessTokenTtlSeconds: 900, rotationSeconds: 86400 };
  await new KeyRotation(store, custody, { retire: async () => undefined }, 'ES256', timing).advance(Math.floor(Date.now() / 1000));
  signer = identityTokenSigner(new SigningKeys(store, custody, 0, ISSUER));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

it("signs with the service's current key, named by its RFC 7638 thumbprint, for one audience", async () => {
  const token = await signer.sign({ sub: 'alice', uid: 'account-1', email: 'a@example.com', given_name: 'Alice' }, 'userprofile', 60);
  const jwks = await signer.jwks();
  const { kid } = decodeProtectedHeader(token);
  const key = jwks.keys.find((candidate) => candidate.kid === kid);
  expect(key).toBeDefined();
  expect(kid).toBe(await calculateJwkThumbprint(key!, 'sha256'));
  expect(key).not.toHaveProperty('d');

  const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer: ISSUER, audience: 'userprofile', algorithms: ['ES256'] });
  expect(payload).toMatchObject({ sub: 'alice', uid: 'account-1', email: 'a@example.com', given_name: 'Alice' });
  expect(payload.exp! - payload.iat!).toBe(60);
  expect(payload.jti).toEqual(expect.any(String));
  await expect(jwtVerify(token, createLocalJWKSet(jwks), { issuer: ISSUER, audience: 'billing' })).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' });
});

it('leaves absent claims out rather than sending them empty', async () => {
  const token = await signer.sign({ sub: 'bob', uid: 'u', email: undefined, given_name: '' }, 'userprofile', 60);
  const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
  expect(payload).toMatchObject({ sub: 'bob', uid: 'u', aud: 'userprofile', iss: ISSUER });
  expect(payload).not.toHaveProperty('email');
  expect(payload).not.toHaveProperty('given_name');
});

it('carries its own typ (identity+jwt), so neither a resource server checking at+jwt nor the access-token check takes it, and the profile service does', async () => {
  const token = await signer.sign({ sub: 'alice', uid: 'account-1' }, 'userprofile', 60);
  expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', typ: IDENTITY_TOKEN_TYPE });
  const jwks = createLocalJWKSet(await signer.jwks());
  await expect(jwtVerify(token, jwks, { issuer: ISSUER, audience: 'userprofile', typ: 'at+jwt' })).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'typ' });
  const accessTokens = new AccessTokens(900, 3600, { ...ACCESS_TOKEN_PROFILE, issuer: ISSUER, audience: ['userprofile'] });
  expect(accessTokens.unverifiedClaims(token)).toBeUndefined();

  const profiles = new IdentityVerifier({ keys: jwks, issuer: ISSUER, audience: 'userprofile' });
  expect(PROFILES_IDENTITY_TOKEN_TYPE).toBe(IDENTITY_TOKEN_TYPE);
  await expect(profiles.identify({ headers: { authorization: `Bearer ${token}` } } as unknown as Event)).resolves.toMatchObject({ username: 'alice', accountId: 'account-1' });
});
