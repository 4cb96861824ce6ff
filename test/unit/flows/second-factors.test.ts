import { codeAt } from '../../../lib/second-factors/totp';
import type { AppError } from '../../../lib/platform/errors';
import { composeOnMemory, PASSWORD } from '../support/flows';

const client = { address: '203.0.113.7', userAgent: 'test' };

/** Alice signed up and signed in, with TOTP on: her secret, recovery codes and a caller for changes. */
async function enrolled() {
  const world = composeOnMemory();
  await world.signUp('alice', PASSWORD, client);
  const tokens = await world.signIn('alice', PASSWORD, client);
  const checked = (await world.checkAccessToken(tokens.access_token))!;
  const caller = { account: checked.account, claims: checked.claims };
  const { secret, otpauth_uri } = await world.secondFactorChanges.startTotp(caller);
  expect(otpauth_uri).toMatch(/^otpauth:\/\/totp\/Unit%20Tests:alice\?.*secret=/);
  const { recovery_codes } = await world.secondFactorChanges.confirmTotp(caller, codeAt(secret, world.clock.now));
  world.advance(30);
  return { world, secret, recoveryCodes: recovery_codes, caller, code: () => codeAt(secret, world.clock.now) };
}

const mfaTokenOf = async (world: Awaited<ReturnType<typeof enrolled>>['world']) => {
  const refusal = (await world.signIn('alice', PASSWORD, client).catch((error: AppError) => error)) as AppError;
  expect(refusal).toMatchObject({ status: 403, code: 'mfa_required' });
  expect(refusal.details).toEqual({ mfa_token: expect.any(String), methods: ['totp', 'recovery_code'] });
  return refusal.details!.mfa_token as string;
};

it('answers mfa_required to a right password, and tokens with amr pwd otp mfa only after a right code', async () => {
  const { world, code } = await enrolled();
  const mfaToken = await mfaTokenOf(world);
  const tokens = await world.signInWithSecondFactor(mfaToken, { code: code() }, client);
  const checked = (await world.checkAccessToken(tokens.access_token))!;
  expect(checked.claims.amr).toEqual(['pwd', 'otp', 'mfa']);
  expect(checked.claims.auth_time).toEqual(expect.any(Number));
  // Refresh keeps how the session signed in.
  const refreshed = await world.refresh(tokens.refresh_token);
  expect((await world.checkAccessToken(refreshed.access_token))!.claims).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], auth_time: checked.claims.auth_time });
  // The mfa_token is spent.
  await expect(world.signInWithSecondFactor(mfaToken, { code: code() }, client)).rejects.toMatchObject({ code: 'invalid_mfa_token' });
});

it('never accepts one code twice, even with a new mfa_token', async () => {
  const { world, code } = await enrolled();
  const used = code();
  await world.signInWithSecondFactor(await mfaTokenOf(world), { code: used }, client);
  await expect(world.signInWithSecondFactor(await mfaTokenOf(world), { code: used }, client)).rejects.toMatchObject({ status: 401, code: 'invalid_code' });
});

it('refuses two concurrent uses of one code but one', async () => {
  const { world, code } = await enrolled();
  const used = code();
  const [a, b] = [await mfaTokenOf(world), await mfaTokenOf(world)];
  const results = await Promise.allSettled([world.signInWithSecondFactor(a, { code: used }, client), world.signInWithSecondFactor(b, { code: used }, client)]);
  expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
});

it('accepts each recovery code once', async () => {
  const { world, recoveryCodes } = await enrolled();
  expect(recoveryCodes).toHaveLength(10);
  expect(new Set(recoveryCodes).size).toBe(10);
  const tokens = await world.signInWithSecondFactor(await mfaTokenOf(world), { recovery_code: recoveryCodes[0].toLowerCase() }, client);
  expect((await world.checkAccessToken(tokens.access_token))!.claims.amr).toContain('otp');
  await expect(world.signInWithSecondFactor(await mfaTokenOf(world), { recovery_code: recoveryCodes[0] }, client)).rejects.toMatchObject({ code: 'invalid_code' });
  await expect(world.signInWithSecondFactor(await mfaTokenOf(world), { recovery_code: recoveryCodes[1] }, client)).resolves.toMatchObject({ token_type: 'Bearer' });
  // Stored only as hashes.
  const stored = [...world.stores.secondFactors.recovery.values()].flatMap((codes) => [...codes]);
  expect(stored).toHaveLength(8);
  for (const plain of recoveryCodes) expect(stored.join()).not.toContain(plain.replace(/-/g, ''));
});

