import { DeviceTokens } from '../../../lib/protection/device-tokens';
import { INVALID, PASSWORD, setup, TOO_MANY } from './setup';

const attacker = { address: '198.51.100.66' };
const laptop = { address: '203.0.113.7' };

/** The attacker of issue 22: one wrong password every 15 minutes, after five, keeps alice's name in backoff for good. */
async function hammered(refusal: Awaited<ReturnType<typeof setup>>['refusal'], advance: (seconds: number) => void) {
  for (let i = 0; i < 10; i++) {
    await refusal('alice', `wrong guess ${i}`, attacker);
    advance(1);
  }
  expect(await refusal('alice', PASSWORD, attacker)).toMatchObject({ status: 429 });
}

describe('device tokens against a targeted lockout', () => {
  it('lets a client that signed in before through the backoff others built up on the name, and not one without its token', async () => {
    const { signIn, refusal, advance } = await setup();
    const { deviceToken } = await signIn('alice', PASSWORD, laptop);
    await hammered(refusal, advance);

    expect(await refusal('alice', PASSWORD, laptop)).toMatchObject({ status: 429, code: 'too_many_attempts' });
    const again = await signIn('alice', PASSWORD, laptop, deviceToken);
    expect(again).toMatchObject({ username: 'alice', deviceToken: expect.stringMatching(/^d1\./) });
    expect(again.deviceToken).not.toBe(deviceToken);
    // Its success lifts nothing for the others: the attacker is still held off.
    expect(await refusal('alice', PASSWORD, attacker)).toMatchObject({ status: 429 });
  });

  it('counts a device’s own failures against that device alone: five free, then its own backoff', async () => {
    const { signIn, refusal, checks } = await setup();
    const { deviceToken } = await signIn('alice', PASSWORD, laptop);
    const other = (await signIn('alice', PASSWORD, laptop)).deviceToken;
    for (let i = 0; i < 6; i++) expect(await refusal('alice', `wrong ${i}`, attacker, deviceToken)).toMatchObject(INVALID);
    checks.mockClear();
    expect(await refusal('alice', PASSWORD, attacker, deviceToken)).toEqual({ ...TOO_MANY, retryAfter: '2' });
    expect(checks).not.toHaveBeenCalled();
    // Neither the name nor the user's other device took those failures.
    await expect(signIn('alice', PASSWORD, laptop)).resolves.toMatchObject({ username: 'alice' });
    await expect(signIn('alice', PASSWORD, laptop, other)).resolves.toMatchObject({ username: 'alice' });
  });

  it('gives no lane to a forged, altered, foreign, expired or revoked token: such a client meets the backoff', async () => {
    const { world, signIn, refusal, advance } = await setup();
    await world.passwordAccounts.signUp('bob', PASSWORD, {
      provision: async () => ({ kind: 'secret', consumerId: 'c2', credentialId: 'cr2', key: 'k2', secret: 's2' }),
      discard: async () => undefined,
      keepOnly: async () => undefined,
    });
    const { deviceToken } = await signIn('alice', PASSWORD, laptop);
    const bobs = (await signIn('bob', PASSWORD, laptop)).deviceToken;
    const forger = new DeviceTokens({ secret: 'another secret of at least thirty-two characters', ttlSeconds: 3600, epoch: async () => 0 });
    const [, nonce, issuedAt, mac] = deviceToken.split('.');
    const altered = `d1.${nonce}.${Number(issuedAt) - 1}.${mac}`;
    await hammered(refusal, advance);

    for (const token of [await forger.issue('alice'), altered, bobs, 'garbage', '']) {
      expect(await refusal('alice', PASSWORD, laptop, token)).toMatchObject({ status: 429 });
    }
    await expect(signIn('alice', PASSWORD, laptop, deviceToken)).resolves.toMatchObject({ username: 'alice' });

    // Revoked: sign-out everywhere and a password change raise the epoch.
    const fresh = (await signIn('alice', PASSWORD, laptop, deviceToken)).deviceToken;
    await world.tokenSessions.endAll('alice');
    expect(await refusal('alice', PASSWORD, laptop, fresh)).toMatchObject({ status: 429 });

    // Expired: 90 days.
    const late = (await signIn('alice', PASSWORD, laptop, (await world.deviceTokens.issue('alice')))).deviceToken;
    advance(90 * 24 * 3600);
    await hammered(refusal, advance);
    expect(await refusal('alice', PASSWORD, laptop, late)).toMatchObject({ status: 429 });
  });

  it('names nobody: neither the username nor the epoch is in the token', async () => {
    const { signIn, world } = await setup();
    await world.tokenSessions.endAll('alice');
    const { deviceToken } = await signIn('alice', PASSWORD, laptop);
    expect(deviceToken).toMatch(/^d1\.[A-Za-z0-9_-]{22}\.[0-9]+\.[A-Za-z0-9_-]{43}$/);
    expect(deviceToken).not.toContain('alice');
    expect(Buffer.from(deviceToken.split('.')[1], 'base64url').toString('latin1')).not.toContain('alice');
  });
});
