/**
 * Passkeys managed by their owner, one rule set from a token (/api/jwt/passkeys) and from a browser session (the
 * security page), and a passkey as the second step of a password sign-in.
 */
import type { ActiveAccount } from '../../../lib/accounts/account';
import type { AppError } from '../../../lib/platform/errors';
import { codeAt } from '../../../lib/second-factors/totp';
import { composeOnMemory, PASSKEY_ORIGIN, PASSWORD, type Flows } from '../support/flows';
import { SoftwareAuthenticator } from '../support/software-authenticator';

const client = { address: '203.0.113.7', userAgent: 'test' };

async function callerOf(world: Flows, accessToken: string) {
  const checked = (await world.checkAccessToken(accessToken))!;
  return { account: checked.account, claims: checked.claims };
}

/** Alice (and Bob) signed up; Alice signed in with her password only, before she had any second factor. */
async function signedIn() {
  const world = composeOnMemory();
  await world.signUp('alice', PASSWORD, client);
  await world.signUp('bob', PASSWORD, client);
  const caller = await callerOf(world, (await world.signIn('alice', PASSWORD, client)).access_token);
  const register = async (who: typeof caller, authenticator: SoftwareAuthenticator, name?: string, presented = {}) =>
    world.passkeyRegistration.register(who, authenticator.register(await world.passkeyRegistration.registrationOptions(who, presented, client), PASSKEY_ORIGIN) as never, name);
  return { world, caller, register };
}

const refusalOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: AppError) => error);

it('registers, lists, renames and removes passkeys; adding a second and removing one need a recent second factor', async () => {
  const { world, caller, register } = await signedIn();
  const laptop = new SoftwareAuthenticator({ counter: 1 });
  const view = await register(caller, laptop, 'Laptop');
  // The first factor of the account: ten recovery codes come with it, this once.
  expect(view).toEqual({ id: expect.any(String), name: 'Laptop', created_at: expect.any(String), last_used_at: null, synced: false, recovery_codes: expect.any(Array) });
  expect(view.recovery_codes).toHaveLength(10);
  expect(JSON.stringify(await world.passkeyChanges.list(caller))).not.toMatch(/publicKey|public_key/);

  // Now the account has a second factor: the password-only session can neither add another nor remove one.
  await expect(world.passkeyRegistration.registrationOptions(caller, {}, client)).rejects.toMatchObject({ status: 403, code: 'mfa_required', details: { methods: ['recovery_code', 'passkey'] } });
  await expect(world.passkeyChanges.remove(caller, view.id, {}, client)).rejects.toMatchObject({ status: 403, code: 'mfa_required' });
  // Even an unknown id: without the step-up, nothing is looked up.
  await expect(world.passkeyChanges.remove(caller, 'unknown', {}, client)).rejects.toMatchObject({ code: 'mfa_required' });

  // A fresh passkey sign-in is a recent second factor.
  const fresh = await callerOf(world, (await world.signInWithPasskey(laptop.assert(await world.passkeys.authenticationOptions(), PASSKEY_ORIGIN) as never, client)).access_token);
  const phone = await register(fresh, new SoftwareAuthenticator({ counter: 0 }), 'Phone');
  // The account has its codes already: the second passkey brings none.
  expect(phone).not.toHaveProperty('recovery_codes');
  await world.passkeyChanges.rename(fresh, phone.id, '  My phone\u0007 ');
  expect((await world.passkeyChanges.list(fresh)).map((p) => [p.name, p.last_used_at === null])).toEqual([['Laptop', false], ['My phone', true]]);
  await expect(world.passkeyChanges.rename(fresh, phone.id, 'x'.repeat(65))).rejects.toMatchObject({ status: 400, code: 'invalid_request' });

  await world.passkeyChanges.remove(fresh, view.id, {}, client);
  expect((await world.passkeyChanges.list(fresh)).map((p) => p.name)).toEqual(['My phone']);
  // Its credential no longer signs in.
  await expect(world.signInWithPasskey(laptop.assert(await world.passkeys.authenticationOptions(), PASSKEY_ORIGIN) as never, client)).rejects.toMatchObject({ code: 'invalid_passkey' });
  // Once the step-up has gone stale, it is asked again.
  const stale = { ...fresh, claims: { ...fresh.claims, auth_time: fresh.claims.auth_time! - 301 } };
  await expect(world.passkeyChanges.remove(stale, phone.id, {}, client)).rejects.toMatchObject({ code: 'mfa_required' });
});

