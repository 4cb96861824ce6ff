/**
 * Through the gateway, as an OAuth client library talks to the service:
 * form-encoded refresh and revocation (RFC 6749 §6, RFC 7009), error bodies
 * with `error` and `error_description`.
 */
import { client } from '../support/flow';

const PROXY = process.env.PROXY_URL!;
const gateway = client(PROXY);

async function postForm(path: string, body: string) {
  const response = await fetch(`${PROXY}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const refresh = (body: string) => postForm('/api/public/refresh', body);
const revoke = (body: string) => postForm('/api/public/revoke', body);

describe('refresh by form', () => {
  it('rotates: new tokens that work, the old refresh token used up', async () => {
    const { tokens } = await gateway.newSession('form');
    const rotated = await refresh(form({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: 'cli' }));
    expect(rotated.status).toBe(200);
    expect(rotated.headers.get('cache-control')).toBe('no-store');
    expect(rotated.body).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String), refresh_token: expect.any(String) });
    expect(rotated.body.refresh_token).not.toBe(tokens.refresh_token);
    expect((await gateway.info(rotated.body.access_token as string)).status).toBe(200);
    expect((await refresh(form({ grant_type: 'refresh_token', refresh_token: rotated.body.refresh_token as string }))).status).toBe(200);
    // The first token, used again after its successor was: theft, the session ends.
    expect(await refresh(form({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }))).toMatchObject({
      status: 401,
      body: { code: 'invalid_grant', message: 'Invalid or expired refresh token', error: 'invalid_grant', error_description: 'Invalid or expired refresh token' },
    });
  });

  it('answers another grant_type 400 unsupported_grant_type', async () => {
    const { tokens } = await gateway.newSession('form');
    expect(await refresh(form({ grant_type: 'password', refresh_token: tokens.refresh_token }))).toMatchObject({
      status: 400,
      body: { code: 'unsupported_grant_type', message: 'grant_type must be refresh_token', error: 'unsupported_grant_type', error_description: 'grant_type must be refresh_token' },
    });
    // Refused before anything was used: the token still works.
    expect((await refresh(form({ refresh_token: tokens.refresh_token }))).status).toBe(200);
  });

  it('answers a repeated parameter 400 invalid_request', async () => {
    const { tokens } = await gateway.newSession('form');
    const message = 'refresh_token: must not be repeated';
    expect(await refresh(`grant_type=refresh_token&refresh_token=${tokens.refresh_token}&refresh_token=${tokens.refresh_token}`)).toMatchObject({
      status: 400,
      body: { code: 'invalid_request', message, error: 'invalid_request', error_description: message },
    });
  });
});

describe('revocation by form', () => {
  it('revokes a refresh token and its session', async () => {
    const { tokens } = await gateway.newSession('form');
    expect(await revoke(form({ token: tokens.refresh_token, token_type_hint: 'refresh_token' }))).toMatchObject({ status: 200, body: { message: 'Token revoked' } });
    expect((await gateway.refresh(tokens.refresh_token)).status).toBe(401);
    expect((await gateway.info(tokens.access_token)).status).toBe(401);
  });

  it('refuses an access token with 400 unsupported_token_type, and the token keeps working', async () => {
    const { tokens } = await gateway.newSession('form');
    for (const fields of <Record<string, string>[]>[{ token: tokens.access_token }, { token: tokens.access_token, token_type_hint: 'access_token' }]) {
      expect(await revoke(form(fields))).toMatchObject({ status: 400, body: { code: 'unsupported_token_type', error: 'unsupported_token_type', error_description: expect.any(String) } });
    }
    expect((await gateway.revoke(tokens.access_token)).body).toMatchObject({ code: 'unsupported_token_type' });
    expect((await gateway.info(tokens.access_token)).status).toBe(200);
  });
});
