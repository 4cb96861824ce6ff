import { composeOnMemory, PASSWORD } from '../support/flows';

const INVALID_GRANT = { status: 401, code: 'invalid_grant' };

async function signedIn() {
  const world = composeOnMemory();
  await world.signUp('alice', PASSWORD, {});
  return { world, tokens: await world.signIn('alice', PASSWORD, {}) };
}

it('rotates the refresh token within the session, with a new access token for it', async () => {
  const { world, tokens } = await signedIn();
  const next = await world.refresh(tokens.refresh_token);
  expect(next.refresh_token).not.toBe(tokens.refresh_token);
  const sid = (token: string) => world.accessTokens.unverifiedClaims(token)!.sid;
  expect(sid(next.access_token)).toBe(sid(tokens.access_token));
  await expect(world.checkAccessToken(next.access_token)).resolves.toMatchObject({ state: 'live' });
});

it('refuses a refresh token once its account is gone, or replaced by a later one of the same name', async () => {
  const { world, tokens } = await signedIn();
  const account = world.stores.accounts.accounts.get('alice')!;
  world.stores.accounts.accounts.set('alice', { ...account, id: 'a-later-account' });
  await expect(world.refresh(tokens.refresh_token)).rejects.toMatchObject(INVALID_GRANT);
  world.stores.accounts.accounts.delete('alice');
  await expect(world.refresh(tokens.refresh_token)).rejects.toMatchObject(INVALID_GRANT);
});

it('ends the session when a consumed refresh token comes back after its successor was used', async () => {
  const { world, tokens } = await signedIn();
  const second = await world.refresh(tokens.refresh_token);
  await world.refresh(second.refresh_token);
  await expect(world.refresh(tokens.refresh_token)).rejects.toMatchObject(INVALID_GRANT);
  await expect(world.checkAccessToken(second.access_token)).resolves.toMatchObject({ state: 'revoked' });
});

it('makes no Kong Admin API call while the account has its credential', async () => {
  const { world, tokens } = await signedIn();
  const calls = world.kongAdmin.calls;
  await world.refresh(tokens.refresh_token);
  expect(world.kongAdmin.calls).toBe(calls);
});
