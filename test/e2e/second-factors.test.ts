/**
 * Issue 25 through the gateway: an account with TOTP answers mfa_required to
 * a right password and tokens only after a valid code (amr with otp); a code
 * works once; recovery codes work once each; wrong codes meet the backoff;
 * turning TOTP off needs a code.
 */
import { randomInt } from 'node:crypto';
import { codeAt } from '../../lib/second-factors/totp';
import { tokenItems } from '../support/clients';
import { client } from '../support/flow';
import { bearer, requestFrom, type Send } from '../support/http';

const PROXY = process.env.PROXY_URL!;
const loopback = () => `127.${randomInt(1, 255)}.${randomInt(256)}.${randomInt(1, 255)}`;

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
const STEP_MS = 30_000;

/** A new user at an address of its own, with TOTP turned on: its secret and recovery codes. */
async function enrolled() {
  const send: Send = requestFrom(loopback());
  const api = client(PROXY, send);
  const { username, tokens } = await api.newSession('mfa');
  const post = (path: string, body: unknown, token?: string) => send(`${PROXY}${path}`, { method: 'POST', body, headers: token ? bearer(token) : {} });
  const started = await send(`${PROXY}/api/jwt/mfa/totp`, { method: 'POST', headers: bearer(tokens.access_token) });
  expect(started.status).toBe(200);
  const { secret, otpauth_uri } = started.body as { secret: string; otpauth_uri: string };
  expect(otpauth_uri).toContain(`secret=${secret}`);
  // Still a plain sign-in until confirmed.
  expect((await api.signin(username)).status).toBe(200);
  const confirmed = await post('/api/jwt/mfa/totp/confirm', { code: codeAt(secret, Date.now()) }, tokens.access_token);
  expect(confirmed.status).toBe(200);
  const recoveryCodes = (confirmed.body as { recovery_codes: string[] }).recovery_codes;
  expect(recoveryCodes).toHaveLength(10);
  /** The first step: a right password, answered with an mfa_token and nothing else. */
  const firstStep = async () => {
    const answer = await api.signin(username);
    expect(answer.status).toBe(403);
    expect(answer.body).toEqual({ code: 'mfa_required', message: expect.any(String), mfa_token: expect.any(String), methods: ['totp', 'recovery_code'] });
    return (answer.body as { mfa_token: string }).mfa_token;
  };
  const secondStep = (mfa_token: string, body: { code?: string; recovery_code?: string }) => post('/api/public/signin/mfa', { mfa_token, ...body });
  return { username, secret, recoveryCodes, tokens, send, api, post, firstStep, secondStep };
}

it('answers mfa_required to a right password, and tokens with amr otp only after a valid code, which works once', async () => {
  const { secret, firstStep, secondStep, api } = await enrolled();
  const mfaToken = await firstStep();
  expect((await secondStep(mfaToken, { code: '000000' })).body).toMatchObject({ code: 'invalid_code' });
  // The next step's code: within the window, and after the step the confirmation used.
  const code = codeAt(secret, Date.now() + STEP_MS);
  const done = await secondStep(mfaToken, { code });
  expect(done.status).toBe(200);
  const { access_token, refresh_token } = done.body as { access_token: string; refresh_token: string };
  expect(claimsOf(access_token)).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], auth_time: expect.any(Number) });
  expect((await api.info(access_token)).status).toBe(200);
  const refreshed = await api.refresh(refresh_token);
  expect(claimsOf((refreshed.body as { access_token: string }).access_token).amr).toEqual(['pwd', 'otp', 'mfa']);
  // The same code with a new mfa_token: refused (replay).
  expect((await secondStep(await firstStep(), { code })).body).toMatchObject({ code: 'invalid_code' });
  // The spent mfa_token: refused.
  expect((await secondStep(mfaToken, { code })).body).toMatchObject({ code: 'invalid_mfa_token' });
});

it('takes each recovery code once, and stores none of them or the secret in the clear', async () => {
  const { secret, recoveryCodes, firstStep, secondStep } = await enrolled();
  const first = await secondStep(await firstStep(), { recovery_code: recoveryCodes[0] });
  expect(first.status).toBe(200);
  expect(claimsOf((first.body as { access_token: string }).access_token).amr).toContain('otp');
  expect((await secondStep(await firstStep(), { recovery_code: recoveryCodes[0] })).body).toMatchObject({ code: 'invalid_code' });
  expect((await secondStep(await firstStep(), { recovery_code: recoveryCodes[1] })).status).toBe(200);
  const stored = JSON.stringify(await tokenItems({}), (_key, value) => (value instanceof Set ? [...value] : value));
  expect(stored).not.toContain(secret);
  for (const code of recoveryCodes) expect(stored).not.toContain(code.replace(/-/g, ''));
});

it('meets the backoff after wrong codes: the mfa_token is spent, and the name is held off even for the right password', async () => {
  const { secret, username, firstStep, secondStep } = await enrolled();
  const mfaToken = await firstStep();
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) statuses.push((await secondStep(mfaToken, { code: String(100000 + i) })).status);
  // Five free failures (the password's attempt is one of them): the last wrong code may already meet the backoff.
  expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
  expect((await secondStep(mfaToken, { code: codeAt(secret, Date.now() + STEP_MS) })).status).not.toBe(200);
  // Wrong codes go on counting on the name: a client elsewhere with the right password meets 429, however slow this machine is
  // (each further wrong code doubles the delay).
  const elsewhere = client(PROXY, requestFrom(loopback()));
  for (let round = 0; round < 10; round++) {
    const answer = await elsewhere.signin(username);
    if (answer.status === 429) return;
    expect(answer.status).toBe(403);
    await secondStep((answer.body as { mfa_token: string }).mfa_token, { code: '999999' });
  }
  throw new Error('never held off');
});

it('turns TOTP off only with a code', async () => {
  const { recoveryCodes, tokens, send, api, username } = await enrolled();
  // Node sends a DELETE's body only with its length given (no chunked encoding by default for DELETE).
  const remove = (body: unknown = {}) =>
    send(`${PROXY}/api/jwt/mfa/totp`, {
      method: 'DELETE',
      body,
      headers: { ...bearer(tokens.access_token), 'Content-Length': String(Buffer.byteLength(JSON.stringify(body))) },
    });
  expect((await remove()).body).toMatchObject({ code: 'mfa_required' });
  expect((await remove({ code: '123456' })).body).toMatchObject({ code: 'invalid_code' });
  expect((await remove({ recovery_code: recoveryCodes[9] })).status).toBe(200);
  expect((await api.signin(username)).status).toBe(200);
});