it("answers 404 for another account's passkey, never a hint", async () => {
  const { world, caller, register } = await signedIn();
  const alices = await register(caller, new SoftwareAuthenticator({ counter: 1 }));
  const bob = await callerOf(world, (await world.signIn('bob', PASSWORD, client)).access_token);
  await expect(world.passkeyChanges.rename(bob, alices.id, 'mine')).rejects.toMatchObject({ status: 404, code: 'not_found' });
  await expect(world.passkeyChanges.remove(bob, alices.id, {}, client)).rejects.toMatchObject({ status: 404, code: 'not_found' });
  await expect(world.passkeyChanges.rename(bob, 'unknown', 'mine')).rejects.toMatchObject({ status: 404, code: 'not_found' });
  expect(await world.passkeyChanges.list(bob)).toEqual([]);
  expect((await world.passkeyChanges.list(caller))[0]).toMatchObject({ id: alices.id, name: 'Passkey' });
});

it('refuses a registration response twice, and one made for another account', async () => {
  const { world, caller } = await signedIn();
  const authenticator = new SoftwareAuthenticator({ counter: 1 });
  const response = authenticator.register(await world.passkeyRegistration.registrationOptions(caller, {}, client), PASSKEY_ORIGIN) as never;
  const bob = await callerOf(world, (await world.signIn('bob', PASSWORD, client)).access_token);
  await expect(world.passkeyRegistration.register(bob, response)).rejects.toMatchObject({ status: 401, code: 'invalid_passkey' });
  // Bob's try spent Alice's challenge too: a challenge is spent whatever the response says.
  await expect(world.passkeyRegistration.register(caller, response)).rejects.toMatchObject({ code: 'invalid_passkey' });
  expect(await world.passkeyChanges.list(caller)).toEqual([]);
});

describe('a passkey as the second step of a password sign-in', () => {
  async function withPasskey() {
    const { world, caller, register } = await signedIn();
    const authenticator = new SoftwareAuthenticator({ counter: 1 });
    await register(caller, authenticator, 'Laptop');
    const second = async () => {
      const refusal = (await refusalOf(world.signIn('alice', PASSWORD, client))) as AppError;
      expect(refusal).toMatchObject({ status: 403, code: 'mfa_required' });
      return refusal.details as { mfa_token: string; methods: string[]; passkey_options: { challenge: string; rpId: string; allowCredentials: Array<{ id: string }> } };
    };
    return { world, caller, register, authenticator, second };
  }

  it('answers mfa_required with methods [recovery_code, passkey] and its options; the assertion completes it with amr pwd hwk user mfa', async () => {
    const { world, authenticator, second } = await withPasskey();
    const { mfa_token, methods, passkey_options } = await second();
    expect(methods).toEqual(['recovery_code', 'passkey']);
    expect(passkey_options).toMatchObject({ rpId: expect.any(String), userVerification: 'required', allowCredentials: [{ id: expect.any(String), type: 'public-key' }] });
    const tokens = await world.signInWithSecondFactor(mfa_token, { passkey: authenticator.assert(passkey_options, PASSKEY_ORIGIN) as never }, client);
    expect((await world.checkAccessToken(tokens.access_token))!.claims.amr).toEqual(['pwd', 'hwk', 'user', 'mfa']);
  });

  it('lists passkey after totp and recovery_code when both are on; with TOTP on, a code steps the registration up', async () => {
    const { world, caller, register } = await signedIn();
    const { secret } = await world.secondFactorChanges.startTotp(caller);
    await world.secondFactorChanges.confirmTotp(caller, codeAt(secret, world.clock.now));
    world.advance(30);
    await expect(world.passkeyRegistration.registrationOptions(caller, {}, client)).rejects.toMatchObject({ code: 'mfa_required' });
    await expect(register(caller, new SoftwareAuthenticator({ counter: 1 }), 'Key', { code: '000000' })).rejects.toMatchObject({ code: 'invalid_code' });
    await register(caller, new SoftwareAuthenticator({ counter: 1 }), 'Key', { code: codeAt(secret, world.clock.now) });
    const refusal = (await refusalOf(world.signIn('alice', PASSWORD, client))) as AppError;
    expect(refusal.details).toMatchObject({ methods: ['totp', 'recovery_code', 'passkey'], passkey_options: { challenge: expect.any(String) } });
  });

  it("refuses another account's passkey as a wrong code: the mfa_token loses a try and the backoff counts it", async () => {
    const { world, register, second } = await withPasskey();
    const bob = await callerOf(world, (await world.signIn('bob', PASSWORD, client)).access_token);
    const bobs = new SoftwareAuthenticator({ counter: 1 });
    await register(bob, bobs);
    const { mfa_token, passkey_options } = await second();
    const attemptsBefore = world.stores.attempts.users.get('alice')!.attempts;
    await expect(world.signInWithSecondFactor(mfa_token, { passkey: bobs.assert(passkey_options, PASSKEY_ORIGIN) as never }, client)).rejects.toMatchObject({ status: 401, code: 'invalid_passkey' });
    // Counted, not forgotten: the right password did not reset the count, and the refusal added to it.
    expect(world.stores.attempts.users.get('alice')!.attempts).toBe(attemptsBefore + 1);
  });

  it('refuses a passwordless challenge, a replayed assertion, and an mfa_token out of tries', async () => {
    const { world, authenticator, second } = await withPasskey();
    const { mfa_token, passkey_options } = await second();
    // A challenge made for a passwordless sign-in is not one for this account's second step.
    const unbound = authenticator.assert(await world.passkeys.authenticationOptions(), PASSKEY_ORIGIN) as never;
    await expect(world.signInWithSecondFactor(mfa_token, { passkey: unbound }, client)).rejects.toMatchObject({ code: 'invalid_passkey' });
    const right = authenticator.assert(passkey_options, PASSKEY_ORIGIN) as never;
    await world.signInWithSecondFactor(mfa_token, { passkey: right }, client);
    const again = await second();
    await expect(world.signInWithSecondFactor(again.mfa_token, { passkey: right }, client)).rejects.toMatchObject({ code: 'invalid_passkey' });
    // maxCodeFailures is 3 in this world: two more wrong ones spend the token.
    for (let i = 0; i < 2; i += 1) await refusalOf(world.signInWithSecondFactor(again.mfa_token, { passkey: right }, client));
    await expect(world.signInWithSecondFactor(again.mfa_token, { passkey: authenticator.assert(again.passkey_options, PASSKEY_ORIGIN) as never }, client)).rejects.toMatchObject({
      code: 'invalid_mfa_token',
    });
  });
});

