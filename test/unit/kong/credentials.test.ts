import { generateKeyPairSync } from 'node:crypto';
import { PasswordAccounts } from '../../../lib/accounts/password-accounts';
import type { ActiveAccount, GatewayCredential, PublicKeyCredentials, SecretCredential } from '../../../lib/accounts/account';
import { publicKey, type PublicKey } from '../../../lib/keys/algorithms';
import { credentialKey, KongCredentials, kidTag, OWNER_TAG } from '../../../lib/kong/credentials';
import { FakeKongAdmin, MemoryAccountStore, plainHasher } from '../support/memory-stores';

/** `key` set: ES256/RS256 mode with that signing key; unset: HS256. */
function setup(key?: PublicKey) {
  const kong = new FakeKongAdmin();
  const store = new MemoryAccountStore();
  const accounts = new PasswordAccounts(store, plainHasher);
  const credentials = new KongCredentials(kong, accounts);
  const signUp = (name: string) =>
    accounts.signUp(name, 'pw-123456', {
      provision: () => credentials.provision(name, key),
      discard: (c) => credentials.discard(c),
      keepOnly: (c) => credentials.keepOnly(c),
    });
  return { kong, store, accounts, credentials, signUp };
}

function secret(credential: GatewayCredential | undefined): SecretCredential {
  if (credential?.kind !== 'secret') throw new Error(`expected a secret credential, got ${JSON.stringify(credential)}`);
  return credential;
}

function publicKeys(credential: GatewayCredential | undefined): PublicKeyCredentials {
  if (credential?.kind !== 'public-key') throw new Error(`expected public-key credentials, got ${JSON.stringify(credential)}`);
  return credential;
}

it('signs up with one credential, removing those a failed signup left', async () => {
  const { kong, signUp } = setup();
  const consumer = await kong.ensureConsumer('alice', [OWNER_TAG]);
  await kong.createJwtCredential(consumer.id, [OWNER_TAG]);
  const credential = secret((await signUp('alice')).credential);
  expect(await kong.listJwtCredentials(consumer.id)).toEqual([
    expect.objectContaining({ key: credential.key, secret: credential.secret, tags: [OWNER_TAG] }),
  ]);
});

it('refuses, as a taken name, a consumer it did not make, and touches none of its credentials', async () => {
  const { kong, credentials, signUp } = setup();
  const operators = await kong.ensureConsumer('ops-bot', ['managed-by-ops']);
  const theirs = await kong.createJwtCredential(operators.id, null);
  await expect(credentials.provision('ops-bot')).rejects.toMatchObject({ status: 409, code: 'username_taken' });
  await expect(signUp('ops-bot')).rejects.toMatchObject({ status: 409, code: 'username_taken' });
  expect(await kong.listJwtCredentials(operators.id)).toEqual([theirs]);
});

it('keeps credentials on its own consumer that it did not make', async () => {
  const { kong, signUp } = setup();
  const consumer = await kong.ensureConsumer('alice', [OWNER_TAG]);
  const foreign = await kong.createJwtCredential(consumer.id, ['added-by-hand']);
  await signUp('alice');
  expect(await kong.listJwtCredentials(consumer.id)).toContainEqual(foreign);
});

it('leaves the account alone while Kong has its credential, and repairs it when Kong lost it', async () => {
  const { kong, credentials, accounts, signUp } = setup();
  const account = await signUp('alice');
  expect(await credentials.ensure(account)).toEqual(account);

  kong.credentials.clear();
  const repaired = await credentials.ensure(account);
  expect(secret(repaired.credential).key).not.toBe(secret(account.credential).key);
  expect((await accounts.get('alice'))?.credential).toEqual(repaired.credential);
  expect(await kong.getJwtCredential(repaired.credential.consumerId, secret(repaired.credential).key)).toBeDefined();
});

it('rotates: the old credential is gone from Kong, the new one is stored', async () => {
  const { kong, credentials, accounts, signUp } = setup();
  const account = await signUp('alice');
  const rotated = await credentials.rotate(account);
  expect(await kong.getJwtCredential(account.credential.consumerId, secret(account.credential).key)).toBeUndefined();
  expect((await accounts.get('alice'))?.credential).toEqual(rotated.credential);
});

it('of two concurrent repairs, one credential is kept and the loser deletes its own', async () => {
  const { kong, credentials, signUp } = setup();
  const account = await signUp('alice');
  kong.credentials.clear();
  const [a, b] = await Promise.all([credentials.ensure(account), credentials.ensure(account)]);
  expect(a.credential).toEqual(b.credential);
  expect(await kong.listJwtCredentials(account.credential.consumerId)).toHaveLength(1);
});

it('leaves one credential, the stored one, after concurrent identical signups', async () => {
  const { kong, accounts, signUp } = setup();
  await Promise.all(Array.from({ length: 5 }, () => signUp('bea')));
  const account = await accounts.get('bea');
  expect(await kong.listJwtCredentials(account!.credential!.consumerId)).toEqual([
    expect.objectContaining({ id: secret(account!.credential).credentialId }),
  ]);
});

