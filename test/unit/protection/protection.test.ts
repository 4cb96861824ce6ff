import { addressKey } from '../../../lib/protection/protection';
import { AppError } from '../../../lib/platform/errors';
import { describeFailure, INVALID, LIMITS, PASSWORD, setup, TOO_MANY } from './setup';

describe('per-username backoff', () => {
  it('refuses the right password after six wrong ones, unchecked, with Retry-After, and lets it in once the delay is over', async () => {
    const { signIn, refusal, advance, checks } = await setup();
    for (let i = 0; i < 6; i++) expect(await refusal('alice', `wrong guess ${i}`)).toMatchObject(INVALID);
    checks.mockClear();

    expect(await refusal('alice', PASSWORD)).toEqual({ ...TOO_MANY, retryAfter: '2' });
    expect(checks).not.toHaveBeenCalled();

    advance(1);
    expect(await refusal('alice', PASSWORD)).toEqual({ ...TOO_MANY, retryAfter: '1' });
    advance(1);
    await expect(signIn('alice', PASSWORD)).resolves.toMatchObject({ username: 'alice' });
  });

  it('answers a name that does not exist exactly as one that does', async () => {
    const { refusal } = await setup();
    const known: unknown[] = [];
    const unknown: unknown[] = [];
    for (let i = 0; i < 7; i++) {
      known.push(await refusal('alice', `wrong guess ${i}`));
      unknown.push(await refusal('nobody-here', `wrong guess ${i}`));
    }
    expect(unknown).toEqual(known);
    expect(known.at(-1)).toEqual({ ...TOO_MANY, retryAfter: '2' });
  });

  it('lets six of 50 concurrent wrong guesses reach the password check, and refuses the rest unchecked', async () => {
    const { refusal, checks } = await setup();
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => refusal('alice', `guess ${i}`)));
    expect(checks).toHaveBeenCalledTimes(6);
    expect(answers.filter((a) => a?.status === 401)).toHaveLength(6);
    expect(answers.filter((a) => a?.status === 429)).toHaveLength(44);
  });

  it('doubles the delay up to 15 minutes, never more: no permanent lockout', async () => {
    const { refusal, advance } = await setup();
    for (let i = 0; i < 5; i++) await refusal('alice', 'wrong');
    const delays: number[] = [];
    for (let i = 0; i < 14; i++) {
      expect(await refusal('alice', 'wrong')).toMatchObject(INVALID);
      const held = (await refusal('alice', 'wrong'))!;
      delays.push(Number(held.retryAfter));
      advance(Number(held.retryAfter));
    }
    expect(delays).toEqual([2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900, 900, 900]);
  });

  it('forgets failures after a quiet hour', async () => {
    const { signIn, refusal, advance } = await setup();
    for (let i = 0; i < 6; i++) await refusal('alice', 'wrong');
    advance(3601);
    for (let i = 0; i < 5; i++) expect(await refusal('alice', 'wrong')).toMatchObject(INVALID);
    await expect(signIn('alice', PASSWORD)).resolves.toMatchObject({ username: 'alice' });
  });

  it('resets the count on a success', async () => {
    const { signIn, refusal } = await setup();
    for (let i = 0; i < 5; i++) await refusal('alice', 'wrong');
    await signIn('alice', PASSWORD);
    for (let i = 0; i < 6; i++) expect(await refusal('alice', 'wrong')).toMatchObject(INVALID);
    expect(await refusal('alice', 'wrong')).toMatchObject(TOO_MANY);
  });

  it('counts a dependency failure as an attempt, but not as a failure to log or to hold against the address', async () => {
    const { protection, attempts } = await setup();
    const outage = new AppError('temporarily_unavailable', 'down');
    await expect(protection.attempt('alice', { address: '198.51.100.1' }, async () => Promise.reject(outage), describeFailure)).rejects.toBe(outage);
    expect(attempts.users.get('alice')?.attempts).toBe(1);
    expect(attempts.addresses.size).toBe(0);
  });
});

describe('per-address blocking', () => {
  it('blocks an address spraying many names after 30 failures, on signin, for 15 minutes; other addresses go on', async () => {
    const { protection, signIn, refusal, advance } = await setup();
    const sprayer = { address: '198.51.100.9' };
    for (let i = 0; i < 30; i++) expect(await refusal(`victim-${i}`, 'Summer2024!', sprayer)).toMatchObject(INVALID);

    expect(await refusal('victim-31', 'Summer2024!', sprayer)).toEqual({ ...TOO_MANY, retryAfter: '900' });
    // The right password from there too: signup and signin check the address first (lib/flows).
    expect(await refusal('alice', PASSWORD, sprayer)).toMatchObject(TOO_MANY);
    await expect(protection.admit(sprayer)).rejects.toMatchObject(TOO_MANY);
    await expect(signIn('alice', PASSWORD, { address: '203.0.113.50' })).resolves.toMatchObject({ username: 'alice' });

    advance(900);
    await expect(signIn('alice', PASSWORD, sprayer)).resolves.toMatchObject({ username: 'alice' });
  });

  it('counts a whole IPv6 /64 as one address', async () => {
    const { refusal } = await setup({ ...LIMITS, addressFailures: 3 });
    for (const address of ['2001:db8:1:2::1', '2001:db8:1:2:aaaa::2', '2001:0db8:0001:0002:ffff:ffff:ffff:ffff']) {
      expect(await refusal('alice-x', 'wrong', { address })).toMatchObject(INVALID);
    }
    expect(await refusal('bob', 'wrong', { address: '2001:db8:1:2::99' })).toMatchObject(TOO_MANY);
    expect(await refusal('bob', 'wrong', { address: '2001:db8:1:3::1' })).toMatchObject(INVALID);
  });

  it('leaves a client without an address (no gateway in front) out of the address count', async () => {
    const { refusal, attempts } = await setup({ ...LIMITS, addressFailures: 1 });
    expect(await refusal('alice', 'wrong', {})).toMatchObject(INVALID);
    expect(await refusal('bob', 'wrong', {})).toMatchObject(INVALID);
    expect(attempts.addresses.size).toBe(0);
  });
});

it.each([
  ['192.0.2.1', '192.0.2.1'],
  ['::ffff:192.0.2.1', '192.0.2.1'],
  ['2001:db8::1', '2001:db8:0:0::/64'],
  ['2001:0db8:00a0:0000:1:2:3:4', '2001:db8:a0:0::/64'],
  ['::1', '0:0:0:0::/64'],
])('counts the address %s as %s', (address, key) => {
  expect(addressKey(address)).toBe(key);
});
