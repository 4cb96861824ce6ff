import jwt from 'jsonwebtoken';
import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { publicKey } from '../../../lib/keys/algorithms';
import { AccessTokens, bearerToken, secretKey, type VerificationKey } from '../../../lib/tokens/access-tokens';
import { localSigner } from '../../../lib/tokens/signer';

const hmacKey = (issuer: string, secret: string): VerificationKey => ({ issuer, algorithm: 'HS256', key: secretKey(secret) });
const key = hmacKey('kid-1', 'the first secret');
const other = hmacKey('kid-1', 'another secret');
const signer = localSigner('HS256', key.key);
const tokens = new AccessTokens(900, 3600);
const SID = randomUUID();
const sign = (subject = 'alice') => tokens.sign(subject, SID, 'kid-1', signer);

it('signs HS256 tokens naming their key in iss, with the session id and a unique jti, and no kid', async () => {
  const a = await sign();
  const b = await sign();
  expect(jwt.decode(a.token, { complete: true })?.header).toEqual({ alg: 'HS256', typ: 'JWT' });
  expect(a.claims).toMatchObject({ iss: 'kid-1', sub: 'alice', sid: SID });
  expect(a.claims.exp - a.claims.iat).toBe(900);
  expect(a.claims.jti).not.toBe(b.claims.jti);
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
  expect(resolve).toHaveBeenCalledWith(expect.objectContaining({ iss: 'kid-1', sub: 'alice', sid: SID }));
});

it('refuses expired tokens and tokens signed with another algorithm', async () => {
  const now = Math.floor(Date.now() / 1000);
  const base = { iss: 'kid-1', sub: 'alice', jti: randomUUID(), sid: randomUUID(), iat: now - 100 };
  const expired = jwt.sign({ ...base, exp: now - 1 }, key.key, { algorithm: 'HS256' });
  await expect(tokens.verify(expired, () => key)).resolves.toBeUndefined();
  const hs512 = jwt.sign({ ...base, exp: now + 100 }, key.key, { algorithm: 'HS512' });
  await expect(tokens.verify(hs512, () => key)).resolves.toBeUndefined();
});

describe('ES256 and RS256 tokens signed with the service\'s own keys', () => {
  const pairs = {
    ES256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
    RS256: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  };

  it.each(['ES256', 'RS256'] as const)('%s: kid in the header, verified with the public key, refused with any other', async (algorithm) => {
    const { privateKey } = pairs[algorithm];
    const pub = publicKey(privateKey, algorithm);
    const { token, claims } = await tokens.sign('alice', SID, `issuer.${pub.kid}`, localSigner(algorithm, privateKey, pub.kid));
    expect(jwt.decode(token, { complete: true })?.header).toEqual({ alg: algorithm, typ: 'JWT', kid: pub.kid });
    expect(tokens.unverifiedClaims(token)).toMatchObject({ kid: pub.kid, iss: `issuer.${pub.kid}` });

    const verifying = { issuer: `issuer.${pub.kid}`, algorithm, key: pub.key };
    await expect(tokens.verify(token, () => verifying)).resolves.toEqual(claims);
    const otherKey = publicKey(algorithm === 'ES256' ? pairs.RS256.privateKey : pairs.ES256.privateKey, algorithm === 'ES256' ? 'RS256' : 'ES256');
    await expect(tokens.verify(token, () => ({ ...verifying, key: otherKey.key }))).resolves.toBeUndefined();
    // Algorithm confusion: the public key's PEM used as an HMAC secret.
    await expect(tokens.verify(token, () => ({ issuer: verifying.issuer, algorithm: 'HS256', key: secretKey(pub.pem) }))).resolves.toBeUndefined();
  });

  it('refuses a token whose kid is not a thumbprint before asking for a key', async () => {
    const { privateKey } = pairs.ES256;
    const resolve = jest.fn();
    const token = jwt.sign({ iss: 'x', sub: 'alice', jti: randomUUID(), sid: SID }, privateKey, { algorithm: 'ES256', keyid: '../../etc/passwd', expiresIn: 60 });
    await expect(tokens.verify(token, resolve)).resolves.toBeUndefined();
    expect(resolve).not.toHaveBeenCalled();
  });
});

describe('claims a signed token must have, as strictly as the gateway', () => {
  const now = Math.floor(Date.now() / 1000);
  const valid = () => ({ iss: 'kid-1', sub: 'alice', jti: randomUUID(), sid: randomUUID(), iat: now, exp: now + 900 });
  // By hand rather than with jwt.sign, which adds iat and refuses a non-numeric exp.
  const signed = (claims: Record<string, unknown>) => {
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const input = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
    return `${input}.${createHmac('sha256', key.key).update(input).digest('base64url')}`;
  };
  const without = (name: string) => {
    const claims: Record<string, unknown> = valid();
    delete claims[name];
    return claims;
  };

  it('accepts what the service issues', async () => {
    await expect(tokens.verify(signed(valid()), () => key)).resolves.toBeDefined();
  });

  it.each([
    ['no exp', () => without('exp')],
    ['no iat', () => without('iat')],
    ['no sub', () => without('sub')],
    ['no jti', () => without('jti')],
    ['no sid', () => without('sid')],
    ['exp 1e300', () => ({ ...valid(), exp: 1e300 })],
    ['a fractional exp', () => ({ ...valid(), exp: now + 900.5 })],
    ['exp as a string', () => ({ ...valid(), exp: String(now + 900) })],
    ['a lifetime over the maximum', () => ({ ...valid(), iat: now, exp: now + 3601 })],
    ['exp further away than the maximum', () => ({ ...valid(), iat: now + 3000, exp: now + 3700 })],
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
