/**
 * The OpenID provider as a relying party nobody here wrote sees it:
 * openid-client 6, from the discovery document alone, doing the whole
 * authorization-code flow (PKCE) with a user in Chromium on the service's own
 * sign-in and consent pages; then the ID token (nonce checked), userinfo,
 * refresh, and RP-initiated logout ending the browser session. Also: a code
 * works once (its second use revokes what the first issued), an unregistered
 * redirect URI never receives a code, and jose tells an access token from an
 * ID token. Screenshots go to test-artifacts/.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserSessions } from '../support/browser-sessions';
import { PASSWORD, storedUser, uniqueName } from '../support/clients';
import { launchChromium } from '../support/chromium';
import { request } from '../support/http';
import { registerClient, runRelyingParty, type RegisteredClient } from '../support/oauth';
import { ALGORITHM, PUBLIC_KEYS } from '../support/signing';

// Chromium and two runs of the relying party per test, on a shared small machine.
jest.setTimeout(120_000);

const PROXY = process.env.PROXY_URL!;
const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts');
const RP = `https://${uniqueName('rp')}.example.test`;
const EVIL = `https://${uniqueName('evil')}.example.test`;

let browser: Browser;
let issuer: string;
let thirdParty: RegisteredClient;
let firstParty: RegisteredClient;
let username: string;
beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  issuer = (await request(`${PROXY}/.well-known/openid-configuration`)).body.issuer;
  username = uniqueName('rp');
  let registered;
  [browser, thirdParty, firstParty, registered] = await Promise.all([
    launchChromium(),
    registerClient({ name: 'Third-party app', redirectUris: [`${RP}/cb`], postLogoutRedirectUris: [`${RP}/bye`] }),
    registerClient({ name: 'First-party app', redirectUris: [`${RP}/first`], firstParty: true }),
    browserSessions(PROXY).register(username),
  ]);
  expect(registered.status).toBe(201);
});
afterAll(() => browser?.close());

/**
 * A browser whose requests to the RP's origin (and to EVIL's) are recorded;
 * answered here where Playwright intercepts them (it does not intercept the
 * hop of a redirect, which then fails to resolve: recorded all the same).
 */
async function rpBrowser(): Promise<{ context: BrowserContext; page: Page; seen: string[] }> {
  const context = await browser.newContext({ baseURL: PROXY });
  const seen: string[] = [];
  context.on('request', (request) => {
    if (request.url().startsWith(RP) || request.url().startsWith(EVIL)) seen.push(request.url());
  });
  for (const origin of [RP, EVIL]) {
    await context.route(`${origin}/**`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<p>relying party</p>' }));
  }
  return { context, page: await context.newPage(), seen };
}

/** Where the browser is sent at the RP's origin after `act` (a navigation or a click): the URL it asked for. */
async function arrivalAtRp(page: Page, act: () => Promise<unknown>): Promise<URL> {
  const arrival = page.waitForRequest((request) => request.url().startsWith(RP));
  await act().catch(() => undefined);
  return new URL((await arrival).url());
}

async function signIn(page: Page) {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

const tokenRequest = (fields: Record<string, string>, client: RegisteredClient) =>
  fetch(`${PROXY}/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}` },
    body: new URLSearchParams(fields),
  });

