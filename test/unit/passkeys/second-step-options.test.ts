import { generateAuthenticationOptions } from '@simplewebauthn/server';
import { Passkeys } from '../../../lib/passkeys/passkeys';
import { PasskeySecondStepOptions } from '../../../lib/passkeys/second-step-options';
import { MemoryPasskeyStore } from '../support/memory-passkeys';
import { SoftwareAuthenticator } from '../support/software-authenticator';

const ORIGIN = 'https://auth.example.test';
const settings = { rpId: 'auth.example.test', rpName: 'Test', origins: [ORIGIN], challengeSeconds: 300 };
const alice = { id: 'acc-alice', username: 'alice' };

describe('the second step options made without the WebAuthn library', () => {
  it("are what @simplewebauthn/server's generateAuthenticationOptions makes of the same challenge and credentials", async () => {
    const store = new MemoryPasskeyStore();
    const passkeys = new Passkeys(store, settings);
    for (const name of ['Laptop', 'Phone']) {
      const options = await passkeys.registrationOptions(alice);
      await passkeys.register(alice, new SoftwareAuthenticator().register(options, ORIGIN) as never, name);
    }
    const ours = await new PasskeySecondStepOptions(store, settings).secondStepOptions(alice.id);
    const theirs = await generateAuthenticationOptions({
      rpID: settings.rpId,
      challenge: new Uint8Array(Buffer.from(ours.challenge, 'base64url')),
      timeout: settings.challengeSeconds * 1000,
      userVerification: 'required',
      allowCredentials: (await store.list(alice.id)).map((passkey) => ({ id: passkey.credentialId, transports: passkey.transports })),
    });
    expect(ours.allowCredentials).toHaveLength(2);
    expect(ours).toEqual(theirs);
  });

  it('store their challenge server-side, for that account\'s second step, expiring after the configured time', async () => {
    const now = Date.parse('2026-12-08T12:00:00Z');
    const store = new MemoryPasskeyStore();
    const passkeys = new Passkeys(store, settings, () => now);
    const authenticator = new SoftwareAuthenticator();
    await passkeys.register(alice, authenticator.register(await passkeys.registrationOptions(alice), ORIGIN) as never);
    const options = await passkeys.secondStepOptions(alice.id);
    const challenge = await store.consumeChallenge(options.challenge);
    expect(challenge).toEqual({ purpose: 'mfa', accountId: alice.id, expiresAt: Math.floor(now / 1000) + 300 });
  });
});