describe('from a browser session (the security page and its script): the same rules, the session deciding', () => {
  /** Alice's browser session as the routes see it: her account, and the session's amr and auth time. */
  const callerOfSession = (world: Flows, session: { amr?: string[]; authTime?: number }) => ({
    account: world.stores.accounts.accounts.get('alice')! as ActiveAccount,
    claims: { amr: session.amr, auth_time: session.authTime },
  });

  async function browserWorld() {
    const world = composeOnMemory();
    await world.browserSignUp('alice', PASSWORD, 'alice@example.test', 'Alice', client);
    const password = callerOfSession(world, (await world.browserSignIn('alice', PASSWORD, client)).session);
    return { world, password };
  }

  it('adds the first passkey with the session alone; removing it, or adding another, then takes a recent passkey sign-in', async () => {
    const { world, password } = await browserWorld();
    const laptop = new SoftwareAuthenticator({ counter: 1 });
    const added = await world.passkeyRegistration.register(password, laptop.register(await world.passkeyRegistration.registrationOptions(password, {}, client), PASSKEY_ORIGIN) as never, 'Laptop');
    await world.passkeyChanges.rename(password, added.id, ' Work\u0000 laptop ');
    expect((await world.passkeyChanges.list(password)).map((p) => p.name)).toEqual(['Work laptop']);

    // The password session is no second factor: it can neither remove the passkey nor add another.
    await expect(world.passkeyChanges.remove(password, added.id, {}, client)).rejects.toMatchObject({ status: 403, code: 'mfa_required', details: { methods: ['recovery_code', 'passkey'] } });
    await expect(world.passkeyRegistration.registrationOptions(password, {}, client)).rejects.toMatchObject({ code: 'mfa_required' });

    const { session } = await world.browserSignInWithPasskey(laptop.assert(await world.passkeys.authenticationOptions(), PASSKEY_ORIGIN) as never, client);
    const fresh = callerOfSession(world, session);
    await world.passkeyRegistration.registrationOptions(fresh, {}, client);
    // Sessions keep the time of their sign-in (real time here): older than MFA_STEP_UP_SECONDS is asked again.
    const stale = { ...fresh, claims: { ...fresh.claims, auth_time: fresh.claims.auth_time! - 301 } };
    await expect(world.passkeyChanges.remove(stale, added.id, {}, client)).rejects.toMatchObject({ code: 'mfa_required' });
    const again = callerOfSession(world, (await world.browserSignInWithPasskey(laptop.assert(await world.passkeys.authenticationOptions(), PASSKEY_ORIGIN) as never, client)).session);
    await world.passkeyChanges.remove(again, added.id, {}, client);
    expect(await world.passkeyChanges.list(again)).toEqual([]);
  });

  it('with TOTP on, takes a current code (counted, a wrong one refused) from a password session, and none from a fresh passkey one', async () => {
    const { world, password } = await browserWorld();
    const { secret } = await world.secondFactorChanges.startTotp(password);
    await world.secondFactorChanges.confirmTotp(password, codeAt(secret, world.clock.now));
    world.advance(30);
    const key = new SoftwareAuthenticator({ counter: 1 });
    await expect(world.passkeyRegistration.registrationOptions(password, {}, client)).rejects.toMatchObject({ code: 'mfa_required', details: { methods: ['totp', 'recovery_code'] } });
    await expect(world.passkeyRegistration.registrationOptions(password, { code: '000000' }, client)).rejects.toMatchObject({ status: 401, code: 'invalid_code' });
    expect(world.stores.attempts.users.get('alice')!.attempts).toBeGreaterThan(0);
    const options = await world.passkeyRegistration.registrationOptions(password, { code: codeAt(secret, world.clock.now) }, client);
    const added = await world.passkeyRegistration.register(password, key.register(options, PASSKEY_ORIGIN) as never, 'Key');

    await expect(world.passkeyChanges.remove(password, added.id, {}, client)).rejects.toMatchObject({ code: 'mfa_required' });
    const fresh = callerOfSession(world, (await world.browserSignInWithPasskey(key.assert(await world.passkeys.authenticationOptions(), PASSKEY_ORIGIN) as never, client)).session);
    await world.passkeyChanges.remove(fresh, added.id, {}, client);
    expect(await world.passkeyChanges.list(fresh)).toEqual([]);
  });

  it("answers 404 for another account's passkey, after the step-up", async () => {
    const { world, password } = await browserWorld();
    await world.browserSignUp('mallory', PASSWORD, 'mallory@example.test', 'M', client);
    const mallory = { account: world.stores.accounts.accounts.get('mallory')! as ActiveAccount, claims: {} };
    const added = await world.passkeyRegistration.register(password, new SoftwareAuthenticator({ counter: 1 }).register(await world.passkeyRegistration.registrationOptions(password, {}, client), PASSKEY_ORIGIN) as never);
    await expect(world.passkeyChanges.rename(mallory, added.id, 'mine')).rejects.toMatchObject({ status: 404 });
    await expect(world.passkeyChanges.remove(mallory, added.id, {}, client)).rejects.toMatchObject({ status: 404 });
  });
});

