import type { ActiveAccount } from '../../../lib/accounts/account';
import { composeOnMemory, PASSKEY_ORIGIN, PASSWORD } from '../support/flows';
import { SoftwareAuthenticator } from '../support/software-authenticator';

const client = { address: '203.0.113.7', userAgent: 'test' };

/** Alice with a browser session and one passkey ("Laptop") on a software authenticator. */
async function withPasskey() {
  const world = composeOnMemory();
  await world.browserSignUp('alice', PASSWORD, 'alice@example.test', 'Alice', client);
  const account = world.stores.accounts.accounts.get('alice')! as ActiveAccount;
  const authenticator = new SoftwareAuthenticator({ counter: 1 });
  const added = await world.passkeys.register(account, authenticator.register(await world.passkeys.registrationOptions(account), PASSKEY_ORIGIN) as never, 'Laptop');
  const assertion = async () => authenticator.assert(await world.passkeys.authenticationOptions(), PASSKEY_ORIGIN) as never;
  return { world, account, authenticator, assertion, credentialId: added.id };
}

describe('the sign-in page with a passkey', () => {
  it('starts a browser session like a password sign-in, whose amr says how (hwk, user, mfa), and a device token', async () => {
    const { world, assertion } = await withPasskey();
    const { id, session, deviceToken } = await world.browserSignInWithPasskey(await assertion(), client);
    expect(session).toMatchObject({ username: 'alice', email: 'alice@example.test', firstName: 'Alice', amr: ['hwk', 'user', 'mfa'] });
    expect(deviceToken).toEqual(expect.any(String));
    await expect(world.browserSessions.resume(id)).resolves.toMatchObject({ username: 'alice' });
  });

  it('refuses a replayed assertion and counts it on the account, as a wrong password is', async () => {
    const { world, assertion } = await withPasskey();
    const once = await assertion();
    await world.browserSignInWithPasskey(once, client);
    await expect(world.browserSignInWithPasskey(once, client)).rejects.toMatchObject({ status: 401, code: 'invalid_passkey' });
    expect(world.stores.attempts.users.size).toBe(1);
  });

  it('meets the backoff the account built up with wrong passwords', async () => {
    const { world, assertion } = await withPasskey();
    for (let i = 0; i < 6; i++) await world.signIn('alice', 'wrong password of length', client).catch(() => undefined);
    await expect(world.browserSignInWithPasskey(await assertion(), client)).rejects.toMatchObject({ status: 429, code: 'too_many_attempts' });
  });

  it('refuses a passkey removed from the account, though the authenticator still has it', async () => {
    const { world, assertion, account, credentialId } = await withPasskey();
    await world.passkeys.remove(account, credentialId);
    await expect(world.browserSignInWithPasskey(await assertion(), client)).rejects.toMatchObject({ status: 401, code: 'invalid_passkey' });
    expect(world.stores.browserSessions.sessions.size).toBe(0);
  });
});
