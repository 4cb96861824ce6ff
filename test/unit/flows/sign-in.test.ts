import { bearer, composeOnMemory, PASSWORD } from '../support/flows';

const client = { address: '203.0.113.7', userAgent: 'test' };
const INVALID = { status: 401, code: 'invalid_credentials', message: 'Invalid username or password' };

async function signedUp() {
  const world = composeOnMemory();
  await world.signUp('alice', PASSWORD, client);
  return world;
}

it('answers an access token signed with the account credential and a refresh token, in a session that remembers the client', async () => {
  const world = await signedUp();
  const tokens = await world.signIn('alice', PASSWORD, client);
  expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 900, refresh_expires_in: 3600 });
  const claims = world.accessTokens.unverifiedClaims(tokens.access_token)!;
  const credential = world.stores.accounts.accounts.get('alice')!.credential!;
  expect(claims).toMatchObject({ sub: 'alice', ckey: credential.kind === 'secret' ? credential.key : undefined });
  expect(world.stores.tokenSessions.sessions.get(claims.sid)).toMatchObject({ username: 'alice', clientAddress: client.address, userAgent: 'test' });
  await expect(world.checkAccessToken(tokens.access_token)).resolves.toMatchObject({ state: 'live' });
});

it('answers a wrong password and an unknown user alike, and counts both as attempts', async () => {
  const world = await signedUp();
  await expect(world.signIn('alice', 'wrong password of length', client)).rejects.toMatchObject(INVALID);
  await expect(world.signIn('mallory', PASSWORD, client)).rejects.toMatchObject(INVALID);
  expect(world.stores.attempts.users.size).toBe(2);
});

it('holds a username off after its free failures, even for the right password, unchecked', async () => {
  const world = await signedUp();
  for (let i = 0; i < 6; i++) await world.signIn('alice', 'wrong password of length', client).catch(() => undefined);
  await expect(world.signIn('alice', PASSWORD, client)).rejects.toMatchObject({ status: 429, code: 'too_many_attempts' });
  world.advance(3600);
  await expect(world.signIn('alice', PASSWORD, client)).resolves.toMatchObject({ token_type: 'Bearer' });
});

it('repairs the Kong credential when Kong lost it', async () => {
  const world = await signedUp();
  world.kongAdmin.credentials.clear();
  const tokens = await world.signIn('alice', PASSWORD, client);
  const [credential] = world.kongAdmin.credentials.values();
  expect(world.accessTokens.unverifiedClaims(tokens.access_token)).toMatchObject({ ckey: credential.key });
  await expect(world.checkAccessToken(tokens.access_token)).resolves.toMatchObject({ state: 'live' });
});

describe('device tokens (issue 22, item 7)', () => {
  const attacker = { address: '198.51.100.66' };
  const hammer = async (world: Awaited<ReturnType<typeof signedUp>>) => {
    for (let i = 0; i < 8; i++) {
      await world.signIn('alice', `wrong password ${i}`, attacker).catch(() => undefined);
      world.advance(1);
    }
  };

  it('answers a device token with the tokens, which takes its client through the backoff others built up; a client without one meets it', async () => {
    const world = await signedUp();
    const first = await world.signIn('alice', PASSWORD, client);
    expect(first.device_token).toMatch(/^d1\./);
    await hammer(world);

    await expect(world.signIn('alice', PASSWORD, client)).rejects.toMatchObject({ status: 429, code: 'too_many_attempts' });
    const again = await world.signIn('alice', PASSWORD, client, first.device_token);
    expect(again).toMatchObject({ token_type: 'Bearer', device_token: expect.stringMatching(/^d1\./) });
    await expect(world.checkAccessToken(again.access_token)).resolves.toMatchObject({ state: 'live' });
  });

  it('stops honouring the user’s device tokens once the user signs out everywhere', async () => {
    const world = await signedUp();
    const first = await world.signIn('alice', PASSWORD, client);
    const { account } = await world.authenticateCaller(bearer(first.access_token));
    await world.signOutEverywhere(account);
    await hammer(world);
    await expect(world.signIn('alice', PASSWORD, client, first.device_token)).rejects.toMatchObject({ status: 429 });
  });
});
