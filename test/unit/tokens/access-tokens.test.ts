import { jwtVerify } from 'jose';
import jwt from 'jsonwebtoken';
import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { publicKey } from '../../../lib/keys/algorithms';
import { VerifyingAccessTokens } from '../../../lib/tokens/access-token-verifier';
import { bearerToken, secretKey, type VerificationKey } from '../../../lib/tokens/access-tokens';
import { localSigner } from '../../../lib/tokens/signer';
import { ACCESS_TOKEN_PROFILE, AUDIENCE, ISSUER } from '../support/access-token-profile';

const hmacKey = (credentialKey: string, secret: string): VerificationKey => ({ credentialKey, algorithm: 'HS256', key: secretKey(secret) });
const key = hmacKey('kid-1', 'the first secret');
const other = hmacKey('kid-1', 'another secret');
const signer = localSigner('HS256', key.key);
const tokens = new VerifyingAccessTokens(900, 3600, ACCESS_TOKEN_PROFILE);
const SID = randomUUID();
const sign = (subject = 'alice') => tokens.sign(subject, SID, 'kid-1', signer);
const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** An HS256 token with this header and claims, signed with `key` (by hand: jsonwebtoken adds and refuses things). */
const handSigned = (header: Record<string, unknown>, claims: Record<string, unknown>) => {
  const input = `${b64({ alg: 'HS256', ...header })}.${b64(claims)}`;
  return `${input}.${createHmac('sha256', key.key).update(input).digest('base64url')}`;
};
/** What the service issues, as plain claims to vary. */
const valid = (): Record<string, unknown> => ({
  iss: ISSUER,
  sub: 'alice',
  aud: AUDIENCE,
  client_id: 'first-party',
  scope: 'openid profile email',
  iat: now(),
  exp: now() + 900,
  jti: randomUUID(),
  sid: randomUUID(),
  ckey: 'kid-1',
});
const AT_JWT = { typ: 'at+jwt' };

it('signs RFC 9068 access tokens: typ at+jwt; iss the issuer, aud the audience, client_id, scope; the Kong credential in ckey; no kid for HS256', async () => {
  const a = await sign();
  const b = await sign();
  expect(jwt.decode(a.token, { complete: true })?.header).toEqual({ alg: 'HS256', typ: 'at+jwt' });
  expect(jwt.decode(a.token)).toEqual(a.claims);
  expect(a.claims).toEqual({
    iss: ISSUER,
    sub: 'alice',
    aud: AUDIENCE,
    client_id: 'first-party',
    scope: 'openid profile email',
    iat: expect.any(Number),
    exp: a.claims.iat + 900,
    jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    sid: SID,
    ckey: 'kid-1',
  });
  expect(a.claims.jti).not.toBe(b.claims.jti);
});

it('several audiences: aud is their array, and a verifier for any one of them takes the token', async () => {
  const both = new VerifyingAccessTokens(900, 3600, { ...ACCESS_TOKEN_PROFILE, audience: [AUDIENCE, 'https://orders.example.test'] });
  const { token, claims } = await both.sign('alice', SID, 'kid-1', signer);
  expect(claims.aud).toEqual([AUDIENCE, 'https://orders.example.test']);
  await expect(tokens.verify(token, () => key)).resolves.toEqual(claims);
  const orders = new VerifyingAccessTokens(900, 3600, { ...ACCESS_TOKEN_PROFILE, audience: ['https://orders.example.test'] });
  await expect(orders.verify(token, () => key)).resolves.toEqual(claims);
  expect(() => new VerifyingAccessTokens(900, 3600, { ...ACCESS_TOKEN_PROFILE, audience: [] })).toThrow(RangeError);
});

it('another client and scope when the grant says so (the token endpoint\'s clients)', async () => {
  const { token, claims } = await tokens.sign('alice', SID, 'kid-1', signer, { clientId: 'app-1', scope: 'openid' });
  expect(claims).toMatchObject({ client_id: 'app-1', scope: 'openid' });
  await expect(tokens.verify(token, () => key)).resolves.toEqual(claims);
});

it('verifies with the key the resolver finds, and refuses what does not check out', async () => {
  const { token, claims } = await sign();
  await expect(tokens.verify(token, () => key)).resolves.toEqual(claims);
  await expect(tokens.verify(token, () => other)).resolves.toBeUndefined();
  await expect(tokens.verify(token, () => undefined)).resolves.toBeUndefined();
  await expect(tokens.verify(token, () => hmacKey('kid-2', 'the first secret'))).resolves.toBeUndefined();
  await expect(tokens.verify(`${token}x`, () => key)).resolves.toBeUndefined();
  await expect(tokens.verify('not.a.token', () => key)).resolves.toBeUndefined();
});

