import type { ActiveAccount } from '../../../lib/accounts/account';
import { codeAt } from '../../../lib/second-factors/totp';
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
  const caller = { account, claims: {} };
  return { world, account, authenticator, assertion, caller, credentialId: added.id };
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
    const { world, assertion, caller, credentialId } = await withPasskey();
    await world.browserPasskeyChanges.remove(caller, credentialId, {}, client);
    await expect(world.browserSignInWithPasskey(await assertion(), client)).rejects.toMatchObject({ status: 401, code: 'invalid_passkey' });
    expect(world.stores.browserSessions.sessions.size).toBe(0);
  });
});

describe('passkeys on the security page', () => {
  it('lists, renames (cleaned of control characters) and removes the account\'s own passkeys only', async () => {
    const { world, account, caller, credentialId } = await withPasskey();
    expect(await world.browserPasskeyChanges.list(account)).toEqual([expect.objectContaining({ id: credentialId, name: 'Laptop', last_used_at: null })]);
    await world.browserPasskeyChanges.rename(account, credentialId, ' Work\u0000 laptop ');
    expect((await world.browserPasskeyChanges.list(account))[0].name).toBe('Work laptop');
    await expect(world.browserPasskeyChanges.rename(account, credentialId, '\u0007')).rejects.toMatchObject({ status: 400, code: 'invalid_request' });

    await world.browserSignUp('mallory', PASSWORD, 'mallory@example.test', 'M', client);
    const mallory = world.stores.accounts.accounts.get('mallory')! as ActiveAccount;
    await expect(world.browserPasskeyChanges.rename(mallory, credentialId, 'mine')).rejects.toMatchObject({ status: 404 });
    await expect(world.browserPasskeyChanges.remove({ account: mallory, claims: {} }, credentialId, {}, client)).rejects.toMatchObject({ status: 404 });

    await world.browserPasskeyChanges.remove(caller, credentialId, {}, client);
    expect(await world.browserPasskeyChanges.list(account)).toEqual([]);
  });

  it('asks for a current code to remove one while the authenticator app is on, as turning the app off does', async () => {
    const { world, account, caller, credentialId } = await withPasskey();
    const { secret } = await world.secondFactorChanges.startTotp(caller);
    await world.secondFactorChanges.confirmTotp(caller, codeAt(secret, world.clock.now));
    world.advance(30);
    await expect(world.browserPasskeyChanges.remove(caller, credentialId, {}, client)).rejects.toMatchObject({ status: 403, code: 'mfa_required' });
    // Even a session that just signed in with a passkey: removing a factor wants the code itself.
    const fresh = { account, claims: { amr: ['hwk', 'user', 'mfa'], auth_time: Math.floor(world.clock.now / 1000) } };
    await expect(world.browserPasskeyChanges.remove(fresh, credentialId, {}, client)).rejects.toMatchObject({ code: 'mfa_required' });
    await expect(world.browserPasskeyChanges.remove(caller, credentialId, { code: '000000' }, client)).rejects.toMatchObject({ status: 401, code: 'invalid_code' });
    expect(await world.browserPasskeyChanges.list(account)).toHaveLength(1);
    await world.browserPasskeyChanges.remove(caller, credentialId, { code: codeAt(secret, world.clock.now) }, client);
    expect(await world.browserPasskeyChanges.list(account)).toEqual([]);
  });
});
