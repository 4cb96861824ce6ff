/**
 * The OAuth token endpoint through the gateway, as oauth4webapi (the
 * strictest JavaScript OAuth client) uses it following the discovery
 * document alone: password, refresh, client credentials, revocation, and
 * RFC 6749 §5.2 errors; jose as a resource server verifying a client's
 * token from the JWKS alone (issuer, audience, typ). Clients are registered
 * with `npm run clients`, as an operator does.
 */
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { PASSWORD, uniqueName } from '../support/clients';
import { client } from '../support/flow';
import { request } from '../support/http';
import { clientsCommand, registerClient, runRelyingParty, type RegisteredClient } from '../support/oauth';

const PROXY = process.env.PROXY_URL!;
const gateway = client(PROXY);
const SPA_ORIGIN = `https://spa-${uniqueName('o')}.example.test`;

let issuer: string;
let firstParty: RegisteredClient;
let thirdParty: RegisteredClient;
let publicClient: RegisteredClient;
let username: string;
beforeAll(async () => {
  issuer = (await request(`${PROXY}/.well-known/openid-configuration`)).body.issuer;
  username = uniqueName('oauth');
  [firstParty, thirdParty, publicClient] = await Promise.all([
    registerClient({ name: 'First party', firstParty: true }),
    registerClient({ name: 'Third party' }),
    registerClient({ name: 'SPA', public: true, redirectUris: [`${SPA_ORIGIN}/callback`] }),
    gateway.signup(username),
  ]);
});

const form = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${PROXY}/oauth2/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields) });

it('registers clients with npm run clients: a secret for confidential ones only, never listed', async () => {
  expect(firstParty.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(publicClient.client_secret).toBeUndefined();
  const listed = JSON.stringify(await clientsCommand(['list']));
  expect(listed).toContain(firstParty.client_id);
  expect(listed).not.toContain(firstParty.client_secret);
  const doomed = await registerClient({ name: 'Doomed' });
  expect(await clientsCommand(['delete', doomed.client_id])).toEqual({ client_id: doomed.client_id, deleted: true });
  const refused = await form({ grant_type: 'client_credentials', client_id: doomed.client_id, client_secret: doomed.client_secret! });
  expect(refused.status).toBe(401);
});

it('oauth4webapi, from the discovery document alone: password, refresh, client credentials, revocation, and the errors', async () => {
  const result = await runRelyingParty('oauth4webapi.mjs', {
    issuer,
    username,
    password: PASSWORD,
    firstParty: { id: firstParty.client_id, secret: firstParty.client_secret },
    thirdParty: { id: thirdParty.client_id, secret: thirdParty.client_secret },
    publicClient: { id: publicClient.client_id },
  });
  expect(result.discovery.token_endpoint).toBe(`${issuer}/oauth2/token`);
  expect(result.password.ok).toMatchObject({ token_type: 'bearer', scope: 'openid profile', refresh_token: expect.any(String) });
  expect(result.refresh.ok).toMatchObject({ token_type: 'bearer', scope: 'openid profile' });
  expect(result.refresh.ok.refresh_token).not.toBe(result.password.ok.refresh_token);
  expect(result.wrongPassword.error).toMatchObject({ error: 'invalid_grant', status: 400 });
  expect(result.thirdPartyPassword.error).toMatchObject({ error: 'unauthorized_client', status: 400 });
  // A 401 with WWW-Authenticate: oauth4webapi raises its challenge error.
  expect(result.wrongSecret.error).toMatchObject({ name: 'WWWAuthenticateChallengeError', status: 401 });
  expect(result.unknownClient.error).toMatchObject({ error: 'invalid_client', status: 401 });
  expect(result.refreshByOtherClient.error).toMatchObject({ error: 'invalid_grant', status: 400 });
  expect(result.clientCredentials.ok).toMatchObject({ token_type: 'bearer', access_token: expect.any(String) });
  expect(result.clientCredentials.ok.refresh_token).toBeUndefined();
  expect(result.publicClientCredentials.error).toMatchObject({ error: 'unauthorized_client' });
  expect(result.unsupportedGrant.error).toMatchObject({ error: 'unsupported_grant_type', status: 400 });
  // Introspection (RFC 7662) from discovery alone, authenticated as a confidential client.
  expect(result.discovery.introspection_endpoint).toBe(`${issuer}/oauth2/introspect`);
  const now = Math.floor(Date.now() / 1000);
  expect(result.introspectAccess.ok).toMatchObject({ active: true, sub: username, client_id: firstParty.client_id, scope: 'openid profile', token_type: 'access_token', iss: issuer });
  expect(result.introspectAccess.ok.exp).toBeGreaterThan(now);
  expect(result.introspectRefresh.ok).toMatchObject({ active: true, sub: username, token_type: 'refresh_token' });
  expect(result.introspectRefresh.ok.exp).toBeGreaterThan(now);
  expect(result.introspectWrongSecret.error).toMatchObject({ error: 'invalid_client', status: 401 });
  expect(result.introspectPublic.error).toMatchObject({ error: 'invalid_client', status: 401 });
  expect(result.revocation.ok).toBe('revoked');
  // Revocation (RFC 7009, oauth4webapi with client_secret_basic) ended the session: both of its tokens are inactive now.
  expect(result.introspectAfterRevocation.access.ok).toEqual({ active: false });
  expect(result.introspectAfterRevocation.refresh.ok).toEqual({ active: false });
  expect(result.refreshAfterRevocation.error).toMatchObject({ error: 'invalid_grant' });

  // Revocation ended the session: its access token passes Kong (the user's credential) and the function refuses it.
  expect((await gateway.info(result.password.ok.access_token)).body).toEqual({ code: 'invalid_token', message: 'Unauthorized' });

  // A client's own token: jose verifies it from the JWKS alone; Kong's user routes refuse it (no user, no ckey).
  const token = result.clientCredentials.ok.access_token;
  expect(decodeProtectedHeader(token)).toMatchObject({ typ: 'at+jwt', kid: expect.any(String) });
  const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
  const { payload } = await jwtVerify(token, jwks, { issuer, audience: `${issuer}/api`, typ: 'at+jwt' });
  expect(payload).toMatchObject({ sub: thirdParty.client_id, client_id: thirdParty.client_id, scope: '' });
  expect(payload.ckey).toBeUndefined();
  expect((await gateway.info(token)).status).toBe(401);
});

it("gives the password grant's token the user's Kong credential, as the seeds' signin does, and the client's id", async () => {
  const basic = { Authorization: `Basic ${Buffer.from(`${firstParty.client_id}:${firstParty.client_secret}`).toString('base64')}` };
  const answer = await form({ grant_type: 'password', username, password: PASSWORD }, basic);
  expect(answer.status).toBe(200);
  const tokens = (await answer.json()) as Record<string, string>;
  expect(tokens.scope).toBe('openid profile email');
  const info = await gateway.info(tokens.access_token);
  expect(info.status).toBe(200);
  expect(info.body.username).toBe(username);
  const [, payload] = tokens.access_token.split('.');
  expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toMatchObject({ iss: issuer, client_id: firstParty.client_id, sub: username });
});

it('introspects at /oauth2/introspect with no-store, and refuses bad client authentication with 401 invalid_client', async () => {
  const introspect = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${PROXY}/oauth2/introspect`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields) });
  const basic = (id: string, secret: string) => ({ Authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` });
  const unknown = await introspect({ token: 'not-a-token' }, basic(thirdParty.client_id, thirdParty.client_secret!));
  expect(unknown.status).toBe(200);
  expect(unknown.headers.get('cache-control')).toBe('no-store');
  expect(await unknown.json()).toEqual({ active: false });

  const wrong = await introspect({ token: 'not-a-token' }, basic(thirdParty.client_id, 'wrong'));
  expect(wrong.status).toBe(401);
  expect(wrong.headers.get('cache-control')).toBe('no-store');
  expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic/);
  expect(await wrong.json()).toMatchObject({ error: 'invalid_client' });
  // No client authentication at all: the token is not looked at.
  const anonymous = await introspect({ token: 'not-a-token' });
  expect(anonymous.status).toBe(401);
  expect(await anonymous.json()).toMatchObject({ error: 'invalid_client' });
  // Two methods at once (RFC 6749 §2.3).
  const both = await introspect({ token: 'x', client_secret: thirdParty.client_secret! }, basic(thirdParty.client_id, thirdParty.client_secret!));
  expect(both.status).toBe(401);
  const noToken = await introspect({ client_id: thirdParty.client_id, client_secret: thirdParty.client_secret! });
  expect(noToken.status).toBe(400);
  expect(await noToken.json()).toMatchObject({ error: 'invalid_request' });
});

