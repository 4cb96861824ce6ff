import jwt from 'jsonwebtoken';
import { AUDIENCE, ISSUER } from '../support/access-token-profile';
import { composeOnMemory, PASSWORD } from '../support/flows';

async function signedIn() {
  const world = composeOnMemory();
  await world.signUp('alice', PASSWORD, {});
  return { world, tokens: await world.signIn('alice', PASSWORD, {}) };
}

it('answers an access token and a refresh token of a live session as active, with their session', async () => {
  const { world, tokens } = await signedIn();
  const { sid } = world.accessTokens.unverifiedClaims(tokens.access_token)!;
  const first = { iss: ISSUER, client_id: 'first-party', scope: 'openid profile email' };
  await expect(world.introspect(tokens.access_token)).resolves.toEqual({
    active: true, sub: 'alice', username: 'alice', exp: expect.any(Number), iat: expect.any(Number), sid, ...first, aud: AUDIENCE, token_type: 'access_token',
  });
  await expect(world.introspect(tokens.refresh_token)).resolves.toEqual({
    active: true, sub: 'alice', username: 'alice', exp: expect.any(Number), iat: expect.any(Number), sid, ...first, token_type: 'refresh_token',
  });
});

it('answers {active: false} for a token of another type or audience signed with the very key: identity token, ID token, another API\'s', async () => {
  const { world, tokens } = await signedIn();
  const credential = world.stores.accounts.accounts.get('alice')!.credential!;
  if (credential.kind !== 'secret') throw new Error('an HS256 world');
  const claims = jwt.decode(tokens.access_token) as Record<string, unknown>;
  const signed = (typ: string, change: Record<string, unknown> = {}) =>
    jwt.sign({ ...claims, ...change }, credential.secret, { algorithm: 'HS256', header: { alg: 'HS256', typ } });
  await expect(world.introspect(signed('at+jwt'))).resolves.toMatchObject({ active: true });
  await expect(world.introspect(signed('identity+jwt', { aud: 'userprofile' }))).resolves.toEqual({ active: false });
  await expect(world.introspect(signed('identity+jwt'))).resolves.toEqual({ active: false });
  await expect(world.introspect(signed('JWT', { aud: 'first-party' }))).resolves.toEqual({ active: false });
  await expect(world.introspect(signed('at+jwt', { aud: 'https://orders.example.test' }))).resolves.toEqual({ active: false });
  await expect(world.introspect(signed('at+jwt', { iss: credential.key }))).resolves.toEqual({ active: false });
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
