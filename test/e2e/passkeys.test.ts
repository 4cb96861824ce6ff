/** Passwordless sign-in with a passkey through the gateway (Kong route, IAM grants): tokens with amr hwk, user, mfa; the challenge works once. */
import { randomInt } from 'node:crypto';
import { DynamoDBPasskeyStore } from '../../lib/passkeys/dynamodb-store';
import { Passkeys } from '../../lib/passkeys/passkeys';
import { config } from '../../lib/platform/config';
import { codeAt } from '../../lib/second-factors/totp';
import { dynamodb } from '../../lib/platform/dynamodb';
import { SoftwareAuthenticator } from '../unit/support/software-authenticator';
import { storedUser } from '../support/clients';
import { client } from '../support/flow';
import { bearer, requestFrom, type Send } from '../support/http';

const PROXY = process.env.PROXY_URL!;
const loopback = () => `127.${randomInt(1, 255)}.${randomInt(256)}.${randomInt(1, 255)}`;
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());

it('signs in without a password through the gateway, once per challenge', async () => {
  const send: Send = requestFrom(loopback());
  const { username } = await client(PROXY, send).newSession('passkey');
  const stored = await storedUser(username);
  const account = { id: (stored!.accountId ?? username) as string, username };
  // Registered directly (its routes are not built yet), with the relying party the functions use.
  const passkeys = new Passkeys(new DynamoDBPasskeyStore(dynamodb(), config.tokensTable), config.passkeys);
  const origin = config.passkeys.origins[0];
  const authenticator = new SoftwareAuthenticator({ counter: 1 });
  await passkeys.register(account, authenticator.register(await passkeys.registrationOptions(account), origin) as never);

  const options = await send(`${PROXY}/api/public/passkey/options`, { method: 'POST' });
  expect(options.status).toBe(200);
  const assertion = authenticator.assert(options.body as { challenge: string; rpId: string }, origin);
  const signedIn = await send(`${PROXY}/api/public/passkey/verify`, { method: 'POST', body: { response: assertion } });
  expect(signedIn.status).toBe(200);
  expect(claimsOf((signedIn.body as { access_token: string }).access_token)).toMatchObject({ sub: username, amr: ['hwk', 'user', 'mfa'] });
  const replayed = await send(`${PROXY}/api/public/passkey/verify`, { method: 'POST', body: { response: assertion } });
  expect(replayed).toMatchObject({ status: 401, body: { code: 'invalid_passkey' } });
});

type Options = { challenge: string; rp: { id?: string }; user: { id: string }; rpId?: string; excludeCredentials?: Array<{ id: string }>; allowCredentials?: Array<{ id: string }> };
type View = { id: string; name: string; created_at: string; last_used_at: string | null; synced: boolean };

/** A new user at an address of its own, signed in with its password only, and the /api/jwt/passkeys routes. */
async function passkeyUser() {
  const send: Send = requestFrom(loopback());
  const api = client(PROXY, send);
  const { username, tokens } = await api.newSession('pkapi');
  const origin = config.passkeys.origins[0];
  // Node sends a DELETE's body only with its length given (no chunked encoding by default for DELETE).
  const length = (body: unknown): Record<string, string> => (body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(JSON.stringify(body))) });
  const call = (method: string, path: string, token: string, body?: unknown) => send(`${PROXY}${path}`, { method, body, headers: { ...bearer(token), ...length(body) } });
  const options = async (token: string, body?: unknown) => {
    const answer = await call('POST', '/api/jwt/passkeys/options', token, body);
    expect(answer.status).toBe(200);
    return answer.body as Options;
  };
  const register = async (token: string, authenticator: SoftwareAuthenticator, name?: string) => {
    const answer = await call('POST', '/api/jwt/passkeys', token, { response: authenticator.register(await options(token), origin), name });
    expect(answer.status).toBe(201);
    return answer.body as View;
  };
  const passwordless = async (authenticator: SoftwareAuthenticator) => {
    const opts = await send(`${PROXY}/api/public/passkey/options`, { method: 'POST' });
    return send(`${PROXY}/api/public/passkey/verify`, { method: 'POST', body: { response: authenticator.assert(opts.body as Options, origin) } });
  };
  return { username, tokens, send, api, origin, call, options, register, passwordless };
}