it('answers errors as RFC 6749 §5.2: JSON error and error_description, no-store, 401 with a Basic challenge', async () => {
  const missing = await form({ client_id: publicClient.client_id });
  expect(missing.status).toBe(400);
  expect(missing.headers.get('cache-control')).toBe('no-store');
  expect(await missing.json()).toMatchObject({ error: 'invalid_request', error_description: 'grant_type is required' });

  const basic = await form({ grant_type: 'client_credentials' }, { Authorization: `Basic ${Buffer.from(`${thirdParty.client_id}:wrong`).toString('base64')}` });
  expect(basic.status).toBe(401);
  expect(basic.headers.get('www-authenticate')).toMatch(/^Basic/);
  expect(await basic.json()).toMatchObject({ error: 'invalid_client' });

  const json = await fetch(`${PROXY}/oauth2/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"grant_type":"password"}' });
  expect(json.status).toBe(400);
  expect(await json.json()).toMatchObject({ error: 'invalid_request' });
});

it("answers CORS for a registered public client's origin only", async () => {
  const preflight = (origin: string) =>
    fetch(`${PROXY}/oauth2/token`, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' } });
  const allowed = await preflight(SPA_ORIGIN);
  expect(allowed.headers.get('access-control-allow-origin')).toBe(SPA_ORIGIN);
  expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
  const refused = await preflight('https://evil.example.test');
  expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  const answer = await form({ grant_type: 'client_credentials', client_id: publicClient.client_id }, { Origin: SPA_ORIGIN });
  expect(answer.headers.get('access-control-allow-origin')).toBe(SPA_ORIGIN);
});
