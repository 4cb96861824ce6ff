import { composeOnMemory, PASSWORD } from '../support/flows';

async function signedIn() {
  const world = composeOnMemory();
  await world.signUp('alice', PASSWORD, {});
  return { world, tokens: await world.signIn('alice', PASSWORD, {}) };
}

it('answers an access token and a refresh token of a live session as active, with their session', async () => {
  const { world, tokens } = await signedIn();
  const { sid } = world.accessTokens.unverifiedClaims(tokens.access_token)!;
  await expect(world.introspect(tokens.access_token)).resolves.toEqual({
    active: true, sub: 'alice', username: 'alice', exp: expect.any(Number), iat: expect.any(Number), sid, token_type: 'access_token',
  });
  await expect(world.introspect(tokens.refresh_token)).resolves.toEqual({
    active: true, sub: 'alice', username: 'alice', exp: expect.any(Number), iat: expect.any(Number), sid, token_type: 'refresh_token',
  });
});

it('answers only {active: false} for junk, a revoked refresh token, and tokens of sessions ended everywhere', async () => {
  const { world, tokens } = await signedIn();
  await expect(world.introspect('junk')).resolves.toEqual({ active: false });
  await expect(world.introspect('a.b.c')).resolves.toEqual({ active: false });
  const other = await world.signIn('alice', PASSWORD, {});
  await world.tokenSessions.revoke(other.refresh_token);
  await expect(world.introspect(other.refresh_token)).resolves.toEqual({ active: false });
  await world.tokenSessions.endAll('alice');
  await expect(world.introspect(tokens.access_token)).resolves.toEqual({ active: false });
  await expect(world.introspect(tokens.refresh_token)).resolves.toEqual({ active: false });
});

it('does not use a refresh token it looks at', async () => {
  const { world, tokens } = await signedIn();
  await world.introspect(tokens.refresh_token);
  await expect(world.refresh(tokens.refresh_token)).resolves.toMatchObject({ token_type: 'Bearer' });
});

it('answers {active: false} for a refresh token whose account was replaced by a later one of the same name', async () => {
  const { world, tokens } = await signedIn();
  const account = world.stores.accounts.accounts.get('alice')!;
  world.stores.accounts.accounts.set('alice', { ...account, id: 'a-later-account' });
  await expect(world.introspect(tokens.refresh_token)).resolves.toEqual({ active: false });
});