describe('public keys (ES256/RS256): one credential per signing key, holding the public key only', () => {
  const keyOf = () => publicKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, 'ES256');
  const first = keyOf();
  const second = keyOf();

  it('signs up with a credential for the current key, keyed <issuer>.<kid>, and stores no secret', async () => {
    const { kong, store, signUp } = setup(first);
    const account = await signUp('alice');
    const credential = publicKeys(account.credential);
    expect(credential.kids).toEqual([first.kid]);
    expect(await kong.listJwtCredentials(credential.consumerId)).toEqual([
      expect.objectContaining({
        key: credentialKey(credential.issuer, first.kid),
        algorithm: 'ES256',
        rsa_public_key: first.pem,
        tags: [OWNER_TAG, kidTag(first.kid)],
      }),
    ]);
    expect(JSON.stringify(store.accounts.get('alice'))).not.toMatch(/secret/i);
  });

  it('signin checks the credential with one Admin API call, and repairs a lost one under a new issuer', async () => {
    const { kong, credentials, signUp } = setup(first);
    const account = await signUp('alice');
    const before = kong.calls;
    expect(await credentials.ensure(account, first)).toEqual(account);
    expect(kong.calls - before).toBe(1);

    kong.credentials.clear();
    const repaired = await credentials.ensure(account, first);
    expect(publicKeys(repaired.credential).issuer).not.toBe(publicKeys(account.credential).issuer);
    expect(await kong.listJwtCredentials(account.credential.consumerId)).toHaveLength(1);
  });

  it('refresh calls Kong only the first time a new key signs for the account, and forgets retired keys', async () => {
    const { kong, credentials, accounts, signUp } = setup(first);
    const account = await signUp('alice');
    let before = kong.calls;
    expect(await credentials.ready(account, first, new Set([first.kid]))).toEqual(account);
    expect(kong.calls).toBe(before);

    const withSecond = await credentials.ready(account, second, new Set([first.kid, second.kid]));
    expect(publicKeys(withSecond.credential).kids).toEqual([first.kid, second.kid]);
    expect((await accounts.get('alice'))?.credential).toEqual(withSecond.credential);
    before = kong.calls;
    expect(await credentials.ready(withSecond, second, new Set([first.kid, second.kid]))).toEqual(withSecond);
    expect(kong.calls).toBe(before);

    const third = keyOf();
    const later = await credentials.ready(withSecond, third, new Set([second.kid, third.kid]));
    expect(publicKeys(later.credential).kids).toEqual([second.kid, third.kid]);
    const keys = (await kong.listJwtCredentials(account.credential.consumerId)).map((c) => c.key);
    expect(keys.sort()).toEqual([second.kid, third.kid].map((kid) => credentialKey(publicKeys(later.credential).issuer, kid)).sort());
  });

  it('concurrent refreshes adding the same new key agree on one credential', async () => {
    const { kong, credentials, signUp } = setup(first);
    const account = await signUp('alice');
    const results = await Promise.all(Array.from({ length: 4 }, () => credentials.ready(account, second, new Set([first.kid, second.kid]))));
    for (const result of results) expect(publicKeys(result.credential).kids).toContain(second.kid);
    expect(await kong.listJwtCredentials(account.credential.consumerId)).toHaveLength(2);
  });

  it('rotates: every credential of the account goes, and a new issuer gets one for the current key', async () => {
    const { kong, credentials, signUp } = setup(first);
    let account: ActiveAccount = await signUp('alice');
    account = await credentials.ready(account, second, new Set([first.kid, second.kid]));
    const rotated = await credentials.rotate(account, second);
    const credential = publicKeys(rotated.credential);
    expect(credential.issuer).not.toBe(publicKeys(account.credential).issuer);
    expect(credential.kids).toEqual([second.kid]);
    expect((await kong.listJwtCredentials(credential.consumerId)).map((c) => c.key)).toEqual([credentialKey(credential.issuer, second.kid)]);
  });

  it("retiring a key deletes every account's credential for it, and nothing else", async () => {
    const { kong, credentials, signUp } = setup(first);
    const alice = await credentials.ready(await signUp('alice'), second, new Set([first.kid, second.kid]));
    const bob = await signUp('bob');
    const foreign = await kong.createJwtCredential(bob.credential.consumerId, [kidTag(first.kid)]);
    await credentials.retire(first.kid);
    const left = [...kong.credentials.values()].map((c) => c.key);
    expect(left.sort()).toEqual([credentialKey(publicKeys(alice.credential).issuer, second.kid), foreign.key].sort());
  });

  it('moves an HS256 account to public keys (and back), deleting the old kind at Kong', async () => {
    const hs = setup();
    const account = await hs.signUp('alice');
    const credentials = new KongCredentials(hs.kong, hs.accounts);
    const moved = await credentials.ready(account, first, new Set([first.kid]));
    expect(publicKeys(moved.credential).kids).toEqual([first.kid]);
    expect((await hs.kong.listJwtCredentials(account.credential.consumerId)).map((c) => c.algorithm)).toEqual(['ES256']);
    const back = await credentials.ensure(moved, undefined);
    expect(secret(back.credential).secret).toBeDefined();
    expect((await hs.kong.listJwtCredentials(account.credential.consumerId)).map((c) => c.algorithm)).toEqual(['HS256']);
  });
});