it('manages passkeys through /api/jwt/passkeys: register two, list, rename, remove one with step-up; its credential no longer signs in', async () => {
  const { tokens, call, options, register, passwordless } = await passkeyUser();
  const laptop = new SoftwareAuthenticator({ counter: 1 });
  const phone = new SoftwareAuthenticator({ counter: 0 });
  const first = await register(tokens.access_token, laptop, 'Laptop');
  // The account's first factor: ten recovery codes with it, this once.
  expect(first).toEqual({ id: expect.any(String), name: 'Laptop', created_at: expect.any(String), last_used_at: null, synced: false, recovery_codes: expect.any(Array) });
  expect((first as View & { recovery_codes: string[] }).recovery_codes).toHaveLength(10);

  // The account now has a second factor: its password-only session cannot add another.
  expect(await call('POST', '/api/jwt/passkeys/options', tokens.access_token)).toMatchObject({ status: 403, body: { code: 'mfa_required', methods: ['recovery_code', 'passkey'] } });
  // A passkey sign-in is a recent second factor.
  const signedIn = await passwordless(laptop);
  expect(signedIn.status).toBe(200);
  const fresh = (signedIn.body as { access_token: string }).access_token;
  expect((await options(fresh)).excludeCredentials?.map((c) => c.id)).toEqual([first.id]);
  const second = await register(fresh, phone, 'Phone');
  expect(second).not.toHaveProperty('recovery_codes');

  const listed = await call('GET', '/api/jwt/passkeys', tokens.access_token);
  expect(listed.status).toBe(200);
  // Oldest first by the second they were added: two added within one second may list either way.
  const byId = (body: unknown) => Object.fromEntries((body as { passkeys: View[] }).passkeys.map((p) => [p.id, p]));
  expect((listed.body as { passkeys: View[] }).passkeys).toHaveLength(2);
  expect(byId(listed.body)).toMatchObject({ [first.id]: { name: 'Laptop' }, [second.id]: { name: 'Phone' } });
  expect(JSON.stringify(listed.body)).not.toMatch(/public/i);
  expect(byId(listed.body)[first.id].last_used_at).not.toBeNull();

  expect((await call('PATCH', `/api/jwt/passkeys/${second.id}`, tokens.access_token, { name: 'My phone' })).status).toBe(200);
  expect(await call('PATCH', `/api/jwt/passkeys/${second.id}`, tokens.access_token, { name: 'x'.repeat(65) })).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
  expect(byId((await call('GET', '/api/jwt/passkeys', tokens.access_token)).body)[second.id].name).toBe('My phone');

  // Removing one is turning a factor off: refused to the password-only session, allowed to the fresh one.
  expect(await call('DELETE', `/api/jwt/passkeys/${first.id}`, tokens.access_token)).toMatchObject({ status: 403, body: { code: 'mfa_required' } });
  expect((await call('DELETE', `/api/jwt/passkeys/${first.id}`, fresh)).status).toBe(200);
  expect(await call('DELETE', `/api/jwt/passkeys/${first.id}`, fresh)).toMatchObject({ status: 404, body: { code: 'not_found' } });
  expect(((await call('GET', '/api/jwt/passkeys', fresh)).body as { passkeys: View[] }).passkeys.map((p) => p.id)).toEqual([second.id]);
  expect(await passwordless(laptop)).toMatchObject({ status: 401, body: { code: 'invalid_passkey' } });
  expect((await passwordless(phone)).status).toBe(200);
});

it("answers 404 for another user's passkey, and refuses a registration challenge used twice", async () => {
  const alice = await passkeyUser();
  const bob = await passkeyUser();
  const authenticator = new SoftwareAuthenticator({ counter: 1 });
  const opts = await alice.options(alice.tokens.access_token);
  const response = authenticator.register(opts, alice.origin);
  expect((await alice.call('POST', '/api/jwt/passkeys', alice.tokens.access_token, { response })).status).toBe(201);
  // The same response again: its challenge is spent.
  expect(await alice.call('POST', '/api/jwt/passkeys', alice.tokens.access_token, { response })).toMatchObject({ status: 401, body: { code: 'invalid_passkey' } });
  const { passkeys } = (await alice.call('GET', '/api/jwt/passkeys', alice.tokens.access_token)).body as { passkeys: View[] };
  expect(passkeys).toHaveLength(1);
  expect(await bob.call('PATCH', `/api/jwt/passkeys/${passkeys[0].id}`, bob.tokens.access_token, { name: 'mine' })).toMatchObject({ status: 404, body: { code: 'not_found' } });
  expect(await bob.call('DELETE', `/api/jwt/passkeys/${passkeys[0].id}`, bob.tokens.access_token)).toMatchObject({ status: 404, body: { code: 'not_found' } });
  expect(((await bob.call('GET', '/api/jwt/passkeys', bob.tokens.access_token)).body as { passkeys: View[] }).passkeys).toEqual([]);
  // Malformed: a clear 400.
  expect(await alice.call('POST', '/api/jwt/passkeys', alice.tokens.access_token, { response: { id: 'x' } })).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
});

