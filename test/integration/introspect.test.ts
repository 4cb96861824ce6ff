/**
 * POST /api/introspect (RFC 7662) in-process: whether a token is active
 * reflects every way a session ends, at once. Kong's key-auth in front of it
 * is the gateway's business (test/e2e/introspection.test.ts).
 */
import { handler as introspect } from '../../functions/services/introspect';
import { handler as logout } from '../../functions/protected/logout';
import { handler as logoutAll } from '../../functions/protected/logout-all';
import { handler as password } from '../../functions/protected/password';
import { handler as refresh } from '../../functions/public/refresh';
import { handler as revoke } from '../../functions/public/revoke';
import { PASSWORD } from '../support/clients';
import { apiEvent, invoke } from '../support/events';
import { bearer } from '../support/http';
import { signAs } from '../support/signing';
import { signedInUser, signinAs } from '../support/users';

const SERVICE = { 'X-Consumer-ID': '3f1c1a4e-8c5b-4a36-9a8e-2b9c8b7e6d5f', 'X-Consumer-Username': 'profile-service' };
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

const ask = (token: string, extra: Record<string, string> = {}) =>
  invoke(introspect, apiEvent('POST', '/api/introspect', { rawBody: form({ token, ...extra }), headers: { ...FORM, ...SERVICE } }));
const active = async (token: string) => (await ask(token)).body.active as boolean;
const post = (handler: Parameters<typeof invoke>[0], path: string, token?: string, body?: unknown) =>
  invoke(handler, apiEvent('POST', path, { body, headers: token ? bearer(token) : {} }));

/** What the seeds' signin issues: the issuer URL, the first-party client, its scope. */
const FIRST_PARTY = { iss: process.env.ISSUER_URL, client_id: 'first-party', scope: 'openid profile email' };

it('describes an active access token and an active refresh token', async () => {
  const { username, tokens } = await signedInUser();
  const access = await ask(tokens.access_token, { token_type_hint: 'access_token' });
  expect(access).toMatchObject({ status: 200, headers: { 'Cache-Control': 'no-store' } });
  const sid = access.body.sid;
  expect(access.body).toEqual({
    active: true,
    sub: username,
    username,
    exp: expect.any(Number),
    iat: expect.any(Number),
    sid: expect.stringMatching(/^[0-9a-f-]{36}$/),
    ...FIRST_PARTY,
    aud: `${process.env.ISSUER_URL}/api`,
    token_type: 'access_token',
  });
  expect(access.body.exp - access.body.iat).toBe(tokens.expires_in);

  // A hint that is wrong, or unknown, changes nothing (RFC 7009 §2.2.1).
  const refreshed = await ask(tokens.refresh_token, { token_type_hint: 'something else' });
  expect(refreshed.body).toEqual({ active: true, sub: username, username, exp: expect.any(Number), iat: expect.any(Number), sid, ...FIRST_PARTY, token_type: 'refresh_token' });
});

it('answers {"active": false} with 200 for unknown, malformed, expired and forged tokens', async () => {
  const { username, tokens } = await signedInUser();
  const claims = JSON.parse(Buffer.from(tokens.access_token.split('.')[1], 'base64url').toString());
  const now = Math.floor(Date.now() / 1000);
  const inactive = [
    'A'.repeat(43),
    'not a token at all',
    'a.b.c',
    await signAs(username, { ...claims, iat: now - 1000, exp: now - 1 }),
    `${tokens.access_token.slice(0, -4)}AAAA`,
  ];
  for (const token of inactive) expect(await ask(token)).toEqual({ status: 200, headers: expect.anything(), body: { active: false } });
});

it('reflects logout at once: the access token and the refresh token', async () => {
  const { tokens } = await signedInUser();
  expect((await post(logout, '/api/jwt/logout', tokens.access_token)).status).toBe(200);
  expect(await active(tokens.access_token)).toBe(false);
  expect(await active(tokens.refresh_token)).toBe(false);
});

it('reflects logout-all at once, for every session', async () => {
  const { username, tokens } = await signedInUser();
  const other = (await signinAs(username)).body;
  expect((await post(logoutAll, '/api/jwt/logout-all', other.access_token)).status).toBe(200);
  for (const token of [tokens.access_token, tokens.refresh_token, other.access_token, other.refresh_token]) expect(await active(token)).toBe(false);
  expect(await active((await signinAs(username)).body.access_token)).toBe(true);
});

it('reflects a password change: old tokens inactive, the new ones active', async () => {
  const { tokens } = await signedInUser();
  const changed = await post(password, '/api/jwt/password', tokens.access_token, { current_password: PASSWORD, new_password: 'another long password' });
  expect(changed.status).toBe(200);
  expect(await active(tokens.access_token)).toBe(false);
  expect(await active(tokens.refresh_token)).toBe(false);
  expect(await active(changed.body.access_token)).toBe(true);
  expect(await active(changed.body.refresh_token)).toBe(true);
});

it('reflects refresh: the used refresh token is inactive, its successor active; reuse ends the session', async () => {
  const { tokens } = await signedInUser();
  const second = (await post(refresh, '/api/public/refresh', undefined, { refresh_token: tokens.refresh_token })).body;
  expect(await active(tokens.refresh_token)).toBe(false);
  expect(await active(second.refresh_token)).toBe(true);
  // Introspecting is not using: the successor still refreshes.
  const third = (await post(refresh, '/api/public/refresh', undefined, { refresh_token: second.refresh_token })).body;
  expect(await active(third.access_token)).toBe(true);

  // The first token again, after its successor was used: reuse, the whole session ends.
  expect((await post(refresh, '/api/public/refresh', undefined, { refresh_token: tokens.refresh_token })).status).toBe(401);
  for (const token of [tokens.access_token, second.access_token, third.access_token, third.refresh_token]) expect(await active(token)).toBe(false);
});

it('reflects RFC 7009 revocation', async () => {
  const { tokens } = await signedInUser();
  await post(revoke, '/api/public/revoke', undefined, { token: tokens.refresh_token });
  expect(await active(tokens.refresh_token)).toBe(false);
  expect(await active(tokens.access_token)).toBe(false);
});

describe('the request', () => {
  const raw = (body: string, headers: Record<string, string>) => invoke(introspect, apiEvent('POST', '/api/introspect', { rawBody: body, headers }));

  it('must come through key-auth (X-Consumer-ID set): else 401', async () => {
    expect(await raw(form({ token: 'x' }), FORM)).toMatchObject({ status: 401, body: { code: 'invalid_client' } });
  });

  it.each([
    ['no body', '', FORM, 'Request body is required'],
    ['no token', 'token_type_hint=access_token', FORM, 'token: is required'],
    ['a JSON body', JSON.stringify({ token: 'x' }), { 'Content-Type': 'application/json' }, 'Content-Type must be application/x-www-form-urlencoded'],
    ['the token twice', 'token=a&token=b', FORM, 'token: must not be repeated'],
  ])('answers %s with 400 invalid_request', async (_name, body, headers, message) => {
    expect(await raw(body, { ...headers, ...SERVICE })).toMatchObject({ status: 400, body: { code: 'invalid_request', message } });
  });
});
