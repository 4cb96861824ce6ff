import { createLocalJWKSet, jwtVerify } from 'jose';
import { createHash } from 'node:crypto';
import jwt from 'jsonwebtoken';
import bcrypt from 'bcryptjs';
import { admin, PASSWORD, setAttribute, storedUser, tokenItems, uniqueName } from '../support/clients';
import { ALGORITHM, keyring, PUBLIC_KEYS } from '../support/signing';
import { newUser, signinAs } from '../support/users';

/** The `iss` Kong finds the user's credential by: its key (HS256), or <issuer>.<kid> of the current key. */
async function expectedIssuer(user: Record<string, any>): Promise<string> { // eslint-disable-line @typescript-eslint/no-explicit-any
  if (!PUBLIC_KEYS) return user.credentialKey;
  const active = (await keyring()).find((key) => key.state === 'active')!;
  return `${user.credentialIssuer}.${active.kid}`;
}

describe('signin', () => {
  it(`issues an ${ALGORITHM} access token Kong can check, and an opaque refresh token stored only as a hash`, async () => {
    const username = await newUser();
    const response = await signinAs(username.toUpperCase());

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ token_type: 'Bearer', expires_in: 900, refresh_expires_in: 604800 });

    const user = (await storedUser(username))!;
    let claims: jwt.JwtPayload;
    if (PUBLIC_KEYS) {
      // The service's own key, named by kid, with nothing but the published keys.
      const jwks = createLocalJWKSet({ keys: (await keyring()).map((key) => (key as unknown as { jwk: never }).jwk) });
      ({ payload: claims } = await jwtVerify(response.body.access_token, jwks, { algorithms: [ALGORITHM] }));
    } else {
      claims = jwt.verify(response.body.access_token, user.credentialSecret, { algorithms: ['HS256'] }) as jwt.JwtPayload;
    }
    expect(claims).toMatchObject({ iss: process.env.PROXY_URL, aud: `${process.env.PROXY_URL}/api`, ckey: await expectedIssuer(user), sub: username });
    expect(claims.exp! - claims.iat!).toBe(900);
    expect(claims.jti).toEqual(expect.any(String));

    // r1.<session>.<generation>.<username>.<256 random bits>: the session item carries its hash (issue 27).
    const refreshToken: string = response.body.refresh_token;
    const [, sid, generation, owner, secret] = refreshToken.split('.');
    expect([sid, generation, owner]).toEqual([claims.sid, '0', username]);
    expect(Buffer.from(secret, 'base64url').length).toBe(32);
    const stored = await tokenItems({ username });
    const hash = createHash('sha256').update(refreshToken).digest('hex');
    // Kept as <generation>.<SHA-256, base64url>: the item already holds the session id and username.
    expect(stored.find((item) => item.id === `session#${sid}`)).toMatchObject({ refreshHash: `0.${Buffer.from(hash, 'hex').toString('base64url')}` });
    expect(stored.filter((item) => String(item.id).startsWith('rt#'))).toEqual([]);
    expect(JSON.stringify(stored)).not.toContain(secret);
  });

  it('answers a wrong password and an unknown user with the same 401', async () => {
    const username = await newUser();
    const wrongPassword = await signinAs(username, 'not the password');
    const unknownUser = await signinAs(uniqueName('ghost'), PASSWORD);

    expect(wrongPassword).toEqual(unknownUser);
    expect(wrongPassword).toMatchObject({ status: 401, body: { message: 'Invalid username or password' } });
  });

  it('re-creates the credential when Kong lost it, under a new key, and stores the new one', async () => {
    const username = await newUser();
    const before = (await storedUser(username))!;
    for (const credential of (await admin('GET', `/consumers/${before.consumerId}/jwt`)).body.data) {
      expect((await admin('DELETE', `/consumers/${before.consumerId}/jwt/${credential.id}`)).status).toBe(204);
    }

    const response = await signinAs(username);

    expect(response.status).toBe(200);
    const after = (await storedUser(username))!;
    const issuer = await expectedIssuer(after);
    expect(issuer).not.toBe(await expectedIssuer(before));
    const credential = (await admin('GET', `/consumers/${after.consumerId}/jwt/${issuer}`)).body;
    if (!PUBLIC_KEYS) expect(credential.secret).toBe(after.credentialSecret);
    expect(credential.algorithm).toBe(ALGORITHM);
    expect(jwt.decode(response.body.access_token, { json: true })!.ckey).toBe(issuer);
  });

  it('re-creates the consumer when Kong lost it', async () => {
    const username = await newUser();
    const before = (await storedUser(username))!;
    expect((await admin('DELETE', `/consumers/${username}`)).status).toBe(204);

    expect((await signinAs(username)).status).toBe(200);

    const after = (await storedUser(username))!;
    const consumer = await admin('GET', `/consumers/${username}`);
    expect(consumer.status).toBe(200);
    expect(after.consumerId).toBe(consumer.body.id);
    expect(after.consumerId).not.toBe(before.consumerId);
  });

  it('upgrades a plain-bcrypt hash (made before #13) at the next successful signin, and the password still works', async () => {
    const username = await newUser('legacy');
    await setAttribute('users', { username }, 'passwordHash', await bcrypt.hash(PASSWORD, 4));

    expect((await signinAs(username, 'not the password')).status).toBe(401);
    expect((await storedUser(username))!.passwordHash).toMatch(/^\$2[aby]\$/);

    expect((await signinAs(username)).status).toBe(200);
    const upgraded = (await storedUser(username))!.passwordHash;
    expect(upgraded).toMatch(/^v2:\$2[aby]\$04\$/);
    expect((await signinAs(username)).status).toBe(200);
    expect((await storedUser(username))!.passwordHash).toBe(upgraded);
  });

  it('refuses bad input with 400', async () => {
    const response = await signinAs(42 as unknown as string);
    expect(response).toMatchObject({ status: 400, body: { message: 'username: must be a string' } });
  });
});