describe('recovery codes when the first second factor is a passkey', () => {
  async function passkeyOnly() {
    const { world, caller, register } = await signedIn();
    const laptop = new SoftwareAuthenticator({ counter: 1 });
    const added = await register(caller, laptop, 'Laptop');
    return { world, caller, register, laptop, added, codes: added.recovery_codes! };
  }

  it('lets a recovery code finish a password sign-in when the passkey is lost, once each', async () => {
    const { world, codes } = await passkeyOnly();
    const first = (await refusalOf(world.signIn('alice', PASSWORD, client))) as AppError;
    const { mfa_token } = first.details as { mfa_token: string };
    const tokens = await world.signInWithSecondFactor(mfa_token, { recovery_code: codes[0] }, client);
    expect((await world.checkAccessToken(tokens.access_token))!.claims.amr).toEqual(['pwd', 'otp', 'mfa']);
    const again = (await refusalOf(world.signIn('alice', PASSWORD, client))) as AppError;
    await expect(world.signInWithSecondFactor((again.details as { mfa_token: string }).mfa_token, { recovery_code: codes[0] }, client)).rejects.toMatchObject({ code: 'invalid_code' });
    expect((await world.secondFactorChanges.status({ account: world.stores.accounts.accounts.get('alice')! as ActiveAccount, claims: {} })).recovery_codes_left).toBe(9);
  });

  it('steps a change up with a recovery code, and drops the codes with the last passkey (they alone are no second factor)', async () => {
    const { world, caller, added, codes } = await passkeyOnly();
    await world.passkeyChanges.remove(caller, added.id, { recovery_code: codes[1] }, client);
    // No factor left: the password alone signs in again, and the old codes are gone.
    await expect(world.signIn('alice', PASSWORD, client)).resolves.toMatchObject({ access_token: expect.any(String) });
    expect(await world.stores.secondFactors.recoveryCodeCount(caller.account.id)).toBe(0);
  });

  it('keeps TOTP\'s codes: an account with codes gets none new with its first passkey; turning TOTP off keeps them while a passkey remains', async () => {
    const { world, caller, register } = await signedIn();
    const { secret } = await world.secondFactorChanges.startTotp(caller);
    const { recovery_codes } = await world.secondFactorChanges.confirmTotp(caller, codeAt(secret, world.clock.now));
    world.advance(30);
    const key = await register(caller, new SoftwareAuthenticator({ counter: 1 }), 'Key', { code: codeAt(secret, world.clock.now) });
    expect(key).not.toHaveProperty('recovery_codes');
    world.advance(30);
    await world.secondFactorChanges.disableTotp(caller, { code: codeAt(secret, world.clock.now) }, client);
    const refusal = (await refusalOf(world.signIn('alice', PASSWORD, client))) as AppError;
    expect((refusal.details as { methods: string[] }).methods).toEqual(['recovery_code', 'passkey']);
    await world.signInWithSecondFactor((refusal.details as { mfa_token: string }).mfa_token, { recovery_code: recovery_codes[0] }, client);
  });
});
