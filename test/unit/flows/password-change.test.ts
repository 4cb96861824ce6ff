import { bearer, composeOnMemory, PASSWORD } from '../support/flows';

const NEW_PASSWORD = 'a different passphrase entirely';

async function signedIn() {
  const world = composeOnMemory();
  await world.signUp('alice', PASSWORD, {});
  const tokens = await world.signIn('alice', PASSWORD, {});
  const { account } = await world.authenticateCaller(bearer(tokens.access_token));
  return { world, tokens, account };
}

it('changes the password, ends every session, and answers fresh tokens that work', async () => {
  const { world, tokens, account } = await signedIn();
  const browser = await world.browserSignIn('alice', PASSWORD, {});
  const fresh = await world.changePassword(account, PASSWORD, NEW_PASSWORD, { address: '203.0.113.7' });

  // HS256: the account's secret is rotated too, so the old token no longer verifies at all.
  await expect(world.checkAccessToken(tokens.access_token)).resolves.toBeUndefined();
  expect(await world.tokenSessions.accessTokenState(world.accessTokens.unverifiedClaims(tokens.access_token)!)).toBe('ended');
  await expect(world.browserSessions.resume(browser.id)).resolves.toBeUndefined();
  await expect(world.checkAccessToken(fresh.access_token)).resolves.toMatchObject({ state: 'live' });
  await expect(world.refresh(fresh.refresh_token)).resolves.toMatchObject({ token_type: 'Bearer' });
  await expect(world.signIn('alice', PASSWORD, {})).rejects.toMatchObject({ status: 401, code: 'invalid_credentials' });
  await expect(world.signIn('alice', NEW_PASSWORD, {})).resolves.toMatchObject({ token_type: 'Bearer' });
});

it('refuses a weak new password before the current one costs an attempt', async () => {
  const { world, account } = await signedIn();
  await expect(world.changePassword(account, 'wrong current password', 'weak weak weak weak', {})).rejects.toMatchObject({
    status: 400,
    code: 'weak_password',
    message: expect.stringContaining('new_password'),
  });
  expect(world.stores.attempts.users.size).toBe(0);
});

it('refuses a wrong current password (403) as an attempt at the username, and leaves everything as it was', async () => {
  const { world, tokens, account } = await signedIn();
  await expect(world.changePassword(account, 'wrong current password', NEW_PASSWORD, {})).rejects.toMatchObject({ status: 403, code: 'incorrect_password' });
  expect(world.stores.attempts.users.get('user:alice') ?? [...world.stores.attempts.users.values()][0]).toMatchObject({ attempts: 1 });
  await expect(world.checkAccessToken(tokens.access_token)).resolves.toMatchObject({ state: 'live' });
  await expect(world.signIn('alice', PASSWORD, {})).resolves.toMatchObject({ token_type: 'Bearer' });
});

describe('the caller’s session as its lane (issue 22, item 7)', () => {
  it('lets a signed-in user change the password through the backoff others built up on the name, and answers a new device token', async () => {
    const { world, tokens, account } = await signedIn();
    for (let i = 0; i < 8; i++) {
      await world.signIn('alice', `wrong password ${i}`, { address: '198.51.100.66' }).catch(() => undefined);
      world.advance(1);
    }
    await expect(world.signIn('alice', PASSWORD, {})).rejects.toMatchObject({ status: 429 });
    const sid = world.accessTokens.unverifiedClaims(tokens.access_token)!.sid;
    const fresh = await world.changePassword(account, PASSWORD, NEW_PASSWORD, {}, { sid });
    expect(fresh).toMatchObject({ token_type: 'Bearer', device_token: expect.stringMatching(/^d1\./) });
    // The old device token is revoked with the sessions; the new one takes its client through the name's backoff.
    await expect(world.signIn('alice', NEW_PASSWORD, {}, tokens.device_token)).rejects.toMatchObject({ status: 429 });
    await expect(world.signIn('alice', NEW_PASSWORD, {}, fresh.device_token)).resolves.toMatchObject({ token_type: 'Bearer' });
  });

  it('counts a session’s wrong current passwords against that session: five free, then its own backoff', async () => {
    const { world, tokens, account } = await signedIn();
    const sid = world.accessTokens.unverifiedClaims(tokens.access_token)!.sid;
    for (let i = 0; i < 6; i++) {
      await expect(world.changePassword(account, `wrong current ${i}`, NEW_PASSWORD, {}, { sid })).rejects.toMatchObject({ status: 403 });
    }
    await expect(world.changePassword(account, PASSWORD, NEW_PASSWORD, {}, { sid })).rejects.toMatchObject({ status: 429 });
    // Not the name's failures: sign-in is not held off.
    await expect(world.signIn('alice', PASSWORD, {})).resolves.toMatchObject({ token_type: 'Bearer' });
  });
});