it('hands the resolver what the token claims, before verifying it', async () => {
  const { token } = await sign();
  const resolve = jest.fn(() => key);
  await tokens.verify(token, resolve);
  expect(resolve).toHaveBeenCalledWith(expect.objectContaining({ ckey: 'kid-1', sub: 'alice', sid: SID }));
});

it('refuses expired tokens and tokens signed with another algorithm', async () => {
  const base = { ...valid(), iat: now() - 100 };
  const expired = jwt.sign({ ...base, exp: now() - 1 }, key.key, { algorithm: 'HS256', header: { alg: 'HS256', typ: 'at+jwt' } });
  await expect(tokens.verify(expired, () => key)).resolves.toBeUndefined();
  const hs512 = jwt.sign({ ...base, exp: now() + 100 }, key.key, { algorithm: 'HS512', header: { alg: 'HS512', typ: 'at+jwt' } });
  await expect(tokens.verify(hs512, () => key)).resolves.toBeUndefined();
});

describe('typ, iss and aud: no other token of the service, and no token for another audience, passes as an access token', () => {
  it('accepts at+jwt however RFC 7515 lets it be written', async () => {
    for (const typ of ['at+jwt', 'AT+JWT', 'application/at+jwt']) {
      await expect(tokens.verify(handSigned({ typ }, valid()), () => key)).resolves.toBeDefined();
    }
  });

  it.each([
    ['typ JWT (an ID token\'s, a token for another service\'s)', { typ: 'JWT' }],
    ['typ identity+jwt (an identity token\'s)', { typ: 'identity+jwt' }],
    ['no typ', {}],
    ['typ not a string', { typ: ['at+jwt'] }],
  ])('refuses %s before asking for a key', async (_name, header) => {
    const resolve = jest.fn(() => key);
    await expect(tokens.verify(handSigned(header, valid()), resolve)).resolves.toBeUndefined();
    expect(resolve).not.toHaveBeenCalled();
  });

  it.each([
    ['another iss', { iss: 'https://evil.example.test' }],
    ['the credential key as iss (the old tokens)', { iss: 'kid-1' }],
    ['no iss', { iss: undefined }],
    ['another aud', { aud: 'https://orders.example.test' }],
    ['the issuer as aud', { aud: ISSUER }],
    ['the profile service\'s aud', { aud: 'userprofile' }],
    ['an empty aud list', { aud: [] }],
    ['no aud', { aud: undefined }],
    ['no client_id', { client_id: undefined }],
    ['a client_id that is no string', { client_id: 42 }],
    ['no scope', { scope: undefined }],
  ])('refuses %s', async (_name, change) => {
    await expect(tokens.verify(handSigned(AT_JWT, { ...valid(), ...change }), () => key)).resolves.toBeUndefined();
  });

  it('refuses an identity token signed with the very key (typ identity+jwt, aud the profile service, no ckey)', async () => {
    const identity = jwt.sign({ sub: 'alice', uid: 'account-1', aud: 'userprofile', iss: ISSUER, jti: randomUUID() }, key.key, {
      algorithm: 'HS256',
      expiresIn: 60,
      header: { alg: 'HS256', typ: 'identity+jwt' },
    });
    await expect(tokens.verify(identity, () => key)).resolves.toBeUndefined();
    expect(tokens.unverifiedClaims(identity)).toBeUndefined();
    // Even dressed with every claim of an access token, its typ gives it away.
    await expect(tokens.verify(handSigned({ typ: 'identity+jwt' }, { ...valid(), uid: 'account-1' }), () => key)).resolves.toBeUndefined();
  });

  it('refuses a token whose ckey is not the credential the resolver found', async () => {
    await expect(tokens.verify(handSigned(AT_JWT, { ...valid(), ckey: 'kid-2' }), () => key)).resolves.toBeUndefined();
  });
});

