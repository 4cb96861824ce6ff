import { codeAt } from '../../../lib/second-factors/totp';
import { emailChangeFlow } from '../../../lib/flows/email-change';
import { composeOnMemory, PASSWORD } from '../support/flows';

const client = { address: '203.0.113.7', userAgent: 'test' };

/** Alice signed in with her password only; the email change over the world's stores, its mails recorded. */
async function signedIn() {
  const world = composeOnMemory();
  await world.signUp('alice', PASSWORD, client);
  const tokens = await world.signIn('alice', PASSWORD, client);
  const checked = (await world.checkAccessToken(tokens.access_token))!;
  const caller = { account: checked.account, claims: checked.claims };
  const requested: string[] = [];
  const changeEmail = emailChangeFlow({
    protection: world.protection,
    passwordAccounts: world.passwordAccounts,
    stepUp: world.secondFactorChanges.stepUp,
    requestEmailChange: async (_account, address) => {
      requested.push(address);
      return { message: 'accepted' };
    },
  });
  return { world, caller, requested, changeEmail };
}

it('counts a wrong password as a failed attempt and asks for no mail', async () => {
  const { world, caller, requested, changeEmail } = await signedIn();
  await expect(changeEmail(caller.account, 'not the password', 'new@example.com', client, caller.claims)).rejects.toMatchObject({ status: 403, code: 'incorrect_password' });
  expect([...world.stores.attempts.users.values()][0]).toMatchObject({ attempts: 1 });
  expect(requested).toEqual([]);
});

it('without a second factor: the password is enough', async () => {
  const { caller, requested, changeEmail } = await signedIn();
  await changeEmail(caller.account, PASSWORD, 'new@example.com', client, caller.claims);
  expect(requested).toEqual(['new@example.com']);
});

it('with TOTP on and no recent second factor: mfa_required until a right code comes, and no mail before', async () => {
  const { world, caller, requested, changeEmail } = await signedIn();
  const { secret } = await world.secondFactorChanges.startTotp(caller);
  await world.secondFactorChanges.confirmTotp(caller, codeAt(secret, world.clock.now));
  world.advance(30);
  await expect(changeEmail(caller.account, PASSWORD, 'new@example.com', client, caller.claims)).rejects.toMatchObject({ status: 403, code: 'mfa_required' });
  await expect(changeEmail(caller.account, PASSWORD, 'new@example.com', client, caller.claims, { code: '000000' === codeAt(secret, world.clock.now) ? '111111' : '000000' })).rejects.toMatchObject({ status: 401 });
  expect(requested).toEqual([]);
  await changeEmail(caller.account, PASSWORD, 'new@example.com', client, caller.claims, { code: codeAt(secret, world.clock.now) });
  expect(requested).toEqual(['new@example.com']);
});
