import bcrypt from 'bcryptjs';
import { handler as signup } from '../../functions/public/signup';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { OWNER_TAG } from '../../lib/kong/credentials';
import { admin, db, PASSWORD, storedUser, uniqueName } from '../support/clients';
import { apiEvent, invoke } from '../support/events';
import { signinAs } from '../support/users';
import { ALGORITHM, keyring, PUBLIC_KEYS } from '../support/signing';
import { createPublicKey, type JsonWebKey } from 'node:crypto';

const signupWith = (body: unknown, headers?: Record<string, string>) =>
  invoke(signup, apiEvent('POST', '/api/public/signup', { body, headers }));

describe('signup', () => {
  it('creates the Kong consumer, one credential and the stored user, and answers only public fields', async () => {
    const username = uniqueName();
    const response = await signupWith({ username, password: PASSWORD });

    expect(response.status).toBe(201);
    expect(Object.keys(response.body).sort()).toEqual(['consumer_id', 'created_at', 'username']);
    expect(response.headers['Cache-Control']).toBe('no-store');

    const consumer = await admin('GET', `/consumers/${username}`);
    expect(consumer.status).toBe(200);
    expect(response.body.consumer_id).toBe(consumer.body.id);

    const credentials = await admin('GET', `/consumers/${consumer.body.id}/jwt`);
    expect(credentials.body.data).toHaveLength(1);
    const [credential] = credentials.body.data;
    expect(credential.algorithm).toBe(ALGORITHM);

    const user = await storedUser(username);
    if (PUBLIC_KEYS) {
      // The public key of the current signing key, under <issuer>.<kid>; the user holds no secret of any kind.
      const active = (await keyring()).find((key) => key.state === 'active')!;
      expect(credential.key).toBe(`${user!.credentialIssuer}.${active.kid}`);
      expect(credential.rsa_public_key).toBe(createPublicKey({ key: (active as unknown as { jwk: JsonWebKey }).jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }));
      expect(user).toMatchObject({ status: 'active', consumerId: consumer.body.id, credentialKids: [active.kid] });
      expect(Object.keys(user!).filter((name) => /secret|private/i.test(name))).toEqual([]);
    } else {
      expect(user).toMatchObject({
        status: 'active',
        consumerId: consumer.body.id,
        credentialKey: credential.key,
        credentialSecret: credential.secret,
      });
    }
    // A version 2 hash (lib/accounts/passwords.ts): bcrypt of the peppered HMAC, never of the password itself.
    expect(user!.passwordHash).toMatch(/^v2:\$2[aby]\$/);
    expect(await bcrypt.compare(PASSWORD, user!.passwordHash.slice(3))).toBe(false);
    expect(bcrypt.getRounds(user!.passwordHash.slice(3))).toBe(Number(process.env.BCRYPT_COST));
  });

  it('treats usernames case-insensitively and refuses a taken one with 409', async () => {
    const username = uniqueName();
    expect((await signupWith({ username: username.toUpperCase(), password: PASSWORD })).body.username).toBe(username);

    const again = await signupWith({ username, password: 'another password' });
    expect(again).toMatchObject({ status: 409, body: { message: 'Username is already taken' } });
  });

  it('gives exactly one 201 for concurrent signups of one name with different passwords', async () => {
    const username = uniqueName('race');
    const responses = await Promise.all(Array.from({ length: 8 }, (_, i) => signupWith({ username, password: `${PASSWORD} ${i}` })));
    expect(responses.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
  });

  it('answers concurrent identical signups (a double submit, a retry) with the one account, and Kong one consumer with one credential', async () => {
    const username = uniqueName('race');
    // Six: each retry's password check is an attempt at the name (issue 22, item 8), and
    // concurrent attempts past the five free ones meet the backoff (then 409, unchecked).
    const responses = await Promise.all(Array.from({ length: 6 }, () => signupWith({ username, password: PASSWORD })));

    expect(responses.map((r) => r.status)).toEqual(Array(6).fill(201));
    expect(new Set(responses.map((r) => r.body.consumer_id)).size).toBe(1);
    const consumer = await admin('GET', `/consumers/${username}`);
    const credentials = await admin('GET', `/consumers/${consumer.body.id}/jwt`);
    expect(credentials.body.data).toHaveLength(1);
    const user = (await storedUser(username))!;
    expect(credentials.body.data[0].key.startsWith(PUBLIC_KEYS ? `${user.credentialIssuer}.` : user.credentialKey)).toBe(true);
  });

  it('reuses a consumer left by an earlier failed attempt and replaces its stray credentials', async () => {
    const username = uniqueName('retry');
    const leftover = await admin('POST', '/consumers', { username, tags: [OWNER_TAG] });
    const stray = await admin('POST', `/consumers/${leftover.body.id}/jwt`, { tags: [OWNER_TAG] });

    const response = await signupWith({ username, password: PASSWORD });

    expect(response.status).toBe(201);
    expect(response.body.consumer_id).toBe(leftover.body.id);
    const credentials = await admin('GET', `/consumers/${leftover.body.id}/jwt`);
    expect(credentials.body.data).toHaveLength(1);
    expect(credentials.body.data[0].key).not.toBe(stray.body.key);
  });

  it('refuses a name whose Kong consumer it did not make, as a taken name, and leaves that consumer alone', async () => {
    const username = uniqueName('ops');
    const theirs = await admin('POST', '/consumers', { username, tags: ['made-by-an-operator'] });
    const theirCredential = await admin('POST', `/consumers/${theirs.body.id}/jwt`, {});

    const response = await signupWith({ username, password: PASSWORD });

    expect(response).toMatchObject({ status: 409, body: { code: 'username_taken', message: 'Username is already taken' } });
    expect((await admin('GET', `/consumers/${theirs.body.id}/jwt`)).body.data).toEqual([theirCredential.body]);
    expect(await storedUser(username)).toBeUndefined();
  });

  it('lets a retry take over its own claim that landed after the client was told 503', async () => {
    const username = uniqueName('late');
    const now = Math.floor(Date.now() / 1000);
    // What a claim write delayed past the 503 leaves: pending, this password, fresh.
    await db.send(
      new PutCommand({
        TableName: process.env.USERS_TABLE,
        Item: { username, status: 'pending', passwordHash: await bcrypt.hash(PASSWORD, 4), claimId: 'late-claim', claimedAt: now, createdAt: new Date().toISOString() },
      }),
    );
    expect((await signupWith({ username, password: 'someone else entirely' })).status).toBe(409);
    const retry = await signupWith({ username, password: PASSWORD });
    expect(retry.status).toBe(201);
    expect(await storedUser(username)).toMatchObject({ status: 'active' });
  });

  it.each([
    ['64', 'correct horse battery staple, and a few more words to reach 64!!'.slice(0, 64)],
    ['100', 'the quick brown fox jumps over the lazy dog while the cat sleeps on a warm and sunny windowsill, ok!'],
  ])('accepts a %s-character password, and it signs in with it and with nothing shorter', async (length, long) => {
    expect(long).toHaveLength(Number(length));
    const username = uniqueName('long');
    expect((await signupWith({ username, password: long })).status).toBe(201);
    expect((await signinAs(username, long)).status).toBe(200);
    // Past bcrypt's 72 bytes too: the whole password counts.
    expect((await signinAs(username, long.slice(0, -1))).status).toBe(401);
  });

  it.each([
    ['a common password with variations', 'Password123456789', /^password: is too easy to guess/],
    ['a password containing the username', null, /^password: must not contain the username$/],
  ])('refuses %s with 400 weak_password, before anything reaches Kong', async (_name, given, message) => {
    const username = uniqueName('weak');
    const response = await signupWith({ username, password: given ?? `my name is ${username} and I like tea` });
    expect(response).toMatchObject({ status: 400, body: { code: 'weak_password' } });
    expect(response.body.message).toMatch(message);
    // The answer tells what to do, never which list the password is on.
    expect(response.body.message).not.toMatch(/list|breach|common|dictionar/i);
    expect((await admin('GET', `/consumers/${username}`)).status).toBe(404);
    expect(await storedUser(username)).toBeUndefined();
  });

  describe('refuses bad input with 400 and a message', () => {
    const cases: Array<[string, Parameters<typeof apiEvent>[2], RegExp]> = [
      ['malformed JSON', { rawBody: '{"username": "bob",' }, /not valid JSON/],
      ['no body', {}, /body is required/],
      ['a JSON array', { body: [] }, /must be a JSON object/],
      ['a wrong content type', { body: { username: 'bob42', password: PASSWORD }, headers: { 'Content-Type': 'text/plain' } }, /Content-Type/],
      ['a missing password', { body: { username: 'bob42' } }, /^password: is required$/],
      ['a wrongly typed username', { body: { username: 42, password: PASSWORD } }, /^username: must be a string$/],
      ['a short password', { body: { username: 'bob42', password: 'correct horse' } }, /^password: must be at least 15 characters$/],
      ['a password over 256 characters', { body: { username: 'bob42', password: 'é'.repeat(257) } }, /^password: must be at most 256 characters$/],
      ['an oversize body', { body: { username: 'bob42', password: PASSWORD, padding: 'x'.repeat(5000) } }, /must not exceed/],
    ];
    it.each(cases)('%s', async (_name, request, message) => {
      const response = await invoke(signup, apiEvent('POST', '/api/public/signup', request));
      expect(response.status).toBe(400);
      expect(response.body.message).toMatch(message);
    });
  });

  it.each([
    '../consumers',
    'a/b/c',
    'bob?x=1',
    '%2e%2e',
    'bob#frag',
    'ab',
    'x'.repeat(33),
    '3f1c1a4e-8c5b-4a36-9a8e-2b9c8b7e6d5f',
    'bob smith',
    'bøb-unicode',
    '-leading-dash',
  ])('refuses the username %p before it reaches Kong', async (username) => {
    const response = await signupWith({ username, password: PASSWORD });
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/^username: /);
    expect((await admin('GET', `/consumers/${encodeURIComponent(username)}`)).status).toBe(404);
  });
});
