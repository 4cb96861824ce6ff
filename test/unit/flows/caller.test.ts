import { bearer, composeOnMemory, PASSWORD } from '../support/flows';

const INVALID_TOKEN = { status: 401, code: 'invalid_token' };

async function signedIn() {
  const world = composeOnMemory();
  await world.signUp('alice', PASSWORD, {});
  return { world, tokens: await world.signIn('alice', PASSWORD, {}) };
}

it('authenticates the caller of a live session, with the consumer Kong matched', async () => {
  const { world, tokens } = await signedIn();
  const consumerId = world.stores.accounts.accounts.get('alice')!.credential!.consumerId;
  const caller = await world.authenticateCaller(bearer(tokens.access_token, { 'x-consumer-id': consumerId, 'x-consumer-username': 'alice' }));
  expect(caller).toMatchObject({ account: { username: 'alice' }, claims: { sub: 'alice' } });
});

it('refuses no token, a forged one, and consumer headers that name someone else', async () => {
  const { world, tokens } = await signedIn();
  await expect(world.authenticateCaller({ headers: {} } as never)).rejects.toMatchObject(INVALID_TOKEN);
  await expect(world.authenticateCaller(bearer(`${tokens.access_token.slice(0, -4)}AAAA`))).rejects.toMatchObject(INVALID_TOKEN);
  await expect(world.authenticateCaller(bearer(tokens.access_token, { 'x-consumer-username': 'bob' }))).rejects.toMatchObject(INVALID_TOKEN);
  await expect(world.authenticateCaller(bearer(tokens.access_token, { 'x-consumer-id': 'another' }))).rejects.toMatchObject(INVALID_TOKEN);
});

it('refuses the token of a session signed out, and of one ended everywhere unless the route allows it', async () => {
  const { world, tokens } = await signedIn();
  const other = await world.signIn('alice', PASSWORD, {});
  await world.tokenSessions.end(world.accessTokens.unverifiedClaims(other.access_token)! as never);
  await expect(world.authenticateCaller(bearer(other.access_token))).rejects.toMatchObject(INVALID_TOKEN);

  const { account } = await world.authenticateCaller(bearer(tokens.access_token));
  await world.tokenSessions.endAll(account.username);
  await expect(world.authenticateCaller(bearer(tokens.access_token))).rejects.toMatchObject(INVALID_TOKEN);
  await expect(world.authenticateCaller(bearer(tokens.access_token), { allowEnded: true })).resolves.toMatchObject({ account: { username: 'alice' } });
});

it('refuses the token of an account that is gone', async () => {
  const { world, tokens } = await signedIn();
  world.stores.accounts.accounts.delete('alice');
  await expect(world.authenticateCaller(bearer(tokens.access_token))).rejects.toMatchObject(INVALID_TOKEN);
});
