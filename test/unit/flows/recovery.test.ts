import { passwordResetFlow, recoveryFlows, RECOVERY_ACCEPTED, type RecoveryDeps } from '../../../lib/flows/recovery';
import { transportMailer, type Mail, type Mailer } from '../../../lib/mail';
import { composeOnMemory, PASSWORD } from '../support/flows';
import { MemoryRecoveryStore } from '../support/memory-recovery-store';
import { PasswordPolicy } from '../../../lib/accounts/password-policy';
import { plainEstimator } from '../support/flows';
import { Accounts } from '../../../lib/accounts/accounts';
import { KongCredentials } from '../../../lib/kong/credentials';

const LIMITS = { passwordResetTtlSeconds: 1200, emailVerificationTtlSeconds: 86400, mailsPerAccountPerHour: 3, requestsPerAddressPerHour: 30 };
const NEW_PASSWORD = 'an entirely different passphrase';

/** The mails sent, kept; or a mailer whose every send fails (and reports). */
function outbox() {
  const sent: Array<{ to: string; mail: Mail; kind: string }> = [];
  const mailer: Mailer = { send: async (to, mail, kind) => (sent.push({ to, mail, kind }), true) };
  const tokenOf = (kind: string) => /token=([A-Za-z0-9_-]{43})/.exec(sent.filter((m) => m.kind === kind).at(-1)!.mail.text)![1];
  return { sent, mailer, tokenOf };
}

function world() {
  const flows = composeOnMemory();
  const store = new MemoryRecoveryStore(flows.stores.accounts);
  const box = outbox();
  const deps: RecoveryDeps = {
    store,
    accounts: new Accounts(flows.stores.accounts),
    mailer: box.mailer,
    mail: { productName: 'Test Auth', baseUrl: 'https://auth.example.test' },
    limits: LIMITS,
    minimumForgotMs: 0,
  };
  const recovery = recoveryFlows(deps);
  const resetPassword = passwordResetFlow({
    ...deps,
    passwordPolicy: new PasswordPolicy(15, async () => plainEstimator),
    passwordAccounts: flows.passwordAccounts,
    tokenSessions: flows.tokenSessions,
    kongCredentials: new KongCredentials(flows.kongAdmin, new Accounts(flows.stores.accounts)),
    subjects: flows.subjects,
  });
  const signUp = async (username: string, email: string) => {
    await flows.signUp(username, PASSWORD, {});
    const account = (await flows.stores.accounts.get(username))!;
    await recovery.claimAddress(account, email);
  };
  return { flows, store, box, recovery, resetPassword, signUp };
}

it('answers forgot-password alike for every request, mails only a known account, and writes a decoy otherwise', async () => {
  const { box, store, recovery, signUp } = world();
  await signUp('alice', 'alice@example.test');
  box.sent.length = 0;
  expect(await recovery.forgotPassword({ username: 'alice' }, { address: '192.0.2.1' })).toBe(RECOVERY_ACCEPTED);
  expect(await recovery.forgotPassword({ username: 'nobody' }, { address: '192.0.2.1' })).toBe(RECOVERY_ACCEPTED);
  expect(await recovery.forgotPassword({ email: 'nobody@example.test' }, { address: '192.0.2.1' })).toBe(RECOVERY_ACCEPTED);
  expect(box.sent.map((m) => [m.to, m.kind])).toEqual([['alice@example.test', 'password_reset']]);
  expect(box.sent[0].mail.text).toContain('https://auth.example.test/password/reset?token=');
  expect(store.decoys.size).toBe(2);
  // Only hashes are stored: the mailed token is nowhere in the store.
  expect(JSON.stringify([...store.tokens])).not.toContain(box.tokenOf('password_reset'));
});

it('sends no more than the limit per account in an hour, and answers the same past it', async () => {
  const { box, recovery, signUp } = world();
  await signUp('alice', 'alice@example.test');
  box.sent.length = 0;
  for (let i = 0; i < 5; i++) expect(await recovery.forgotPassword({ username: 'alice' }, { address: `192.0.2.${i}` })).toBe(RECOVERY_ACCEPTED);
  expect(box.sent).toHaveLength(LIMITS.mailsPerAccountPerHour);
});

it('a reset token is bound to the password it was issued under, and a weak password spends nothing', async () => {
  const { box, recovery, resetPassword, signUp, flows } = world();
  await signUp('alice', 'alice@example.test');
  await recovery.forgotPassword({ username: 'alice' }, {});
  const first = box.tokenOf('password_reset');
  await recovery.forgotPassword({ username: 'alice' }, {});
  const second = box.tokenOf('password_reset');

  await expect(resetPassword(second, 'weak')).rejects.toMatchObject({ code: 'weak_password' });
  await expect(resetPassword(second, NEW_PASSWORD)).resolves.toEqual({ status: 'password_reset' });
  await expect(resetPassword(second, NEW_PASSWORD)).rejects.toMatchObject({ status: 400, code: 'invalid_reset_token' });
  // Issued before the password changed: dead too.
  await expect(resetPassword(first, `${NEW_PASSWORD} two`)).rejects.toMatchObject({ code: 'invalid_reset_token' });
  expect(box.sent.at(-1)).toMatchObject({ to: 'alice@example.test', kind: 'password_changed' });
  await expect(flows.signIn('alice', NEW_PASSWORD, {})).resolves.toHaveProperty('access_token');
});

it('an address in use is not given: its owner is told, and the newcomer has none', async () => {
  const { box, recovery, signUp, flows } = world();
  await signUp('alice', 'alice@example.test');
  await signUp('bob', 'alice@example.test');
  expect(box.sent.map((m) => m.kind)).toEqual(['verify_email', 'email_in_use']);
  expect((await flows.stores.accounts.get('bob'))!.email).toBeUndefined();
  await expect(recovery.verifyEmail(box.tokenOf('verify_email'))).resolves.toMatchObject({ username: 'alice', email_verified: true });
  expect((await flows.stores.accounts.get('alice'))!.emailVerified).toBe(true);
});

it("erases an account's pending links and its address, so that the address is free again", async () => {
  const { box, store, recovery, signUp, flows } = world();
  await signUp('alice', 'alice@example.test');
  await recovery.forgotPassword({ username: 'alice' }, {});
  await recovery.eraseRecoveryData((await flows.stores.accounts.get('alice'))!);
  expect(store.tokens.size).toBe(0);
  expect(await store.emailOwner('alice@example.test')).toBeUndefined();
  await expect(recovery.verifyEmail(box.tokenOf('verify_email'))).rejects.toMatchObject({ code: 'invalid_verification_token' });
});

it('reports a mail that cannot be sent, and never throws', async () => {
  const failing = transportMailer(() => async () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })), { from: 'a@b.test', timeoutMs: 1000 });
  await expect(failing.send('someone@example.test', { subject: 's', text: 't', html: 'h' }, 'password_reset')).resolves.toBe(false);
  const slow = transportMailer(() => () => new Promise(() => undefined), { from: 'a@b.test', timeoutMs: 100 });
  await expect(slow.send('someone@example.test', { subject: 's', text: 't', html: 'h' }, 'password_reset')).resolves.toBe(false);
  // A client that cannot be made (a local run without nodemailer installed) is a failed mail too, not a 500.
  const unmade = transportMailer(() => { throw new Error("Cannot find module 'nodemailer'"); }, { from: 'a@b.test', timeoutMs: 100 });
  await expect(unmade.send('someone@example.test', { subject: 's', text: 't', html: 'h' }, 'password_reset')).resolves.toBe(false);
});
