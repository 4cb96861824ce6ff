import { composeOnMemory, PASSWORD } from '../support/flows';

const INVALID = { status: 401, code: 'invalid_credentials' };

it('signs up with the identity fields, on an account that can also sign in for tokens', async () => {
  const world = composeOnMemory();
  await expect(world.browserSignUp('alice', PASSWORD, 'alice@example.test', 'Alice', {})).resolves.toEqual({
    username: 'alice', email: 'alice@example.test', first_name: 'Alice', created_at: expect.any(String),
  });
  expect(world.kongAdmin.credentials.size).toBe(1);
  await expect(world.signIn('alice', PASSWORD, {})).resolves.toMatchObject({ token_type: 'Bearer' });
});

it('refuses a weak password and a taken name, as token sign-up does', async () => {
  const world = composeOnMemory();
  await expect(world.browserSignUp('alice', 'weak weak weak weak', 'a@example.test', 'A', {})).rejects.toMatchObject({ status: 400, code: 'weak_password' });
  await world.signUp('alice', PASSWORD, {});
  await expect(world.browserSignUp('alice', `${PASSWORD} 2`, 'a@example.test', 'A', {})).rejects.toMatchObject({ status: 409, code: 'username_taken' });
});

it('signs in to a new browser session carrying the identity, which resumes by its id', async () => {
  const world = composeOnMemory();
  await world.browserSignUp('alice', PASSWORD, 'alice@example.test', 'Zoë', {});
  const { id, session } = await world.browserSignIn('alice', PASSWORD, { address: '203.0.113.7' });
  expect(session).toMatchObject({ username: 'alice', email: 'alice@example.test', firstName: 'Zoë' });
  await expect(world.browserSessions.resume(id)).resolves.toMatchObject({ username: 'alice' });
});

it('refuses a wrong password and an unknown user alike, on the same count as token sign-in', async () => {
  const world = composeOnMemory();
  await world.signUp('alice', PASSWORD, {});
  await expect(world.browserSignIn('alice', 'wrong password of length', {})).rejects.toMatchObject(INVALID);
  await expect(world.browserSignIn('nobody', PASSWORD, {})).rejects.toMatchObject(INVALID);
  for (let i = 0; i < 5; i++) await world.signIn('alice', 'wrong password of length', {}).catch(() => undefined);
  await expect(world.browserSignIn('alice', PASSWORD, {})).rejects.toMatchObject({ status: 429, code: 'too_many_attempts' });
});

it('hands the gateway the identity headers and an identity token for the service', async () => {
  const signed: unknown[] = [];
  const world = composeOnMemory({ identityTokens: { sign: async (...args) => (signed.push(args), 'identity.token.here') } });
  await world.browserSignUp('alice', PASSWORD, 'alice@example.test', 'Zoë', {});
  const { session } = await world.browserSignIn('alice', PASSWORD, {});
  await expect(world.identityOf(session)).resolves.toEqual({
    headers: { 'X-User': 'alice', 'X-Email': 'alice@example.test', 'X-Email-Verified': 'false', 'X-First-Name': 'Zo%C3%AB', 'X-Auth-Methods': 'pwd', Authorization: 'Bearer identity.token.here' },
    token: 'identity.token.here',
    expiresIn: 60,
  });
  expect(signed).toEqual([[{ sub: 'alice', uid: session.accountId, email: 'alice@example.test', email_verified: false, given_name: 'Zoë', amr: ['pwd'], auth_time: session.authTime, sid: session.hash }, 'userprofile', 60]]);
});

it('says whether the address is verified, from the account as it is now', async () => {
  const world = composeOnMemory({ identityTokens: { sign: async () => 'identity.token.here' } });
  await world.browserSignUp('alice', PASSWORD, 'alice@example.test', 'Zoë', {});
  const { session } = await world.browserSignIn('alice', PASSWORD, {});
  const verified = await world.identityOf(session, { email: 'alice@example.test', emailVerified: true });
  expect(verified.headers['X-Email-Verified']).toBe('true');
  // A verified flag without an address says nothing is verified.
  expect((await world.identityOf(session, { emailVerified: true })).headers['X-Email-Verified']).toBe('false');
});

it('reuses the identity token while more than half its minute is left, per session and claims; a logout still refuses at once (issue 27)', async () => {
  let count = 0;
  const world = composeOnMemory({ identityTokens: { sign: async () => `identity.token.${++count}` } });
  await world.browserSignUp('alice', PASSWORD, 'alice@example.test', 'Alice', {});
  const first = await world.browserSignIn('alice', PASSWORD, {});
  const second = await world.browserSignIn('alice', PASSWORD, {});
  await expect(world.identityOf(first.session)).resolves.toMatchObject({ token: 'identity.token.1', expiresIn: 60 });
  world.advance(29);
  // Same session: the same token, with what is left of its life.
  await expect(world.identityOf(first.session)).resolves.toMatchObject({ token: 'identity.token.1', expiresIn: 31 });
  // Another session of the same user: its own token.
  await expect(world.identityOf(second.session)).resolves.toMatchObject({ token: 'identity.token.2', expiresIn: 60 });
  world.advance(1);
  // Half its life gone: a new one.
  await expect(world.identityOf(first.session)).resolves.toMatchObject({ token: 'identity.token.3', expiresIn: 60 });
  // Other claims (a changed name) are never answered with a token that says the old ones.
  await expect(world.identityOf({ ...first.session, firstName: 'Alicia' })).resolves.toMatchObject({ token: 'identity.token.4' });
  // The cache saves a signature, never the session check: an ended session resumes no more.
  await world.browserSessions.end(first.id);
  await expect(world.browserSessions.resume(first.id)).resolves.toBeUndefined();
});

it('hands the browser a device token that takes it through the backoff others built up on the name (issue 22, item 7)', async () => {
  const world = composeOnMemory();
  await world.browserSignUp('alice', PASSWORD, 'alice@example.test', 'Alice', {});
  const { deviceToken } = await world.browserSignIn('alice', PASSWORD, { address: '203.0.113.7' });
  for (let i = 0; i < 8; i++) {
    await world.browserSignIn('alice', `wrong password ${i}`, { address: '198.51.100.66' }).catch(() => undefined);
    world.advance(1);
  }
  await expect(world.browserSignIn('alice', PASSWORD, { address: '203.0.113.7' })).rejects.toMatchObject({ status: 429 });
  await expect(world.browserSignIn('alice', PASSWORD, { address: '203.0.113.7' }, deviceToken)).resolves.toMatchObject({
    session: { username: 'alice' },
    deviceToken: expect.stringMatching(/^d1\./),
  });
});
