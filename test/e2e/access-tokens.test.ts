/**
 * RFC 9068 access tokens as a resource server sees them, through the
 * gateway and from nothing but the discovery document and the JWKS: jose
 * checks the issuer, the configured audience and `typ: at+jwt`, and the
 * browser flow's identity token (signed with the same keys) fails those very
 * checks. Kong still finds each user's own credential, by the private `ckey`
 * claim, and logout-all still cuts old tokens off at the gateway. With
 * HS256 (CI's second run) only the user's Kong secret verifies a token, so
 * the same checks are made with it.
 */
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTVerifyGetKey, type KeyLike } from 'jose';
import jwt from 'jsonwebtoken';
import { browserSessions, sessionSet } from '../support/browser-sessions';
import { admin, resourceService, storedUser, uniqueName } from '../support/clients';
import { client } from '../support/flow';
import { request } from '../support/http';
import { ALGORITHM, PUBLIC_KEYS } from '../support/signing';

const PROXY = process.env.PROXY_URL!;
const gateway = client(PROXY);
const web = browserSessions(PROXY);

let issuer: string;
let JWKS: JWTVerifyGetKey;
/** ACCESS_TOKEN_AUDIENCE, which the test stack leaves at its default: `<ISSUER_URL>/api`. */
let audience: string;
beforeAll(async () => {
  const discovery = await request(`${PROXY}/.well-known/openid-configuration`);
  issuer = discovery.body.issuer;
  audience = `${issuer}/api`;
  // What a resource server does, and all it needs: the JWKS URL the discovery document names.
  JWKS = createRemoteJWKSet(new URL(discovery.body.jwks_uri));
});

/** The key a resource server verifies `username`'s tokens with: the JWKS, or (HS256) the user's Kong secret. */
async function verifierFor(username: string): Promise<JWTVerifyGetKey | KeyLike | Uint8Array> {
  if (PUBLIC_KEYS) return JWKS;
  return new TextEncoder().encode((await storedUser(username))!.credentialSecret);
}

const rfc9068 = () => ({ issuer, audience, typ: 'at+jwt', algorithms: [ALGORITHM] });

/** An identity token from the browser flow: what forward-auth hands the profile service. */
async function identityToken(): Promise<{ username: string; token: string }> {
  const username = uniqueName('idt');
  await web.register(username);
  const answer = await web.authenticate(sessionSet(await web.login(username))!);
  return { username, token: /^Bearer (.+)$/.exec(answer.headers.get('authorization')!)![1] };
}

it(`verifies with jose from the ${PUBLIC_KEYS ? 'JWKS alone' : "user's Kong secret"}: the discovery issuer, the configured audience, typ at+jwt`, async () => {
  const { username, tokens } = await gateway.newSession('at');
  expect(decodeProtectedHeader(tokens.access_token)).toEqual(
    PUBLIC_KEYS ? { alg: ALGORITHM, typ: 'at+jwt', kid: expect.any(String) } : { alg: 'HS256', typ: 'at+jwt' },
  );
  const key = await verifierFor(username);
  const { payload } = await jwtVerify(tokens.access_token, key as JWTVerifyGetKey, rfc9068());
  expect(payload).toEqual({
    iss: issuer,
    sub: username,
    aud: audience,
    client_id: 'first-party',
    scope: 'openid profile email',
    iat: expect.any(Number),
    exp: payload.iat! + 900,
    jti: expect.any(String),
    sid: expect.any(String),
    ckey: expect.any(String),
    // How the user signed in (RFC 8176, issue 25): a password, just now.
    amr: ['pwd'],
    auth_time: expect.any(Number),
  });
  expect(payload.auth_time).toBeLessThanOrEqual(payload.iat!);
  // A refreshed token is the same kind of token, and still says how and when the session signed in.
  const refreshed = await gateway.refresh(tokens.refresh_token);
  await expect(jwtVerify(refreshed.body.access_token, key as JWTVerifyGetKey, rfc9068())).resolves.toMatchObject({ payload: { sub: username, amr: ['pwd'], auth_time: payload.auth_time } });

  // Another issuer, another audience, another type: refused.
  await expect(jwtVerify(tokens.access_token, key as JWTVerifyGetKey, { ...rfc9068(), issuer: 'https://other.example.test' })).rejects.toMatchObject({ claim: 'iss' });
  await expect(jwtVerify(tokens.access_token, key as JWTVerifyGetKey, { ...rfc9068(), audience: 'userprofile' })).rejects.toMatchObject({ claim: 'aud' });
  await expect(jwtVerify(tokens.access_token, key as JWTVerifyGetKey, { ...rfc9068(), typ: 'JWT' })).rejects.toMatchObject({ claim: 'typ' });
});

it('refuses the browser flow\'s identity token for the same checks: as an access token with jose, at Kong and at introspection', async () => {
  const { token } = await identityToken();
  expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', typ: 'identity+jwt' });
  // Signed with the service's keys, so the signature verifies: typ and aud are what refuse it.
  await expect(jwtVerify(token, JWKS, { issuer, audience, typ: 'at+jwt' })).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' });
  await expect(jwtVerify(token, JWKS, { issuer, typ: 'at+jwt' })).rejects.toMatchObject({ claim: 'typ' });
  await expect(jwtVerify(token, JWKS, { issuer, audience })).rejects.toMatchObject({ claim: 'aud' });
  // It names no Kong credential, and the functions take it for nothing.
  expect(await gateway.info(token)).toMatchObject({ status: 401, body: { message: "No mandatory 'ckey' in claims" } });
  expect(await request(`${process.env.API_URL}/api/jwt/info`, { headers: { Authorization: `Bearer ${token}` } })).toMatchObject({ status: 401 });
  const apikey = await resourceService();
  const introspected = await fetch(`${PROXY}/api/introspect`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', apikey },
    body: new URLSearchParams({ token }).toString(),
  });
  expect(await introspected.json()).toEqual({ active: false });
});

it('and the profile service refuses an access token as an identity token', async () => {
  const { username, tokens } = await gateway.newSession('pro');
  const direct = await request(`${process.env.API_URL}/api/userprofile`, { headers: { Authorization: `Bearer ${tokens.access_token}`, 'X-User': username } });
  expect(direct).toMatchObject({ status: 401, body: { code: 'invalid_token' } });
});

it('Kong finds the user\'s own credential by ckey and names the user, whatever the client claims; logout-all makes Kong refuse the old tokens', async () => {
  const alice = await gateway.newSession('kng');
  const bob = await gateway.newSession('kng');
  const { ckey, iss } = jwt.decode(alice.tokens.access_token, { json: true })!;
  expect(iss).toBe(issuer);
  // The credential Kong looks up by the token's ckey is alice's, so Kong's X-Consumer-Username is alice.
  const credential = (await admin('GET', `/jwts/${encodeURIComponent(ckey)}`)).body;
  expect((await admin('GET', `/consumers/${credential.consumer.id}`)).body.username).toBe(alice.username);
  // Bob's name sent by the client is replaced by the one Kong matched (the function refuses any disagreement).
  const asBob = await gateway.info(alice.tokens.access_token, { 'X-Consumer-Username': bob.username });
  expect(asBob).toMatchObject({ status: 200, body: { username: alice.username } });

  expect((await gateway.logoutAll(alice.tokens.access_token)).status).toBe(200);
  expect(await gateway.info(alice.tokens.access_token)).toMatchObject({ status: 401, body: { message: "No credentials found for given 'ckey'" } });
  expect((await gateway.info(bob.tokens.access_token)).status).toBe(200);
});
