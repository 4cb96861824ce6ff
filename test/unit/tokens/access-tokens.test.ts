import jwt from 'jsonwebtoken';
import { AccessTokens, hmacKey } from '../../../lib/tokens/access-tokens';

const key = hmacKey('kid-1', 'the first secret');
const other = hmacKey('kid-1', 'another secret');
const tokens = new AccessTokens(900);

it('signs HS256 tokens naming their key in iss, with the session id and a unique jti', () => {
  const a = tokens.sign('alice', 'session-1', key);
  const b = tokens.sign('alice', 'session-1', key);
  expect(jwt.decode(a.token, { complete: true })?.header).toMatchObject({ alg: 'HS256' });
  expect(a.claims).toMatchObject({ iss: 'kid-1', sub: 'alice', sid: 'session-1' });
  expect(a.claims.exp - a.claims.iat).toBe(900);
  expect(a.claims.jti).not.toBe(b.claims.jti);
});

it('verifies with the key the resolver finds, and refuses what does not check out', async () => {
  const { token, claims } = tokens.sign('alice', 'session-1', key);
  await expect(tokens.verify(token, () => key)).resolves.toEqual(claims);
  await expect(tokens.verify(token, () => other)).resolves.toBeUndefined();
  await expect(tokens.verify(token, () => undefined)).resolves.toBeUndefined();
  await expect(tokens.verify(token, () => hmacKey('kid-2', 'the first secret'))).resolves.toBeUndefined();
  await expect(tokens.verify(`${token}x`, () => key)).resolves.toBeUndefined();
  await expect(tokens.verify('not.a.token', () => key)).resolves.toBeUndefined();
});

it('hands the resolver what the token claims, before verifying it', async () => {
  const { token } = tokens.sign('alice', 'session-1', key);
  const resolve = jest.fn(() => key);
  await tokens.verify(token, resolve);
  expect(resolve).toHaveBeenCalledWith(expect.objectContaining({ iss: 'kid-1', sub: 'alice', sid: 'session-1' }));
});

it('refuses expired tokens and tokens signed with another algorithm', async () => {
  const now = Math.floor(Date.now() / 1000);
  const base = { iss: 'kid-1', sub: 'alice', jti: 'j', sid: 's', iat: now - 100 };
  const expired = jwt.sign({ ...base, exp: now - 1 }, key.key, { algorithm: 'HS256' });
  await expect(tokens.verify(expired, () => key)).resolves.toBeUndefined();
  const hs512 = jwt.sign({ ...base, exp: now + 100 }, key.key, { algorithm: 'HS512' });
  await expect(tokens.verify(hs512, () => key)).resolves.toBeUndefined();
});