it('takes a passkey as the second step of a password sign-in, bound to the account of the mfa_token', async () => {
  const alice = await passkeyUser();
  const bob = await passkeyUser();
  const alicesKey = new SoftwareAuthenticator({ counter: 1 });
  const bobsKey = new SoftwareAuthenticator({ counter: 1 });
  await alice.register(alice.tokens.access_token, alicesKey);
  await bob.register(bob.tokens.access_token, bobsKey);
  const firstStep = async () => {
    const answer = await alice.api.signin(alice.username);
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ code: 'mfa_required', mfa_token: expect.any(String), methods: ['recovery_code', 'passkey'], passkey_options: { challenge: expect.any(String) } });
    return answer.body as { mfa_token: string; passkey_options: Options };
  };
  const secondStep = (mfa_token: string, passkey: unknown) => alice.send(`${PROXY}/api/public/signin/mfa`, { method: 'POST', body: { mfa_token, passkey } });

  const { mfa_token, passkey_options } = await firstStep();
  // Bob's passkey for Alice's sign-in: refused as a wrong code is.
  expect(await secondStep(mfa_token, bobsKey.assert(passkey_options, alice.origin))).toMatchObject({ status: 401, body: { code: 'invalid_passkey' } });
  const again = await firstStep();
  expect(again.passkey_options.allowCredentials).toHaveLength(1);
  const done = await secondStep(again.mfa_token, alicesKey.assert(again.passkey_options, alice.origin));
  expect(done.status).toBe(200);
  expect(claimsOf((done.body as { access_token: string }).access_token)).toMatchObject({ sub: alice.username, amr: ['pwd', 'hwk', 'user', 'mfa'] });
  // Neither a code nor a passkey: a clear 400.
  expect(await secondStep(again.mfa_token, undefined)).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
});

it('with TOTP on: a code steps up adding and removing a passkey, and the first step names all three methods', async () => {
  const { username, tokens, api, call, origin } = await passkeyUser();
  const started = await call('POST', '/api/jwt/mfa/totp', tokens.access_token);
  const { secret } = started.body as { secret: string };
  const confirmed = await call('POST', '/api/jwt/mfa/totp/confirm', tokens.access_token, { code: codeAt(secret, Date.now()) });
  expect(confirmed.status).toBe(200);
  const [recoveryCode] = (confirmed.body as { recovery_codes: string[] }).recovery_codes;
  // Each code once per account: the next one comes from the following time step, within the accepted drift.
  expect(await call('POST', '/api/jwt/passkeys/options', tokens.access_token)).toMatchObject({ status: 403, body: { code: 'mfa_required', methods: ['totp', 'recovery_code'] } });
  const options = await call('POST', '/api/jwt/passkeys/options', tokens.access_token, { code: codeAt(secret, Date.now() + 30_000) });
  expect(options.status).toBe(200);
  const key = new SoftwareAuthenticator({ counter: 1 });
  const added = await call('POST', '/api/jwt/passkeys', tokens.access_token, { response: key.register(options.body as Options, origin), name: 'Key' });
  expect(added.status).toBe(201);
  const firstStep = await api.signin(username);
  expect(firstStep).toMatchObject({ status: 403, body: { code: 'mfa_required', methods: ['totp', 'recovery_code', 'passkey'] } });
  const id = (added.body as View).id;
  expect(await call('DELETE', `/api/jwt/passkeys/${id}`, tokens.access_token, { code: '000000' })).toMatchObject({ status: 401, body: { code: 'invalid_code' } });
  expect((await call('DELETE', `/api/jwt/passkeys/${id}`, tokens.access_token, { recovery_code: recoveryCode })).status).toBe(200);
  expect(((await call('GET', '/api/jwt/passkeys', tokens.access_token)).body as { passkeys: View[] }).passkeys).toEqual([]);
});

it('gives an account whose first factor is a passkey recovery codes: one finishes a password sign-in without the passkey, once', async () => {
  const { username, tokens, api, send, register } = await passkeyUser();
  const added = (await register(tokens.access_token, new SoftwareAuthenticator({ counter: 1 }), 'Lost')) as View & { recovery_codes: string[] };
  const [code] = added.recovery_codes;
  const secondStep = (mfa_token: string, recovery_code: string) => send(`${PROXY}/api/public/signin/mfa`, { method: 'POST', body: { mfa_token, recovery_code } });
  const first = await api.signin(username);
  expect(first).toMatchObject({ status: 403, body: { code: 'mfa_required', methods: ['recovery_code', 'passkey'] } });
  const done = await secondStep((first.body as { mfa_token: string }).mfa_token, code);
  expect(done.status).toBe(200);
  expect(claimsOf((done.body as { access_token: string }).access_token)).toMatchObject({ sub: username, amr: ['pwd', 'otp', 'mfa'] });
  const again = await api.signin(username);
  expect(await secondStep((again.body as { mfa_token: string }).mfa_token, code)).toMatchObject({ status: 401, body: { code: 'invalid_code' } });
});
