/** The flows in ES256 mode: the service's current key signs, with `ckey` the account's Kong credential for that key and `iss` the issuer URL. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileKeyCustody } from '../../../lib/keys/file-custody';
import { KeyRotation } from '../../../lib/keys/rotation';
import { SigningKeys } from '../../../lib/keys/signing-keys';
import { credentialKey } from '../../../lib/kong/credentials';
import { bearer, composeOnMemory, PASSWORD } from '../support/flows';
import { MemoryKeyRingStore } from '../support/memory-stores';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'flows-keys-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function world() {
  const store = new MemoryKeyRingStore();
  const custody = new FileKeyCustody(dir);
  const timing = { jwksCacheSeconds: 300, accessTokenTtlSeconds: 900, rotationSeconds: 86400 };
  await new KeyRotation(store, custody, { retire: async () => undefined }, 'ES256', timing).advance(Math.floor(Date.now() / 1000));
  const signingKeys = new SigningKeys(store, custody, 60, 'https://auth.example.test');
  const composed = composeOnMemory({ signingKeys });
  await composed.signUp('alice', PASSWORD, {});
  return { ...composed, signingKeys };
}

it('signs in with the current key, and the token checks, refreshes and introspects', async () => {
  const { signIn, refresh, checkAccessToken, authenticateCaller, introspect, signingKeys, stores } = await world();
  const tokens = await signIn('alice', PASSWORD, {});
  const { kid } = await signingKeys.current();
  const credential = stores.accounts.accounts.get('alice')!.credential!;
  if (credential.kind !== 'public-key') throw new Error('expected public-key credentials');
  expect(credential.kids).toEqual([kid]);

  const checked = await checkAccessToken(tokens.access_token);
  expect(checked).toMatchObject({ state: 'live', claims: { sub: 'alice', iss: 'https://auth.example.test', ckey: credentialKey(credential.issuer, kid) } });
  await expect(authenticateCaller(bearer(tokens.access_token))).resolves.toMatchObject({ account: { username: 'alice' } });
  await expect(introspect(tokens.access_token)).resolves.toMatchObject({ active: true, token_type: 'access_token' });
  const next = await refresh(tokens.refresh_token);
  await expect(checkAccessToken(next.access_token)).resolves.toMatchObject({ state: 'live' });
});

it('refuses a token whose ckey is not the account credential for its key', async () => {
  const { signIn, checkAccessToken, stores } = await world();
  const tokens = await signIn('alice', PASSWORD, {});
  const account = stores.accounts.accounts.get('alice')!;
  if (account.credential?.kind !== 'public-key') throw new Error('expected public-key credentials');
  account.credential.issuer = 'another-issuer';
  await expect(checkAccessToken(tokens.access_token)).resolves.toBeUndefined();
});

it('ends the token sessions by the sign-out epoch, and cuts the old tokens off with a new issuer', async () => {
  const { signIn, checkAccessToken, authenticateCaller, signOutEverywhere, tokenSessions, accessTokens } = await world();
  const tokens = await signIn('alice', PASSWORD, {});
  const { account } = await authenticateCaller(bearer(tokens.access_token));
  await signOutEverywhere(account);
  expect(await tokenSessions.accessTokenState(accessTokens.unverifiedClaims(tokens.access_token)!)).toBe('ended');
  await expect(checkAccessToken(tokens.access_token)).resolves.toBeUndefined();
  await expect(checkAccessToken((await signIn('alice', PASSWORD, {})).access_token)).resolves.toMatchObject({ state: 'live' });
});
