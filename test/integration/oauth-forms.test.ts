/**
 * Refresh and revocation in-process, with the form bodies OAuth client
 * libraries send (RFC 6749 §6, RFC 7009 §2.1) beside the JSON ones, and error
 * bodies that carry the OAuth names (`error`, `error_description`) too.
 */
import { handler as info } from '../../functions/protected/info';
import { handler as introspect } from '../../functions/services/introspect';
import { handler as refresh } from '../../functions/public/refresh';
import { handler as revoke } from '../../functions/public/revoke';
import { apiEvent, invoke } from '../support/events';
import { bearer } from '../support/http';
import { signedInUser } from '../support/users';

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const refreshForm = (body: string) => invoke(refresh, apiEvent('POST', '/api/public/refresh', { rawBody: body, headers: FORM }));
const revokeForm = (body: string) => invoke(revoke, apiEvent('POST', '/api/public/revoke', { rawBody: body, headers: FORM }));
/** An error body: the service's code and message, and the same under the OAuth names. */
const oauthError = (code: string, message?: string) => {
  const text = message ?? expect.any(String);
  return { code, message: text, error: code, error_description: text };
};

describe('refresh by form', () => {
  it('rotates, whatever else an OAuth client adds (client_id, scope)', async () => {
    const { tokens } = await signedInUser();
    const first = await refreshForm(form({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: 'mobile-app', scope: 'openid' }));
    expect(first).toMatchObject({ status: 200, headers: { 'Cache-Control': 'no-store' }, body: { token_type: 'Bearer' } });
    expect(first.body.refresh_token).not.toBe(tokens.refresh_token);
    expect((await invoke(info, apiEvent('GET', '/api/jwt/info', { headers: bearer(first.body.access_token) }))).status).toBe(200);
    // grant_type is optional, as it always was in JSON.
    expect((await refreshForm(form({ refresh_token: first.body.refresh_token }))).status).toBe(200);
  });

  it('answers an unknown or used-up refresh token 401 invalid_grant, as JSON does', async () => {
    expect(await refreshForm(form({ grant_type: 'refresh_token', refresh_token: 'B'.repeat(43) }))).toEqual({
      status: 401,
      headers: expect.anything(),
      body: oauthError('invalid_grant', 'Invalid or expired refresh token'),
    });
  });

  it.each([
    ['another grant', form({ grant_type: 'password', refresh_token: 'x' }), 'unsupported_grant_type', 'grant_type must be refresh_token'],
    ['no refresh token', form({ grant_type: 'refresh_token' }), 'invalid_request', 'refresh_token: is required'],
    ['the refresh token twice', 'grant_type=refresh_token&refresh_token=a&refresh_token=b', 'invalid_request', 'refresh_token: must not be repeated'],
    ['grant_type twice', 'grant_type=refresh_token&grant_type=refresh_token&refresh_token=a', 'invalid_request', 'grant_type: must not be repeated'],
    ['a broken escape', 'grant_type=refresh_token&refresh_token=%zz', 'invalid_request', 'Request body is not valid application/x-www-form-urlencoded'],
  ])('answers %s with 400 and the right code', async (_, body, code, message) => {
    expect(await refreshForm(body)).toMatchObject({ status: 400, body: oauthError(code, message) });
  });

  it('still takes JSON, and gives its errors the OAuth names too', async () => {
    const { tokens } = await signedInUser();
    const json = (body: unknown) => invoke(refresh, apiEvent('POST', '/api/public/refresh', { body }));
    expect((await json({ refresh_token: tokens.refresh_token })).status).toBe(200);
    expect(await json({ refresh_token: tokens.refresh_token, grant_type: 'client_credentials' })).toMatchObject({ status: 400, body: oauthError('unsupported_grant_type') });
    expect(await json({})).toMatchObject({ status: 400, body: oauthError('invalid_request', 'refresh_token: is required') });
    const other = await invoke(refresh, apiEvent('POST', '/api/public/refresh', { rawBody: 'refresh_token=x', headers: { 'Content-Type': 'text/plain' } }));
    expect(other).toMatchObject({ status: 400, body: oauthError('invalid_request', 'Content-Type must be application/json or application/x-www-form-urlencoded') });
  });
});

describe('revocation by form (RFC 7009)', () => {
  it('revokes a refresh token, and with it the session; any hint but access_token is ignored', async () => {
    for (const hint of [undefined, 'refresh_token', 'id_token']) {
      const { tokens } = await signedInUser();
      const fields: Record<string, string> = hint === undefined ? { token: tokens.refresh_token } : { token: tokens.refresh_token, token_type_hint: hint };
      expect(await revokeForm(form(fields))).toMatchObject({ status: 200, body: { message: 'Token revoked' } });
      expect((await refreshForm(form({ refresh_token: tokens.refresh_token }))).status).toBe(401);
      expect((await invoke(info, apiEvent('GET', '/api/jwt/info', { headers: bearer(tokens.access_token) }))).status).toBe(401);
    }
  });

  it('answers the same for an unknown token', async () => {
    expect(await revokeForm(form({ token: 'B'.repeat(43) }))).toMatchObject({ status: 200, body: { message: 'Token revoked' } });
  });

  it('refuses an access token (or anything hinted as one) with 400 unsupported_token_type, and leaves the session alone', async () => {
    const { tokens } = await signedInUser();
    for (const fields of <Record<string, string>[]>[{ token: tokens.access_token }, { token: tokens.access_token, token_type_hint: 'refresh_token' }, { token: tokens.refresh_token, token_type_hint: 'access_token' }]) {
      expect(await revokeForm(form(fields))).toMatchObject({ status: 400, body: oauthError('unsupported_token_type') });
    }
    const json = await invoke(revoke, apiEvent('POST', '/api/public/revoke', { body: { token: tokens.access_token } }));
    expect(json).toMatchObject({ status: 400, body: oauthError('unsupported_token_type') });
    expect((await invoke(info, apiEvent('GET', '/api/jwt/info', { headers: bearer(tokens.access_token) }))).status).toBe(200);
    expect((await refreshForm(form({ refresh_token: tokens.refresh_token }))).status).toBe(200);
  });

  it.each([
    ['no token', form({ token_type_hint: 'refresh_token' }), 'token: is required'],
    ['the token twice', 'token=a&token=b', 'token: must not be repeated'],
    ['a broken escape', 'token=%E0%A4%A', 'Request body is not valid application/x-www-form-urlencoded'],
  ])('answers %s with 400 invalid_request', async (_, body, message) => {
    expect(await revokeForm(body)).toMatchObject({ status: 400, body: oauthError('invalid_request', message) });
  });
});

it('gives introspection errors the OAuth names too', async () => {
  const unauthenticated = await invoke(introspect, apiEvent('POST', '/api/introspect', { rawBody: form({ token: 'x' }), headers: FORM }));
  expect(unauthenticated).toMatchObject({ status: 401, body: oauthError('invalid_client', 'Unauthorized') });
});
