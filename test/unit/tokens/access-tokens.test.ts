import jwt from 'jsonwebtoken';
import { createHmac, randomUUID } from 'node:crypto';
import { AccessTokens, bearerToken, hmacKey } from '../../../lib/tokens/access-tokens';

const key = hmacKey('kid-1', 'the first secret');
const other = hmacKey('kid-1', 'another secret');
const tokens = new AccessTokens(900, 3600);
const SID = randomUUID();

it('signs HS256 tokens naming their key in iss, with the session id and a unique jti', () => {
  const a = tokens.sign('alice', SID, key);
  const b = tokens.sign('alice', SID, key);
  expect(jwt.decode(a.token, { complete: true })?.header).toMatchObject({ alg: 'HS256' });
  expect(a.claims).toMatchObject({ iss: 'kid-1', sub: 'alice', sid: SID });
  expect(a.claims.exp - a.claims.iat).toBe(900);
  expect(a.claims.jti).not.toBe(b.claims.jti);
});

it('verifies with the key the resolver finds, and refuses what does not check out', async () => {
  const { token, claims } = tokens.sign('alice', SID, key);
  await expect(tokens.verify(token, () => key)).resolves.toEqual(claims);
  await expect(tokens.verify(token, () => other)).resolves.toBeUndefined();
  await expect(tokens.verify(token, () => undefined)).resolves.toBeUndefined();
  await expect(tokens.verify(token, () => hmacKey('kid-2', 'the first secret'))).resolves.toBeUndefined();
  await expect(tokens.verify(`${token}x`, () => key)).resolves.toBeUndefined();
  await expect(tokens.verify('not.a.token', () => key)).resolves.toBeUndefined();
});

it('hands the resolver what the token claims, before verifying it', async () => {
  const { token } = tokens.sign('alice', SID, key);
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
