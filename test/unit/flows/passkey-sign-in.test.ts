import { composeOnMemory, PASSKEY_ORIGIN, PASSWORD } from '../support/flows';
import { SoftwareAuthenticator } from '../support/software-authenticator';

const client = { address: '203.0.113.7', userAgent: 'test' };

async function withPasskey() {
  const world = composeOnMemory();
  await world.signUp('alice', PASSWORD, client);
  const account = world.stores.accounts.accounts.get('alice')!;
  const authenticator = new SoftwareAuthenticator({ counter: 1 });
  await world.passkeys.register(account, authenticator.register(await world.passkeys.registrationOptions(account), PASSKEY_ORIGIN) as never, 'Laptop');
  const assertion = async () => authenticator.assert(await world.passkeys.authenticationOptions(), PASSKEY_ORIGIN) as never;
  return { world, account, authenticator, assertion };
}

it('signs in without a password: tokens whose amr says how (hwk, user, mfa) and a session like a password sign-in', async () => {
  const { world, assertion } = await withPasskey();
  const tokens = await world.signInWithPasskey(await assertion(), client);
  expect(tokens).toMatchObject({ token_type: 'Bearer', device_token: expect.any(String) });
  const checked = (await world.checkAccessToken(tokens.access_token))!;
  expect(checked).toMatchObject({ state: 'live', claims: { sub: 'alice', amr: ['hwk', 'user', 'mfa'], auth_time: expect.any(Number) } });
});

it('refuses the same assertion twice and counts the refusal in the account backoff', async () => {
  const { world, assertion } = await withPasskey();
  const once = await assertion();
  await world.signInWithPasskey(once, client);
  await expect(world.signInWithPasskey(once, client)).rejects.toMatchObject({ status: 401, code: 'invalid_passkey' });
  expect(world.stores.attempts.users.size).toBe(1);
});

it('refuses a cloned authenticator (counter not moving forward)', async () => {
  const { world, authenticator, assertion } = await withPasskey();
  await world.signInWithPasskey(await assertion(), client);
  authenticator.counter -= 1;
  await expect(world.signInWithPasskey(await assertion(), client)).rejects.toMatchObject({ code: 'invalid_passkey' });
});

it('refuses a passkey of an erased account, and erasure removes the passkeys', async () => {
  const { world, account, assertion } = await withPasskey();
  expect(await world.passkeys.list(account.id)).toHaveLength(1);
  for (const eraser of world.erasers) await eraser.erase({ accountId: account.id, username: 'alice' } as never);
  expect(await world.passkeys.list(account.id)).toEqual([]);
  await expect(world.signInWithPasskey(await assertion(), client)).rejects.toMatchObject({ code: 'invalid_passkey' });
});
