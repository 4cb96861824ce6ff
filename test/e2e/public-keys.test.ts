/**
 * Tokens as another service sees them, through the gateway: with ES256 or
 * RS256 (the default), the access token verifies with a standard JOSE
 * library from the JWKS URL alone, and neither the users table nor Kong holds
 * anything that can sign one. With HS256 (CI's second run) the same checks
 * show what that mode is: tokens only the user's Kong secret verifies.
 */
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import jwt from 'jsonwebtoken';
import { admin, storedUser } from '../support/clients';
import { client } from '../support/flow';
import { request } from '../support/http';
import { ALGORITHM, PUBLIC_KEYS } from '../support/signing';

const proxy = (path: string) => `${process.env.PROXY_URL}${path}`;
const gateway = client(process.env.PROXY_URL!);

// What another service does, and all it needs: the JWKS URL (jose caches it and refetches on an unknown kid).
const JWKS = createRemoteJWKSet(new URL(proxy('/.well-known/jwks.json')));

it(`signs access tokens ${ALGORITHM}${PUBLIC_KEYS ? ', named by a kid that the JWKS publishes' : ' with the user\'s Kong secret'}, and Kong lets them through`, async () => {
  const { tokens } = await gateway.newSession();
  const header = decodeProtectedHeader(tokens.access_token);
  expect(header.alg).toBe(ALGORITHM);
  expect((await gateway.info(tokens.access_token)).status).toBe(200);

  const published = (await request(proxy('/.well-known/jwks.json'))).body.keys.map((key: { kid: string }) => key.kid);
  if (PUBLIC_KEYS) {
    expect(published).toContain(header.kid);
    const { payload } = await jwtVerify(tokens.access_token, JWKS, { algorithms: [ALGORITHM] });
    expect(payload).toMatchObject({ sub: expect.any(String), sid: expect.any(String), exp: expect.any(Number) });
  } else {
    expect(header.kid).toBeUndefined();
    await expect(jwtVerify(tokens.access_token, JWKS)).rejects.toThrow();
  }
});

it(PUBLIC_KEYS ? 'keeps no signing secret in the users table, and only the public key at Kong' : 'keeps the HS256 secret in the users table and at Kong', async () => {
  const { username, tokens } = await gateway.newSession();
  const user = (await storedUser(username))!;
  const credentials = (await admin('GET', `/consumers/${user.consumerId}/jwt`)).body.data;
  expect(credentials).toHaveLength(1);
  const [credential] = credentials;
  expect(credential.key).toBe(jwt.decode(tokens.access_token, { json: true })!.ckey);
  if (PUBLIC_KEYS) {
    expect(Object.keys(user).filter((name) => /secret|private|pem/i.test(name))).toEqual([]);
    expect(credential).toMatchObject({ algorithm: ALGORITHM, rsa_public_key: expect.stringMatching(/^-----BEGIN PUBLIC KEY-----/) });
    // Kong fills `secret` with a random value of its own even here; the credential's algorithm is pinned,
    // so nothing signed with that value gets through.
    const { iat: _iat, ...claims } = jwt.decode(tokens.access_token, { json: true })!;
    const withKongsSecret = jwt.sign(claims, credential.secret, { algorithm: 'HS256' });
    expect(await gateway.info(withKongsSecret)).toMatchObject({ status: 401, body: { message: 'Invalid algorithm' } });
  } else {
    expect(credential).toMatchObject({ algorithm: 'HS256', secret: user.credentialSecret });
  }
});

it('serves the JWKS and the discovery document through the gateway, public and cacheable', async () => {
  const jwks = await request(proxy('/.well-known/jwks.json'));
  expect(jwks.status).toBe(200);
  expect(jwks.headers.get('cache-control')).toBe('public, max-age=300');
  expect(jwks.body.keys.length).toBeGreaterThanOrEqual(1);

  const discovery = await request(proxy('/.well-known/openid-configuration'));
  expect(discovery.status).toBe(200);
  expect(discovery.body).toMatchObject({
    issuer: process.env.PROXY_URL,
    jwks_uri: proxy('/.well-known/jwks.json'),
    revocation_endpoint: proxy('/api/public/revoke'),
    token_endpoint: proxy('/oauth2/token'),
    authorization_endpoint: proxy('/oauth2/authorize'),
  });
  // Rate-limited like every public route.
  expect(jwks.headers.get('x-ratelimit-limit-minute')).not.toBeNull();
});