describe('ES256 and RS256 tokens signed with the service\'s own keys', () => {
  const pairs = {
    ES256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
    RS256: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  };

  it.each(['ES256', 'RS256'] as const)('%s: typ at+jwt and kid in the header, verified with the public key, refused with any other', async (algorithm) => {
    const { privateKey } = pairs[algorithm];
    const pub = publicKey(privateKey, algorithm);
    const { token, claims } = await tokens.sign('alice', SID, `issuer.${pub.kid}`, localSigner(algorithm, privateKey, pub.kid));
    expect(jwt.decode(token, { complete: true })?.header).toEqual({ alg: algorithm, typ: 'at+jwt', kid: pub.kid });
    expect(tokens.unverifiedClaims(token)).toMatchObject({ kid: pub.kid, ckey: `issuer.${pub.kid}` });
    expect(claims.iss).toBe(ISSUER);

    const verifying = { credentialKey: `issuer.${pub.kid}`, algorithm, key: pub.key };
    await expect(tokens.verify(token, () => verifying)).resolves.toEqual(claims);
    const otherKey = publicKey(algorithm === 'ES256' ? pairs.RS256.privateKey : pairs.ES256.privateKey, algorithm === 'ES256' ? 'RS256' : 'ES256');
    await expect(tokens.verify(token, () => ({ ...verifying, key: otherKey.key }))).resolves.toBeUndefined();
    // Algorithm confusion: the public key's PEM used as an HMAC secret.
    await expect(tokens.verify(token, () => ({ credentialKey: verifying.credentialKey, algorithm: 'HS256', key: secretKey(pub.pem) }))).resolves.toBeUndefined();
  });

  it('jose verifies them as RFC 9068 says a resource server does, and refuses an identity token for the same checks', async () => {
    const { privateKey } = pairs.ES256;
    const pub = publicKey(privateKey, 'ES256');
    const es256 = localSigner('ES256', privateKey, pub.kid);
    const { token } = await tokens.sign('alice', SID, `issuer.${pub.kid}`, es256);
    const options = { issuer: ISSUER, audience: AUDIENCE, typ: 'at+jwt', algorithms: ['ES256'] };
    await expect(jwtVerify(token, pub.key, options)).resolves.toMatchObject({ payload: { sub: 'alice', client_id: 'first-party' } });
    const identity = await es256.sign({ iss: ISSUER, sub: 'alice', uid: 'account-1', aud: 'userprofile', iat: now(), exp: now() + 60 }, 'identity+jwt');
    await expect(jwtVerify(identity, pub.key, options)).rejects.toThrow();
    await expect(jwtVerify(identity, pub.key, { ...options, audience: 'userprofile' })).rejects.toThrow(/typ/);
  });

  it('refuses a token whose kid is not a thumbprint before asking for a key', async () => {
    const { privateKey } = pairs.ES256;
    const resolve = jest.fn();
    const token = jwt.sign(valid(), privateKey, { algorithm: 'ES256', keyid: '../../etc/passwd', header: { alg: 'ES256', typ: 'at+jwt' } });
    await expect(tokens.verify(token, resolve)).resolves.toBeUndefined();
    expect(resolve).not.toHaveBeenCalled();
  });
});

describe('claims a signed token must have, as strictly as the gateway', () => {
  const signed = (claims: Record<string, unknown>) => handSigned(AT_JWT, claims);
  const without = (name: string) => {
    const claims: Record<string, unknown> = valid();
    delete claims[name];
    return claims;
  };
  const t = now();

  it('accepts what the service issues', async () => {
    await expect(tokens.verify(signed(valid()), () => key)).resolves.toBeDefined();
  });

  it.each([
    ['no exp', () => without('exp')],
    ['no iat', () => without('iat')],
    ['no sub', () => without('sub')],
    ['no jti', () => without('jti')],
    ['no sid', () => without('sid')],
    ['no ckey', () => without('ckey')],
    ['exp 1e300', () => ({ ...valid(), exp: 1e300 })],
    ['a fractional exp', () => ({ ...valid(), exp: t + 900.5 })],
    ['exp as a string', () => ({ ...valid(), exp: String(t + 900) })],
    ['a lifetime over the maximum', () => ({ ...valid(), iat: t, exp: t + 3601 })],
    ['exp further away than the maximum', () => ({ ...valid(), iat: t + 3000, exp: t + 3700 })],
    ['an empty jti', () => ({ ...valid(), jti: '' })],
    ['a 3 kB sid', () => ({ ...valid(), sid: 'x'.repeat(3000) })],
    ['a subject that is no username', () => ({ ...valid(), sub: 'Alice/../admin' })],
  ])('refuses a token with %s', async (_name, claims) => {
    await expect(tokens.verify(signed(claims()), () => key)).resolves.toBeUndefined();
  });

  it('does not even ask for a key when the identifying claims are malformed', async () => {
    const resolve = jest.fn(() => key);
    await tokens.verify(signed({ ...valid(), jti: 'x'.repeat(3000) }), resolve);
    expect(resolve).not.toHaveBeenCalled();
  });
});

describe('bearerToken (RFC 6750 §2.1)', () => {
  it.each([
    ['Bearer abc.def.ghi', 'abc.def.ghi'],
    ['bearer abc.def.ghi', 'abc.def.ghi'],
    ['BEARER abc.def.ghi', 'abc.def.ghi'],
    ['Bearer   abc.def.ghi', 'abc.def.ghi'],
    [' Bearer abc.def.ghi ', 'abc.def.ghi'],
    ['Bearer abc', 'abc'],
  ])('reads %j', (header, token) => expect(bearerToken(header)).toBe(token));

  it.each([undefined, '', 'Bearer', 'Bearer ', 'Basic abc', 'Bearerabc.def.ghi', 'Bearer a b', 'Bearer a,b'])('refuses %j', (header) =>
    expect(bearerToken(header)).toBeUndefined(),
  );
});