it('openid-client signs a user in through the sign-in and consent pages, checks the ID token and nonce, reads userinfo, refreshes, and ends the session', async () => {
  const { context, page, seen } = await rpBrowser();
  const start = await runRelyingParty('openid-client.mjs', {
    phase: 'start', issuer, clientId: thirdParty.client_id, clientSecret: thirdParty.client_secret, redirectUri: `${RP}/cb`, scope: 'openid profile email',
  });
  await page.goto(start.url);
  await expect(page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
  await signIn(page);
  await page.getByRole('heading', { name: /Allow Third-party app/ }).waitFor();
  await page.screenshot({ path: path.join(ARTIFACTS, 'oidc-consent.png'), fullPage: true });
  const callback = await arrivalAtRp(page, () => page.getByRole('button', { name: 'Allow' }).click());
  expect(callback.origin + callback.pathname).toBe(`${RP}/cb`);
  expect(callback.searchParams.get('iss')).toBe(issuer);
  const callbackUrl = callback.href;

  const finish = await runRelyingParty('openid-client.mjs', {
    phase: 'finish', issuer, clientId: thirdParty.client_id, clientSecret: thirdParty.client_secret, callbackUrl, verifier: start.verifier, state: start.state, nonce: start.nonce,
    postLogoutRedirectUri: `${RP}/bye`,
  });
  expect(finish.claims).toMatchObject({ iss: issuer, sub: username, aud: thirdParty.client_id, nonce: start.nonce, amr: ['pwd'], auth_time: expect.any(Number) });
  expect(decodeProtectedHeader(finish.tokens.id_token)).toMatchObject({ typ: 'JWT', kid: expect.any(String) });
  expect(finish.userinfo).toEqual({ sub: username, preferred_username: username, given_name: 'Ada', email: `${username}@example.com`, email_verified: false });
  expect(finish.refreshed.scope).toBe('openid profile email');

  // The access token, as a resource server verifies it (the JWKS, or the user's Kong secret in HS256 mode);
  // the ID token, signed with the same keys, is no access token, nor the other way round.
  const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
  const key: JWTVerifyGetKey | Uint8Array = PUBLIC_KEYS ? jwks : new TextEncoder().encode((await storedUser(username))!.credentialSecret);
  const audience = `${issuer}/api`;
  const { payload } = await jwtVerify(finish.refreshed.access_token, key as JWTVerifyGetKey, { issuer, audience, typ: 'at+jwt', algorithms: [ALGORITHM] });
  expect(payload).toMatchObject({ sub: username, client_id: thirdParty.client_id, scope: 'openid profile email' });
  await expect(jwtVerify(finish.tokens.id_token, jwks, { issuer, audience, typ: 'at+jwt' })).rejects.toThrow();
  await expect(jwtVerify(finish.refreshed.access_token, key as JWTVerifyGetKey, { issuer, audience: thirdParty.client_id, typ: 'JWT' })).rejects.toThrow();

  // Consent is remembered: the next request for the same scopes comes straight back with a code.
  const again = await runRelyingParty('openid-client.mjs', { phase: 'start', issuer, clientId: thirdParty.client_id, clientSecret: thirdParty.client_secret, redirectUri: `${RP}/cb`, scope: 'openid email' });
  expect((await arrivalAtRp(page, () => page.goto(again.url))).searchParams.get('code')).toBeTruthy();

  // RP-initiated logout: back to the registered address with its state, and the browser session is over.
  const bye = await arrivalAtRp(page, () => page.goto(finish.endSessionUrl));
  expect(bye.origin + bye.pathname).toBe(`${RP}/bye`);
  expect(bye.searchParams.get('state')).toBe('bye-state');
  expect((await context.request.get('/api/userprofile')).status()).toBe(401);
  expect(seen.every((url) => url.startsWith(RP))).toBe(true);
  await context.close();
});

it('a code works once: its second use is invalid_grant and revokes the tokens the first issued', async () => {
  const { context, page } = await rpBrowser();
  const { verifier, challenge } = pkce();
  const authorize = `/oauth2/authorize?${new URLSearchParams({ client_id: firstParty.client_id, redirect_uri: `${RP}/first`, response_type: 'code', scope: 'openid profile', code_challenge: challenge, code_challenge_method: 'S256', state: 's1' })}`;
  await page.goto(authorize);
  // A first-party client: no consent page, straight back after sign-in.
  const callback = await arrivalAtRp(page, () => signIn(page));
  const code = callback.searchParams.get('code')!;
  expect(callback.searchParams.get('state')).toBe('s1');
  const fields = { grant_type: 'authorization_code', code, redirect_uri: `${RP}/first`, code_verifier: verifier };
  const first = await tokenRequest(fields, firstParty);
  expect(first.status).toBe(200);
  const tokens = (await first.json()) as Record<string, string>;
  const userinfo = () => fetch(`${PROXY}/oauth2/userinfo`, { headers: { Authorization: `Bearer ${tokens.access_token}` } });
  expect((await userinfo()).status).toBe(200);

  const second = await tokenRequest(fields, firstParty);
  expect(second.status).toBe(400);
  expect(await second.json()).toMatchObject({ error: 'invalid_grant' });
  expect((await userinfo()).status).toBe(401);
  const refreshed = await tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, firstParty);
  expect(await refreshed.json()).toMatchObject({ error: 'invalid_grant' });
  await context.close();
});

it('never sends a code to an unregistered redirect URI, nor errors: the user sees a page', async () => {
  const { context, page, seen } = await rpBrowser();
  const { challenge } = pkce();
  for (const redirectUri of [`${EVIL}/cb`, `${RP}/cb/../evil`, `${RP}/cb?x=1`, `${RP}/c`]) {
    const query = new URLSearchParams({ client_id: thirdParty.client_id, redirect_uri: redirectUri, response_type: 'code', scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' });
    const answer = await page.goto(`/oauth2/authorize?${query}`);
    expect(answer?.status()).toBe(400);
    await expect(page.getByRole('heading', { name: 'Cannot sign in to this application' }).isVisible()).resolves.toBe(true);
  }
  // Signed in, too: still no redirect anywhere.
  await page.goto('/signin');
  await signIn(page);
  const query = new URLSearchParams({ client_id: thirdParty.client_id, redirect_uri: `${EVIL}/cb`, response_type: 'code', scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' });
  expect((await page.goto(`/oauth2/authorize?${query}`))?.status()).toBe(400);
  expect(seen).toEqual([]);
  await context.close();
});
