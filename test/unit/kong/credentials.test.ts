import { Accounts } from '../../../lib/accounts/accounts';
import { KongCredentials, OWNER_TAG } from '../../../lib/kong/credentials';
import { FakeKongAdmin, MemoryAccountStore, plainHasher } from '../support/memory-stores';

function setup() {
  const kong = new FakeKongAdmin();
  const accounts = new Accounts(new MemoryAccountStore(), plainHasher);
  const credentials = new KongCredentials(kong, accounts);
  const signUp = (name: string) =>
    accounts.signUp(name, 'pw-123456', {
      provision: () => credentials.provision(name),
      discard: (c) => credentials.discard(c),
      keepOnly: (c) => credentials.keepOnly(c),
    });
  return { kong, accounts, credentials, signUp };
}

it('signs up with one credential, removing those a failed signup left', async () => {
  const { kong, signUp } = setup();
  const consumer = await kong.ensureConsumer('alice', [OWNER_TAG]);
  await kong.createJwtCredential(consumer.id, [OWNER_TAG]);
  const { credential } = await signUp('alice');
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
  expect(repaired.credential.key).not.toBe(account.credential.key);
  expect((await accounts.get('alice'))?.credential).toEqual(repaired.credential);
  expect(await kong.getJwtCredential(repaired.credential.consumerId, repaired.credential.key)).toBeDefined();
});

it('rotates: the old credential is gone from Kong, the new one is stored', async () => {
  const { kong, credentials, accounts, signUp } = setup();
  const account = await signUp('alice');
  const rotated = await credentials.rotate(account);
  expect(await kong.getJwtCredential(account.credential.consumerId, account.credential.key)).toBeUndefined();
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
    expect.objectContaining({ id: account!.credential!.credentialId }),
  ]);
});
