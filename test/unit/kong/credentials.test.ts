import { Accounts } from '../../../lib/accounts/accounts';
import { KongCredentials } from '../../../lib/kong/credentials';
import { FakeKongAdmin, MemoryAccountStore, plainHasher } from '../support/memory-stores';

function setup() {
  const kong = new FakeKongAdmin();
  const accounts = new Accounts(new MemoryAccountStore(), plainHasher);
  const credentials = new KongCredentials(kong, accounts);
  const signUp = (name: string) => accounts.signUp(name, 'pw-123456', () => credentials.provision(name, true));
  return { kong, accounts, credentials, signUp };
}

it('provisions a consumer and one credential, removing credentials left by a failed signup', async () => {
  const { kong, credentials } = setup();
  const consumer = await kong.ensureConsumer('alice');
  await kong.createJwtCredential(consumer.id);
  const credential = await credentials.provision('alice', true);
  expect(await kong.listJwtCredentials(consumer.id)).toEqual([expect.objectContaining({ key: credential.key, secret: credential.secret })]);
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
