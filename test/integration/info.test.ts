import jwt from 'jsonwebtoken';
import { handler as info } from '../../functions/protected/info';
import { storedUser } from '../support/clients';
import { apiEvent, invoke } from '../support/events';
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
    const user = (await storedUser(username))!;
    const [header, payload, signature] = tokens.access_token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const now = Math.floor(Date.now() / 1000);

    const tampered = [header, Buffer.from(JSON.stringify({ ...claims, exp: now + 9999 })).toString('base64url'), signature].join('.');
    const expired = jwt.sign({ ...claims, iat: now - 1000, exp: now - 1 }, user.credentialSecret);
    const unsigned = jwt.sign(claims, '', { algorithm: 'none' });
    const foreign = jwt.sign(claims, 'some other secret');

    for (const token of [tampered, expired, unsigned, foreign, 'not-a-token']) {
      expect(await infoWith({ Authorization: `Bearer ${token}` })).toMatchObject(UNAUTHORIZED);
    }
    expect(await infoWith({})).toMatchObject(UNAUTHORIZED);
  });
});
