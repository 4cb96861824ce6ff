import { Passkeys } from '../../../lib/passkeys/passkeys';
import { AppError } from '../../../lib/platform/errors';
import { MemoryPasskeyStore } from '../support/memory-passkeys';
import { SoftwareAuthenticator } from '../support/software-authenticator';

const ORIGIN = 'https://auth.example.test';
const settings = { rpId: 'auth.example.test', rpName: 'Test', origins: [ORIGIN], challengeSeconds: 300 };
const alice = { id: 'acc-alice', username: 'alice' };
const bob = { id: 'acc-bob', username: 'bob' };

function setup() {
  let now = Date.parse('2026-12-07T12:00:00Z');
  const store = new MemoryPasskeyStore();
  const passkeys = new Passkeys(store, settings, () => now);
  return { store, passkeys, advance: (seconds: number) => (now += seconds * 1000) };
}

async function registered(passkeys: Passkeys, authenticator = new SoftwareAuthenticator({ counter: 1 }), account = alice) {
  const options = await passkeys.registrationOptions(account);
  await passkeys.register(account, authenticator.register(options, ORIGIN) as never, 'Laptop');
  return authenticator;
}

const code = (promise: Promise<unknown>) => promise.then(() => 'ok', (error: AppError) => error.code);

describe('passkey registration', () => {
  it('asks for a discoverable credential with user verification, excluding the ones registered', async () => {
    const { passkeys } = setup();
    const authenticator = await registered(passkeys);
    const options = await passkeys.registrationOptions(alice);
    expect(options.authenticatorSelection).toMatchObject({ residentKey: 'required', userVerification: 'required' });
    expect(options.rp.id).toBe('auth.example.test');
    // The same on Node 20 and 24: no ML-DSA, whatever the runtime's crypto offers.
    expect(options.pubKeyCredParams.map((p) => p.alg)).toEqual([-8, -7, -257]);
    expect(options.excludeCredentials?.map((c) => c.id)).toEqual([Buffer.from(authenticator.credentialId).toString('base64url')]);
  });

  it('stores the passkey, lists, renames and removes it', async () => {
    const { passkeys } = setup();
    const authenticator = await registered(passkeys);
    const id = Buffer.from(authenticator.credentialId).toString('base64url');
    expect(await passkeys.list(alice.id)).toEqual([expect.objectContaining({ id, name: 'Laptop', last_used_at: null })]);
    await passkeys.rename(alice.id, id, 'Phone');
    expect((await passkeys.list(alice.id))[0].name).toBe('Phone');
    expect(await code(passkeys.rename(bob.id, id, 'Mine'))).toBe('not_found');
    expect(await code(passkeys.remove(bob, id))).toBe('not_found');
    await passkeys.remove(alice, id);
    expect(await passkeys.list(alice.id)).toEqual([]);
  });

  it('uses a challenge once, for its own account only, and only before it expires', async () => {
    const { passkeys, advance } = setup();
    const authenticator = new SoftwareAuthenticator();
    const options = await passkeys.registrationOptions(alice);
    const response = authenticator.register(options, ORIGIN) as never;
    expect(await code(passkeys.register(bob, response))).toBe('invalid_passkey');
    // Bob's try spent it: Alice's own response now finds it gone.
    expect(await code(passkeys.register(alice, response))).toBe('invalid_passkey');
    const late = await passkeys.registrationOptions(alice);
    advance(301);
    expect(await code(passkeys.register(alice, authenticator.register(late, ORIGIN) as never))).toBe('invalid_passkey');
    expect(await passkeys.list(alice.id)).toEqual([]);
  });

  it('refuses a response without user verification, or from another origin', async () => {
    const { passkeys } = setup();
    const unverified = new SoftwareAuthenticator({ userVerified: false });
    expect(await code(passkeys.register(alice, unverified.register(await passkeys.registrationOptions(alice), ORIGIN) as never))).toBe('invalid_passkey');
    const elsewhere = new SoftwareAuthenticator();
    const options = await passkeys.registrationOptions(alice);
    expect(await code(passkeys.register(alice, elsewhere.register(options, 'https://evil.example') as never))).toBe('invalid_passkey');
  });
});

describe('passkey sign-in', () => {
  it('answers the owner and amr (hwk for a device-bound key, user, mfa)', async () => {
    const { passkeys } = setup();
    const authenticator = await registered(passkeys);
    const options = await passkeys.authenticationOptions();
    expect(options.allowCredentials ?? []).toEqual([]);
    expect(options.userVerification).toBe('required');
    const signedIn = await passkeys.verifyAssertion(authenticator.assert(options, ORIGIN) as never);
    expect(signedIn).toEqual({ accountId: alice.id, amr: ['hwk', 'user', 'mfa'] });
    expect((await passkeys.list(alice.id))[0].last_used_at).not.toBeNull();
  });

  it('refuses a replayed assertion: the challenge is spent', async () => {
    const { passkeys } = setup();
    const authenticator = await registered(passkeys);
    const assertion = authenticator.assert(await passkeys.authenticationOptions(), ORIGIN) as never;
    await passkeys.verifyAssertion(assertion);
    expect(await code(passkeys.verifyAssertion(assertion))).toBe('invalid_passkey');
  });

  it('refuses a counter that did not move forward (a cloned authenticator)', async () => {
    const { passkeys } = setup();
    const authenticator = await registered(passkeys, new SoftwareAuthenticator({ counter: 5 }));
    await passkeys.verifyAssertion(authenticator.assert(await passkeys.authenticationOptions(), ORIGIN) as never);
    authenticator.counter = 3;
    expect(await code(passkeys.verifyAssertion(authenticator.assert(await passkeys.authenticationOptions(), ORIGIN) as never))).toBe('invalid_passkey');
  });

  it('refuses an unknown credential and one whose user handle is not its owner', async () => {
    const { passkeys } = setup();
    const stranger = new SoftwareAuthenticator();
    expect(await code(passkeys.verifyAssertion(stranger.assert(await passkeys.authenticationOptions(), ORIGIN) as never))).toBe('invalid_passkey');
    const authenticator = await registered(passkeys);
    authenticator.userHandle = Buffer.from(bob.id).toString('base64url');
    expect(await code(passkeys.verifyAssertion(authenticator.assert(await passkeys.authenticationOptions(), ORIGIN) as never))).toBe('invalid_passkey');
  });

  it('refuses an expired challenge and one made for registration', async () => {
    const { passkeys, advance } = setup();
    const authenticator = await registered(passkeys);
    const options = await passkeys.authenticationOptions();
    advance(301);
    expect(await code(passkeys.verifyAssertion(authenticator.assert(options, ORIGIN) as never))).toBe('invalid_passkey');
    const registration = await passkeys.registrationOptions(alice);
    expect(await code(passkeys.verifyAssertion(authenticator.assert({ challenge: registration.challenge, rpId: settings.rpId }, ORIGIN) as never))).toBe(
      'invalid_passkey',
    );
  });
});