it('spends an mfa_token after a few wrong codes, and counts wrong codes in the backoff until even a right code is refused', async () => {
  const { world, code } = await enrolled();
  const mfaToken = await mfaTokenOf(world);
  for (let i = 0; i < 3; i++) await expect(world.signInWithSecondFactor(mfaToken, { code: '000000' }, client)).rejects.toMatchObject({ code: 'invalid_code' });
  await expect(world.signInWithSecondFactor(mfaToken, { code: code() }, client)).rejects.toMatchObject({ code: 'invalid_mfa_token' });
  // A right password leaves the count as it was (each password step is an attempt too): the next wrong code starts the backoff,
  // and then even a right code is refused unchecked.
  const next = await mfaTokenOf(world);
  await expect(world.signInWithSecondFactor(next, { code: '000000' }, client)).rejects.toMatchObject({ code: 'invalid_code' });
  await expect(world.signInWithSecondFactor(next, { code: code() }, client)).rejects.toMatchObject({ status: 429, code: 'too_many_attempts' });
  expect(world.stores.secondFactors.totp.get([...world.stores.secondFactors.totp.keys()][0])!.lastStep).toBeLessThan(Math.floor(world.clock.now / 30000));
});

it('keeps the secret sealed in the store', async () => {
  const { world, secret } = await enrolled();
  const stored = JSON.stringify([...world.stores.secondFactors.totp.values()]);
  expect(stored).not.toContain(secret);
});

it('turns TOTP off only with a code, and regenerates recovery codes only with one', async () => {
  const { world, caller, code } = await enrolled();
  await expect(world.secondFactorChanges.disableTotp(caller, {}, client)).rejects.toMatchObject({ status: 403, code: 'mfa_required' });
  await expect(world.secondFactorChanges.disableTotp(caller, { code: '123456' }, client)).rejects.toMatchObject({ status: 401, code: 'invalid_code' });
  await expect(world.secondFactorChanges.regenerateRecoveryCodes(caller, {}, client)).rejects.toMatchObject({ code: 'mfa_required' });
  const { recovery_codes } = await world.secondFactorChanges.regenerateRecoveryCodes(caller, { code: code() }, client);
  expect(recovery_codes).toHaveLength(10);
  world.advance(30);
  await world.secondFactorChanges.disableTotp(caller, { code: code() }, client);
  await expect(world.signIn('alice', PASSWORD, client)).resolves.toMatchObject({ token_type: 'Bearer' });
});

it('lets a sensitive change through with a recent second factor in the session, and not with a password-only session', async () => {
  const { world, caller, code } = await enrolled();
  // The session enrolment started in was a password-only one.
  await expect(world.secondFactorChanges.stepUp(caller, {}, client)).rejects.toMatchObject({ code: 'mfa_required' });
  const tokens = await world.signInWithSecondFactor(await mfaTokenOf(world), { code: code() }, client);
  const checked = (await world.checkAccessToken(tokens.access_token))!;
  await expect(world.secondFactorChanges.stepUp({ account: checked.account, claims: checked.claims }, {}, client)).resolves.toBeUndefined();
  const old = { account: checked.account, claims: { ...checked.claims, auth_time: checked.claims.auth_time! - 301 } };
  await expect(world.secondFactorChanges.stepUp(old, {}, client)).rejects.toMatchObject({ code: 'mfa_required' });
});

it('changes the password with TOTP on only with a code or a recent second factor', async () => {
  const { world, caller, code } = await enrolled();
  const NEW = 'another correct horse battery staple';
  await expect(world.changePassword(caller.account, PASSWORD, NEW, client, caller.claims)).rejects.toMatchObject({ status: 403, code: 'mfa_required' });
  const fresh = await world.changePassword(caller.account, PASSWORD, NEW, client, caller.claims, { code: code() });
  expect((await world.checkAccessToken(fresh.access_token))!.claims.amr).toEqual(['pwd', 'otp', 'mfa']);
});

it("deletes the user's own account with TOTP on only with a code (or a recent second factor), after the password", async () => {
  const { world, caller, code } = await enrolled();
  await expect(world.accountOwnership.deleteOwn(caller, { password: PASSWORD }, client)).rejects.toMatchObject({ status: 403, code: 'mfa_required' });
  // The password comes first: a wrong one is refused as such, whatever the code.
  await expect(world.accountOwnership.deleteOwn(caller, { password: 'wrong', code: code() }, client)).rejects.toMatchObject({ code: 'incorrect_password' });
  expect(world.stores.accounts.accounts.has('alice')).toBe(true);
  await world.accountOwnership.deleteOwn(caller, { password: PASSWORD, code: code() }, client);
  expect(world.stores.accounts.accounts.has('alice')).toBe(false);
  expect(world.stores.secondFactors.totp.size).toBe(0);
});
