import jwt from 'jsonwebtoken';
import { PASSWORD, storedUser, uniqueName } from '../support/clients';
import { client } from '../support/flow';
import { bearer, request } from '../support/http';
import { signAs } from '../support/signing';

// Everything here goes through the gateway's proxy, as a client would,
// except where a test sends requests straight to the API on purpose.
const proxy = (path: string) => `${process.env.PROXY_URL}${path}`;
const api = (path: string) => `${process.env.API_URL}${path}`;
const gateway = client(process.env.PROXY_URL!);
const { signup, signin, refresh, info } = gateway;
const signedIn = () => gateway.newSession();

describe('the whole flow through the gateway', () => {
  it('signup → signin → info → refresh → info', async () => {
    const username = uniqueName('e2e');
    const created = await signup(username);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ username, consumer_id: expect.any(String), created_at: expect.any(String) });

    const tokens = (await signin(username)).body;
    const me = await info(tokens.access_token);
    expect(me).toMatchObject({ status: 200, body: { username, consumer_id: created.body.consumer_id } });

    const rotated = await refresh(tokens.refresh_token);
    expect(rotated.status).toBe(200);
    expect((await info(rotated.body.access_token)).status).toBe(200);
  });

  it('answers wrong password, unknown user and duplicate signup as designed', async () => {
    const { username } = await signedIn();
    const wrong = await signin(username, 'wrong password');
    const unknown = await signin(uniqueName('ghost'));
    expect(wrong.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    // Someone else wanting the name; the same person repeating the signup gets the same 201.
    expect(await signup(username, 'someone else entirely')).toMatchObject({ status: 409, body: { message: 'Username is already taken' } });
    expect((await signup(username)).status).toBe(201);
  });

  it('lets the gateway refuse tampered, expired, unsigned and unknown-issuer tokens', async () => {
    const { username, tokens } = await signedIn();
    const claims = jwt.decode(tokens.access_token, { json: true })!;
    const [header, , signature] = tokens.access_token.split('.');
    const now = Math.floor(Date.now() / 1000);

    const tampered = [header, Buffer.from(JSON.stringify({ ...claims, sub: 'admin' })).toString('base64url'), signature].join('.');
    expect(await info(tampered)).toMatchObject({ status: 401, body: { message: 'Invalid signature' } });

    const expired = await signAs(username, { ...claims, exp: now - 10 });
    expect(await info(expired)).toMatchObject({ status: 401, body: { exp: 'token expired' } });

    const unsigned = jwt.sign(claims, '', { algorithm: 'none' });
    expect(await info(unsigned)).toMatchObject({ status: 401, body: { message: 'Bad token; invalid alg' } });

    const unknownCredential = await signAs(username, { ...claims, ckey: 'nobody' });
    expect(await info(unknownCredential)).toMatchObject({ status: 401, body: { message: "No credentials found for given 'ckey'" } });

    const tooLong = await signAs(username, { ...claims, exp: now + 7200 });
    expect(await info(tooLong)).toMatchObject({ status: 401, body: { exp: 'exceeds maximum allowed expiration' } });
  });

  it('does not accept tokens from the URL', async () => {
    const { tokens } = await signedIn();
    const response = await request(proxy(`/api/jwt/info?jwt=${tokens.access_token}`));
    expect(response).toMatchObject({ status: 401, body: { message: 'Unauthorized' } });
  });

  it('forwards the identity Kong matched, never the one the client sent', async () => {
    const alice = await signedIn();
    const bob = await signedIn();
    const bobUser = (await storedUser(bob.username))!;
    const response = await info(alice.tokens.access_token, { 'X-Consumer-ID': bobUser.consumerId, 'X-Consumer-Username': bob.username });
    expect(response).toMatchObject({ status: 200, body: { username: alice.username } });
  });

  it('refuses forged X-Consumer-* headers sent straight to the API', async () => {
    const { username } = await signedIn();
    const user = (await storedUser(username))!;
    const forged = await request(api('/api/jwt/info'), { headers: { 'X-Consumer-ID': user.consumerId, 'X-Consumer-Username': username } });
    expect(forged).toMatchObject({ status: 401, body: { message: 'Unauthorized' } });

    const otherUsersToken = (await signedIn()).tokens.access_token;
    const impersonation = await request(api('/api/jwt/info'), {
      headers: { ...bearer(otherUsersToken), 'X-Consumer-ID': user.consumerId, 'X-Consumer-Username': username },
    });
    expect(impersonation).toMatchObject({ status: 401, body: { message: 'Unauthorized' } });
  });

  it('rotates refresh tokens, detects reuse and revokes the family', async () => {
    const { tokens } = await signedIn();
    const first = await refresh(tokens.refresh_token);
    expect(first.status).toBe(200);
    const second = await refresh(first.body.refresh_token);
    expect(second.status).toBe(200);
    // The first token again, after its successor was used: a copy.
    expect((await refresh(tokens.refresh_token)).status).toBe(401);
    expect((await refresh(second.body.refresh_token)).status).toBe(401);
  });

  it('gives concurrent refreshes with one token one successor, and revokes nothing', async () => {
    const { tokens } = await signedIn();
    const responses = await Promise.all(Array.from({ length: 8 }, () => refresh(tokens.refresh_token)));
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(new Set(responses.map((r) => r.body.refresh_token)).size).toBe(1);
    expect((await refresh(responses[0].body.refresh_token)).status).toBe(200);
  });

  it('gives exactly one 201 for concurrent signups of one name by different people', async () => {
    const username = uniqueName('race');
    const statuses = (await Promise.all(Array.from({ length: 6 }, (_, i) => signup(username, `${PASSWORD} ${i}`)))).map((r) => r.status);
    expect(statuses.sort()).toEqual([201, 409, 409, 409, 409, 409]);
  });

  it.each(['../../consumers', 'a%2Fb', 'bob?admin=1', '..', '3f1c1a4e-8c5b-4a36-9a8e-2b9c8b7e6d5f'])(
    'refuses the malicious username %p with 400',
    async (username) => {
      const response = await signup(username);
      expect(response.status).toBe(400);
      expect(response.body.message).toMatch(/^username: /);
    },
  );

  it('answers malformed JSON with 400 through the gateway', async () => {
    const response = await fetch(proxy('/api/public/signin'), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"username":' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ code: 'invalid_request', message: 'Request body is not valid JSON' });
  });
});
