import jwt from 'jsonwebtoken';
import { handler as info } from '../../functions/protected/info';
import { storedUser } from '../support/clients';
import { apiEvent, invoke } from '../support/events';
import { signAs } from '../support/signing';
import { signedInUser } from '../support/users';

const infoWith = (headers: Record<string, string>) => invoke(info, apiEvent('GET', '/api/jwt/info', { headers }));
const UNAUTHORIZED = { status: 401, body: { message: 'Unauthorized' } };

describe('info', () => {
  it('answers the caller’s identity for a valid token', async () => {
    const { username, tokens } = await signedInUser();
    const user = (await storedUser(username))!;

    const response = await infoWith({
      Authorization: `Bearer ${tokens.access_token}`,
      'X-Consumer-ID': user.consumerId,
      'X-Consumer-Username': username,
    });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ username, consumer_id: user.consumerId });
    const { exp } = jwt.decode(tokens.access_token, { json: true })!;
    expect(response.body.token_expires_at).toBe(new Date(exp! * 1000).toISOString());
  });

  it('refuses forged X-Consumer-* headers without a valid token', async () => {
    const { username } = await signedInUser();
    const user = (await storedUser(username))!;
    expect(await infoWith({ 'X-Consumer-ID': user.consumerId, 'X-Consumer-Username': username })).toMatchObject(UNAUTHORIZED);
  });

  it('refuses another user’s valid token presented with forged headers', async () => {
    const victim = await signedInUser();
    const attacker = await signedInUser();
    const victimUser = (await storedUser(victim.username))!;
    const response = await infoWith({
      Authorization: `Bearer ${attacker.tokens.access_token}`,
      'X-Consumer-ID': victimUser.consumerId,
      'X-Consumer-Username': victim.username,
    });
    expect(response).toMatchObject(UNAUTHORIZED);
  });

  it('refuses tampered, expired, unsigned and foreign-signed tokens', async () => {
    const { username, tokens } = await signedInUser();
    const [header, payload, signature] = tokens.access_token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const now = Math.floor(Date.now() / 1000);

    const tampered = [header, Buffer.from(JSON.stringify({ ...claims, exp: now + 9999 })).toString('base64url'), signature].join('.');
    const expired = await signAs(username, { ...claims, iat: now - 1000, exp: now - 1 });
    const unsigned = jwt.sign(claims, '', { algorithm: 'none' });
    const foreign = jwt.sign(claims, 'some other secret');

    for (const token of [tampered, expired, unsigned, foreign, 'not-a-token']) {
      expect(await infoWith({ Authorization: `Bearer ${token}` })).toMatchObject(UNAUTHORIZED);
    }
    expect(await infoWith({})).toMatchObject(UNAUTHORIZED);
  });

  describe('claims, as strictly as the gateway (its jwt plugin: exp checked, maximum_expiration 3600)', () => {
    // Correctly signed, as the service signs: only the claims are wrong.
    async function signedWith(change: (claims: Record<string, unknown>) => Record<string, unknown>) {
      const { username, tokens } = await signedInUser();
      const claims = jwt.decode(tokens.access_token, { json: true })!;
      return signAs(username, change({ ...claims }));
    }

    it('accepts the very same token re-signed unchanged (so the refusals below are for the claims alone)', async () => {
      expect((await infoWith({ Authorization: `Bearer ${await signedWith((c) => c)}` })).status).toBe(200);
    });
    const now = () => Math.floor(Date.now() / 1000);

    it.each([
      ['without exp', ({ exp: _exp, ...rest }: Record<string, unknown>) => rest],
      ['without iat', ({ iat: _iat, ...rest }: Record<string, unknown>) => rest],
      ['with exp beyond the maximum', (c: Record<string, unknown>) => ({ ...c, exp: now() + 7200 })],
      ['with exp 1e300', (c: Record<string, unknown>) => ({ ...c, exp: 1e300 })],
      ['with a lifetime over the maximum', (c: Record<string, unknown>) => ({ ...c, iat: now() - 3000, exp: now() + 900 })],
    ])('refuses a token %s with 401', async (_name, change) => {
      expect(await infoWith({ Authorization: `Bearer ${await signedWith(change)}` })).toMatchObject(UNAUTHORIZED);
    });
  });

  it.each([
    ['an empty sub', { sub: '' }],
    ['an empty jti', { jti: '' }],
    ['a 3 kB sid', { sid: 'x'.repeat(3000) }],
    ['a 3 kB sub', { sub: 'x'.repeat(3000) }],
  ])('refuses an unsigned token with %s with 401, not 503', async (_name, claims) => {
    const junk = jwt.sign({ iss: 'x', sub: 'bob', jti: 'j', sid: 's', exp: Math.floor(Date.now() / 1000) + 60, ...claims }, '', { algorithm: 'none' });
    expect(await infoWith({ Authorization: `Bearer ${junk}` })).toMatchObject({ status: 401, body: { code: 'invalid_token' } });
  });

  it.each(['bearer', 'BEARER', 'Bearer ', 'Bearer\t'])('reads the scheme %j as RFC 6750 allows, as the gateway does', async (scheme) => {
    const { tokens } = await signedInUser();
    const response = await infoWith({ Authorization: `${scheme} ${tokens.access_token}` });
    expect(response.status).toBe(200);
  });
});

