import { bearer, composeOnMemory, PASSWORD } from '../support/flows';

it('ends every token session and browser session of the account, and rotates its Kong credential', async () => {
  const world = composeOnMemory();
  await world.signUp('alice', PASSWORD, {});
  const [one, two] = [await world.signIn('alice', PASSWORD, {}), await world.signIn('alice', PASSWORD, {})];
  const browser = await world.browserSignIn('alice', PASSWORD, {});
  const before = [...world.kongAdmin.credentials.values()].map((credential) => credential.key);

  const { account } = await world.authenticateCaller(bearer(one.access_token));
  await world.signOutEverywhere(account);

  // HS256: the account's secret is rotated, so its old tokens no longer verify at all (nor at Kong).
  await expect(world.checkAccessToken(one.access_token)).resolves.toBeUndefined();
  await expect(world.checkAccessToken(two.access_token)).resolves.toBeUndefined();
  expect(await world.tokenSessions.accessTokenState(world.accessTokens.unverifiedClaims(two.access_token)!)).toBe('ended');
  await expect(world.refresh(two.refresh_token)).rejects.toMatchObject({ status: 401, code: 'invalid_grant' });
  await expect(world.browserSessions.resume(browser.id)).resolves.toBeUndefined();
  const after = [...world.kongAdmin.credentials.values()].map((credential) => credential.key);
  expect(after).toHaveLength(1);
  expect(before).not.toContain(after[0]);

  // A new sign-in starts in the new epoch, with the new credential.
  const fresh = await world.signIn('alice', PASSWORD, {});
  await expect(world.checkAccessToken(fresh.access_token)).resolves.toMatchObject({ state: 'live' });
  expect(world.accessTokens.unverifiedClaims(fresh.access_token)).toMatchObject({ ckey: after[0] });
});

it('can be retried with the same token after a failure midway (Kong down)', async () => {
  const world = composeOnMemory();
  await world.signUp('alice', PASSWORD, {});
  const tokens = await world.signIn('alice', PASSWORD, {});
  const { account } = await world.authenticateCaller(bearer(tokens.access_token));
  world.kongAdmin.down = true;
  await expect(world.signOutEverywhere(account)).rejects.toThrow();
  world.kongAdmin.down = false;
  const retry = await world.authenticateCaller(bearer(tokens.access_token), { allowEnded: true });
  await expect(world.signOutEverywhere(retry.account)).resolves.toBeUndefined();
});
