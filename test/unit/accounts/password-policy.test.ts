import { PasswordPolicy } from '../../../lib/accounts/password-policy';
import { zxcvbnEstimator } from '../../../lib/accounts/password-strength';

// The real estimator, with its dictionaries: what it refuses is the point.
const policy = new PasswordPolicy(15, zxcvbnEstimator);
const refusal = (password: string, username = 'alice') =>
  policy.check(password, username).then(
    () => undefined,
    (error) => ({ status: error.status, code: error.code, message: error.message }),
  );
const WEAK = {
  status: 400,
  code: 'weak_password',
  message: 'password: is too easy to guess; use a longer passphrase, such as several unrelated words',
};

it.each(['correct horse battery', 'a new long password', 'purple elephant dancing quietly', 'Tr0ub4dor&3 on a sunny hill'])('accepts %p', async (password) => {
  expect(await refusal(password)).toBeUndefined();
});

it('accepts 64- and 100-character passwords, and up to 256', async () => {
  expect(await refusal('correct horse battery staple, and a few more words to reach 64!!'.slice(0, 64))).toBeUndefined();
  expect(await refusal('the quick brown fox jumps over the lazy dog while the cat sleeps on a warm and sunny windowsill')).toBeUndefined();
  expect(await refusal('k9$Lm2#qZ'.repeat(12).slice(0, 100))).toBeUndefined();
});

it.each(['Password123456789', 'passwordpassword1', 'qwertyuiopasdfghjkl', 'iloveyou12345678', 'aaaaaaaaaaaaaaaaaaaa', 'P@ssw0rd!P@ssw0rd!', 'letmein123456789', 'Qwerty123456789!', '1q2w3e4r5t6y7u8i'])(
  'refuses the common or breached %p, or a variation, without saying which list it is on',
  async (password) => {
    expect(await refusal(password)).toEqual(WEAK);
  },
);

it('refuses a password shorter than the minimum, counting characters, not bytes', async () => {
  expect(await refusal('ab1!x9$Lm2#qZ7')).toEqual({ status: 400, code: 'weak_password', message: 'password: must be at least 15 characters' });
  // 15 characters of 2 bytes each: long enough.
  expect(await refusal('ĉĝĥĵŝŭĉĝĥĵŝŭçøæ')).toBeUndefined();
});

it('refuses a password that contains the username, in any case', async () => {
  const containing = { status: 400, code: 'weak_password', message: 'password: must not contain the username' };
  expect(await refusal('my name is alice and I like tea', 'alice')).toEqual(containing);
  expect(await refusal('ALICE-in-wonderland-rabbit-hole', 'alice')).toEqual(containing);
  expect(await refusal('purple elephant dancing quietly', 'bob-the-builder')).toBeUndefined();
});

it('names the field it checked (new_password on a password change)', async () => {
  await expect(policy.check('short', 'alice', 'new_password')).rejects.toMatchObject({ message: 'new_password: must be at least 15 characters' });
});

it('takes its minimum from configuration, down to 8 where a second factor is in place', async () => {
  const relaxed = new PasswordPolicy(8, zxcvbnEstimator);
  await expect(relaxed.check('tq9#Lm2zX4', 'alice')).resolves.toBeUndefined();
  // Long enough now, and still refused as too easy to guess.
  await expect(relaxed.check('password1', 'alice')).rejects.toMatchObject({ message: WEAK.message });
  await expect(relaxed.check('tq9#Lm2', 'alice')).rejects.toMatchObject({ message: 'password: must be at least 8 characters' });
});
